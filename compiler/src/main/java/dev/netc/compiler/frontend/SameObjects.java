package dev.netc.compiler.frontend;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import dev.netc.compiler.frontend.dsl.DslReader;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Finds an object written twice (one manifest in two files, a chart rendered twice: NETC077): the same content but
 * for layout. Objects of the same content have the same kind, namespace and name as written, so only objects that
 * share those are compared, by a digest of their content ({@link ContentDigest}). The first object of a name is not
 * digested when it is read: almost every object is the only one of its name, and hashing every object cost a
 * sixth of the front end. When a second object of a name comes, the earlier ones are digested from their file,
 * read again once (its trees are not kept) — at most one more reading of each file that has a repeated name. A
 * mapping of a YAML or JSON text is known by its position (no two start at the same place).
 */
final class SameObjects {
    private final Map<String, InputSource> sources = new HashMap<>();
    private final BiFunction<InputSource, Diagnostics, List<YamlNode>> reader;
    private final ContentDigest digest = new ContentDigest();
    /** The objects read so far by kind, namespace and name, in order; a digest once one was needed. */
    private final Map<String, List<Seen>> byName = new HashMap<>();
    /** The digests of the objects of a file read again, by position. */
    private final Map<String, Map<SourcePos, ContentDigest.Key>> reread = new HashMap<>();

    private static final class Seen {
        final SourcePos pos;
        ContentDigest.Key digest;

        Seen(SourcePos pos, ContentDigest.Key digest) {
            this.pos = pos;
            this.digest = digest;
        }
    }

    SameObjects(List<InputSource> inputs, BiFunction<InputSource, Diagnostics, List<YamlNode>> reader) {
        for (InputSource s : inputs) sources.putIfAbsent(s.path(), s);
        this.reader = reader;
    }

    /**
     * Where an object of the same content as {@code m} (an object of {@code kind}) was read before, or null: then
     * {@code m} is recorded as read.
     */
    SourcePos firstSeen(String kind, Mapping m) {
        String name = name(kind, m);
        List<Seen> earlier = byName.get(name);
        if (earlier == null) {
            earlier = new ArrayList<>(1);
            // A .netc file may make several objects at one position, which a second reading could not tell
            // apart: its objects are digested as they come.
            earlier.add(new Seen(m.pos(), DslReader.isDsl(m.pos().file()) ? digest.of(m) : null));
            byName.put(name, earlier);
            return null;
        }
        ContentDigest.Key key = digest.of(m);
        for (Seen e : earlier) {
            if (e.digest == null) e.digest = digestAt(e.pos);
            if (key.equals(e.digest)) return e.pos;
        }
        earlier.add(new Seen(m.pos(), key));
        return null;
    }

    /**
     * Kind, namespace, name and generateName as written: a function of the content (objects of the same content
     * have the same), which is all that is needed of it. Values that are not scalars are not told apart.
     */
    private static String name(String kind, Mapping m) {
        StringBuilder b = new StringBuilder(kind).append('\u0000');
        YamlNode.Entry md = m.get("metadata");
        if (md != null && md.value() instanceof Mapping meta) {
            for (String field : new String[] {"namespace", "name", "generateName"}) {
                YamlNode.Entry e = meta.get(field);
                if (e == null) b.append('-');
                else if (e.value() instanceof Scalar s) b.append(s.type().ordinal()).append(s.text().length()).append(':').append(s.text());
                else b.append('*');
                b.append('\u0000');
            }
        }
        return b.toString();
    }

    /** The digest of the object read at {@code pos}: its file is read again (once), its objects digested. */
    private ContentDigest.Key digestAt(SourcePos pos) {
        Map<SourcePos, ContentDigest.Key> file = reread.get(pos.file());
        if (file == null) {
            file = new HashMap<>();
            reread.put(pos.file(), file);
            InputSource source = sources.get(pos.file());
            if (source != null) {
                for (YamlNode doc : reader.apply(source, new Diagnostics())) objects(doc, file);
            }
        }
        ContentDigest.Key key = file.get(pos);
        // Not found again (it cannot happen: the same bytes are read the same way): never the same as another.
        return key != null ? key : new ContentDigest.Key(pos.hashCode(), pos.line(), pos.column(), -1);
    }

    /** The objects a document stands for, as the front end reads them: itself, or the items of a list. */
    private void objects(YamlNode doc, Map<SourcePos, ContentDigest.Key> out) {
        if (!(doc instanceof Mapping m)) return;
        out.putIfAbsent(m.pos(), digest.of(m));
        String kind = text(m, "kind");
        String version = text(m, "apiVersion");
        YamlNode.Entry items = m.get("items");
        if (kind == null || version == null || items == null || !(items.value() instanceof Sequence s)) return;
        String element = YamlFrontEnd.typedListElement(kind, version);
        for (YamlNode item : s.items()) {
            YamlNode object = element == null ? item : YamlFrontEnd.typedListItem(item, version, element, m.pos());
            if (object instanceof Mapping im) out.putIfAbsent(im.pos(), digest.of(im));
        }
    }

    private static String text(Mapping m, String key) {
        YamlNode.Entry e = m.get(key);
        return e != null && e.value() instanceof Scalar s && s.type() == YamlNode.ScalarType.STRING ? s.text() : null;
    }
}
