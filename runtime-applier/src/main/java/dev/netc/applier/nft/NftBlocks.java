package dev.netc.applier.nft;

import dev.netc.applier.RulesSyntaxException;
import dev.netc.applier.Script;
import dev.netc.applier.nft.NftRuleset.Chain;
import dev.netc.applier.nft.NftRuleset.NSet;
import dev.netc.applier.nft.NftRuleset.Other;
import dev.netc.applier.nft.NftRuleset.Table;
import dev.netc.applier.nft.NftRuleset.TableId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * An nft text cut by its braces, without reading its statements: the named objects of each table (chains,
 * sets, maps, counters…) as spans of the text, and the rest (the top-level commands, the table headers and
 * their own statements, whitespace and comments left out) as one skeleton text. Two artifacts are compared
 * span by span with a string compare; only the objects whose text differs are then read by
 * {@link NftRuleset#parse} — at 10k Services, a one-endpoint change reads two chains instead of 10 MB twice.
 *
 * <p>Empty ({@link #split}) for a text the cut does not understand the same way as {@link NftRuleset}'s
 * reader (a brace that is neither a table's nor a named object's outside a statement, a comment inside a
 * header, an object declared twice in one block, unbalanced braces or quotes): such a text is read whole. An object declared again in a later block of its
 * table (a node's part of a composed file reopens the table: a map gets more elements, a chain more rules) is one
 * object of several spans, compared and read as a whole.
 */
public final class NftBlocks {
    /** One named object: its table, {@code chain NAME} (or {@code set NAME}, …), its span and first line. */
    public record Span(TableId table, String object, int start, int end, int line) {
        String key() {
            return table + " " + object;
        }
    }

    /** The text as UTF-8: every byte the cut looks at is ASCII, which no byte of a multi-byte character is. */
    private final byte[] text;
    private final String skeleton;
    private final Set<TableId> tables;
    private final Map<String, Span> objects;
    /** The later spans of the objects declared more than once, by key (the first is in {@link #objects}). */
    private final Map<String, List<Span>> again;

    private NftBlocks(byte[] text, String skeleton, Set<TableId> tables, Map<String, Span> objects, Map<String, List<Span>> again) {
        this.text = text;
        this.skeleton = skeleton;
        this.tables = Collections.unmodifiableSet(new TreeSet<>(tables));
        this.objects = Collections.unmodifiableMap(objects);
        this.again = Collections.unmodifiableMap(again);
    }

    /** Every span of the object of {@code key}: its first declaration, then the later ones. */
    private List<Span> spans(String key) {
        Span first = objects.get(key);
        if (first == null) return List.of();
        List<Span> more = again.get(key);
        if (more == null) return List.of(first);
        List<Span> all = new ArrayList<>();
        all.add(first);
        all.addAll(more);
        return all;
    }

    public String skeleton() {
        return skeleton;
    }

    public Set<TableId> tables() {
        return tables;
    }

    public Map<String, Span> objects() {
        return objects;
    }

    /**
     * The shortest chain of each table, by its text ({@code chain NAME}, as written): what the applier lists to
     * see the table is there. {@code list chain} of a small chain costs milliseconds; {@code list tables}
     * makes libnftables 1.0.6 fetch every table's rules and sets (seconds at 10k Services).
     */
    public SortedMap<TableId, String> probes() {
        SortedMap<TableId, Span> best = new TreeMap<>();
        for (Span s : objects.values()) {
            if (!s.object().startsWith("chain ")) continue;
            Span b = best.get(s.table());
            if (b == null || s.end() - s.start() < b.end() - b.start()) best.put(s.table(), s);
        }
        SortedMap<TableId, String> out = new TreeMap<>();
        best.forEach((t, s) -> out.put(t, s.object()));
        return out;
    }

    /**
     * What an incremental change to the tables of {@code previous} is sent with, first in its transaction, so that it
     * cannot build on tables that are gone: for each table, its shortest chain that is one span and the same here and
     * in {@code previous}, flushed and declared again as it is written. On a kernel that holds the previous tables it
     * changes nothing; when the chain or its table is gone, {@code flush chain} fails and nothing of the transaction is
     * committed (without it, the change's {@code table … {} blocks would create a table holding only the changed
     * objects). Empty when a table has no such chain: the applier then lists a chain of each table first.
     */
    public Optional<Script> guard(NftBlocks previous) {
        SortedMap<TableId, Span> best = new TreeMap<>();
        Set<TableId> unguarded = new TreeSet<>(tables);
        for (Map.Entry<String, Span> e : objects.entrySet()) {
            Span s = e.getValue();
            Span b = best.get(s.table());
            if (b != null && s.end() - s.start() >= b.end() - b.start()) continue; // compared only when shorter
            if (!s.object().startsWith("chain ") || again.containsKey(e.getKey()) || previous.again.containsKey(e.getKey())) continue;
            Span p = previous.objects.get(e.getKey());
            if (p == null || !same(s, previous, p)) continue;
            best.put(s.table(), s);
            unguarded.remove(s.table());
        }
        if (!unguarded.isEmpty()) return Optional.empty();
        Script g = new Script();
        best.forEach((t, s) -> {
            g.add("flush chain " + t + " " + s.object().substring("chain ".length()), s.line());
            g.add("table " + t + " {", s.line());
            g.addNumbered(text(s), s.line());
            g.add("}", s.line());
        });
        return Optional.of(g);
    }

    /** The text of one object, as written. */
    public String text(Span s) {
        return new String(text, s.start(), s.end() - s.start(), StandardCharsets.UTF_8);
    }

    /** True when {@code a} in this text and {@code b} in {@code other} are the same bytes. */
    boolean same(Span a, NftBlocks other, Span b) {
        return Arrays.equals(text, a.start(), a.end(), other.text, b.start(), b.end());
    }

    /** True when the object of {@code key} has the same spans, with the same characters, here and in {@code other}. */
    private boolean same(String key, NftBlocks other) {
        List<Span> a = spans(key);
        List<Span> b = other.spans(key);
        if (a.size() != b.size() || a.isEmpty()) return false;
        for (int i = 0; i < a.size(); i++) if (!same(a.get(i), other, b.get(i))) return false;
        return true;
    }

    public static Optional<NftBlocks> split(String text) {
        return split(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The cut of UTF-8 text, {@code text} read as it is (the caller keeps it unchanged): the spans are byte offsets.
     * Braces, quotes, {@code #}, {@code ;} and newlines are ASCII, and no byte of a multi-byte UTF-8 character is, so
     * the bytes cut exactly where the characters would.
     */
    public static Optional<NftBlocks> split(byte[] text) {
        StringBuilder skel = new StringBuilder();
        Set<TableId> tables = new TreeSet<>();
        Map<String, Span> objects = new LinkedHashMap<>();
        Map<String, List<Span>> again = new LinkedHashMap<>();
        Set<String> inBlock = new java.util.HashSet<>(); // the objects of the current table block
        int depth = 0;
        int line = 1;
        int boundary = 0; // where the current statement (or header) starts, at depth 0 and 1
        int objStart = -1;
        int objLine = 0;
        String objName = null;
        TableId table = null;
        int copied = 0; // text before this was copied to the skeleton or belongs to an object
        boolean quote = false;
        int n = text.length;
        for (int i = 0; i < n; i++) {
            byte c = text[i];
            if (quote) {
                if (c == '"') quote = false;
                else if (c == '\n') line++;
                continue;
            }
            switch (c) {
                case '"' -> quote = true;
                case '#' -> {
                    // to the end of the line; outside objects, not part of the skeleton (a header cannot span it:
                    // the newline after it starts a new statement)
                    if (depth < 2) skel.append(str(text, copied, i));
                    while (i + 1 < n && text[i + 1] != '\n') i++;
                    if (depth < 2) copied = i + 1;
                }
                case '\n' -> {
                    line++;
                    if (depth < 2) boundary = i + 1;
                }
                case ';' -> {
                    if (depth < 2) boundary = i + 1;
                }
                case '{' -> {
                    if (depth == 0) {
                        Matcher m = NftRuleset.TABLE_HEADER.matcher(NftRuleset.norm(str(text, boundary, i)));
                        if (!m.matches()) return Optional.empty();
                        table = new TableId(m.group(1) == null ? "ip" : m.group(1), m.group(2));
                        tables.add(table);
                        inBlock.clear();
                        depth = 1;
                        boundary = i + 1;
                    } else if (depth == 1) {
                        String header = plainHeader(text, boundary, i);
                        if (header == null) {
                            header = NftRuleset.norm(str(text, boundary, i));
                            if (!NftRuleset.OBJECT_HEADER.matcher(header).matches()) return Optional.empty();
                        }
                        skel.append(str(text, copied, boundary));
                        objStart = boundary;
                        objLine = line;
                        objName = header;
                        depth = 2;
                    } else {
                        depth++;
                    }
                }
                case '}' -> {
                    if (depth == 0) return Optional.empty();
                    depth--;
                    if (depth == 1 && objStart >= 0) {
                        Span s = new Span(table, objName, objStart, i + 1, objLine);
                        String key = s.key();
                        // twice in one block is left to the reader; again in a later block adds to the object
                        if (!inBlock.add(key)) return Optional.empty();
                        if (objects.putIfAbsent(key, s) != null) again.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                        copied = i + 1;
                        objStart = -1;
                        boundary = i + 1;
                    } else if (depth < 2) {
                        boundary = i + 1;
                    }
                }
                default -> {
                }
            }
        }
        if (quote || depth != 0) return Optional.empty();
        skel.append(str(text, copied, n));
        List<String> lines = new ArrayList<>();
        for (String l : skel.toString().split("\n")) {
            String t = NftRuleset.norm(l);
            if (!t.isEmpty()) lines.add(t);
        }
        return Optional.of(new NftBlocks(text, String.join("\n", lines), tables, objects, again));
    }

    /**
     * What differs between {@code from} and {@code to}, read: the objects of each side whose text is not the
     * same on the other (or that the other lacks), in tables with no attributes (the skeletons are equal, so
     * the tables' own statements are too). Empty when the skeletons differ: then the whole texts are compared.
     */
    public static Optional<Pair> differing(NftBlocks from, NftBlocks to) throws RulesSyntaxException {
        if (!from.skeleton.equals(to.skeleton) || !from.tables.equals(to.tables)) return Optional.empty();
        List<Span> a = new ArrayList<>();
        List<Span> b = new ArrayList<>();
        Set<String> differ = new java.util.HashSet<>();
        int read = 0;
        for (String key : from.objects.keySet()) {
            if (!from.same(key, to)) {
                a.addAll(from.spans(key));
                differ.add(key);
            }
        }
        for (String key : to.objects.keySet()) {
            if (!from.objects.containsKey(key) || differ.contains(key)) {
                b.addAll(to.spans(key));
                read++;
            }
        }
        return Optional.of(new Pair(from.read(a), to.read(b), read));
    }

    static final String INDEX_FORMAT = "netc.dev/nft-blocks/v1";

    /**
     * This cut as text, for the state directory, so that the next apply need not cut this text again: the format,
     * the sha256 and size of the text it cuts ({@code sha256}), the skeleton's lines, the tables, then each span in
     * the order of the text (table, start, end, line, object). Empty when an object's header holds a newline (the
     * format is one span a line).
     */
    public Optional<String> index(String sha256) {
        List<Span> all = new ArrayList<>();
        for (String key : objects.keySet()) all.addAll(spans(key));
        all.sort(java.util.Comparator.comparingInt(Span::start));
        List<TableId> ids = new ArrayList<>(tables);
        StringBuilder b = new StringBuilder(64 * all.size() + skeleton.length() + 256);
        String[] skel = skeleton.isEmpty() ? new String[0] : skeleton.split("\n", -1);
        b.append(INDEX_FORMAT).append('\n').append(sha256).append(' ').append(text.length).append('\n');
        b.append(skel.length).append('\n');
        for (String l : skel) b.append(l).append('\n');
        b.append(ids.size()).append('\n');
        for (TableId id : ids) b.append(id.family()).append(' ').append(id.name()).append('\n');
        for (Span sp : all) {
            if (sp.object().indexOf('\n') >= 0 || sp.object().indexOf('\r') >= 0) return Optional.empty();
            b.append(ids.indexOf(sp.table())).append(' ').append(sp.start()).append(' ').append(sp.end()).append(' ').append(sp.line())
                    .append(' ').append(sp.object()).append('\n');
        }
        return Optional.of(b.toString());
    }

    /**
     * The cut {@link #index} recorded for {@code text}, without cutting it again; empty when the index is not one
     * of {@code text} (another sha256 or size), or does not read as one: the caller then cuts the text. Each span is
     * checked to lie in the text, in order, to start with the header of the object it names and to end with a
     * closing brace.
     */
    public static Optional<NftBlocks> fromIndex(byte[] text, String sha256, String index) {
        try {
            String[] lines = index.split("\n", -1);
            int k = 0;
            if (!lines[k++].equals(INDEX_FORMAT)) return Optional.empty();
            if (!lines[k++].equals(sha256 + " " + text.length)) return Optional.empty();
            int skelLines = Integer.parseInt(lines[k++]);
            if (skelLines < 0 || skelLines > lines.length) return Optional.empty();
            String skeleton = String.join("\n", java.util.Arrays.asList(lines).subList(k, k + skelLines));
            k += skelLines;
            int nTables = Integer.parseInt(lines[k++]);
            if (nTables < 0 || nTables > lines.length) return Optional.empty();
            List<TableId> ids = new ArrayList<>();
            for (int t = 0; t < nTables; t++) {
                String[] f = lines[k++].split(" ", -1);
                if (f.length != 2) return Optional.empty();
                ids.add(new TableId(f[0], f[1]));
            }
            Map<String, Span> objects = new LinkedHashMap<>();
            Map<String, List<Span>> again = new LinkedHashMap<>();
            int last = 0;
            for (; k < lines.length - 1; k++) {
                String l = lines[k];
                int a = l.indexOf(' ');
                int b = l.indexOf(' ', a + 1);
                int c = l.indexOf(' ', b + 1);
                int d = l.indexOf(' ', c + 1);
                if (a < 0 || b < 0 || c < 0 || d < 0) return Optional.empty();
                TableId id = ids.get(Integer.parseInt(l, 0, a, 10));
                int start = Integer.parseInt(l, a + 1, b, 10);
                int end = Integer.parseInt(l, b + 1, c, 10);
                int line = Integer.parseInt(l, c + 1, d, 10);
                if (start < last || end <= start || end > text.length || text[end - 1] != '}' || line < 1) return Optional.empty();
                last = end;
                String object = l.substring(d + 1);
                // the object named is the one there: its header, up to its opening brace, reads as its name
                if (!namesHeader(text, start, end, object)) return Optional.empty();
                Span sp = new Span(id, object, start, end, line);
                String key = sp.key();
                if (objects.putIfAbsent(key, sp) != null) again.computeIfAbsent(key, x -> new ArrayList<>()).add(sp);
            }
            if (k != lines.length - 1 || !lines[k].isEmpty()) return Optional.empty();
            return Optional.of(new NftBlocks(text, skeleton, new TreeSet<>(ids), objects, again));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True when the object at {@code start} has the header {@code object} (as {@link #split} reads headers) before its brace. */
    private static boolean namesHeader(byte[] text, int start, int end, String object) {
        // netc writes "\tchain NAME {": compared as bytes; any other spacing is read as split reads it
        int h = start;
        while (h < end && (text[h] == ' ' || text[h] == '\t')) h++;
        int n = object.length();
        boolean ascii = h + n < end;
        for (int j = 0; ascii && j < n; j++) ascii = object.charAt(j) < 0x80 && text[h + j] == object.charAt(j);
        if (ascii && text[h + n] == ' ' && h + n + 1 < end && text[h + n + 1] == '{') return object.equals(NftRuleset.norm(object));
        int brace = start;
        while (brace < end && text[brace] != '{' && text[brace] != '\n' && text[brace] != '"') brace++;
        return brace < end && text[brace] == '{' && NftRuleset.norm(str(text, start, brace)).equals(object);
    }

    /** The one-word object keywords ({@link NftRuleset#OBJECT_KEYWORDS}): what {@link #plainHeader} reads. */
    private static final Set<String> PLAIN_KEYWORDS = Set.copyOf(NftRuleset.OBJECT_KEYWORDS.stream().filter(k -> k.indexOf(' ') < 0).toList());

    /**
     * The header of the object whose brace is at {@code brace} when it is written as netc writes it
     * ({@code "\tchain NAME {"}: blanks, a one-word keyword, one space, a name of printable ASCII without quotes, one
     * space), read without {@link NftRuleset#norm} and its pattern; null for any other form, which they read.
     */
    static String plainHeader(byte[] text, int from, int brace) {
        int h = from;
        while (h < brace && (text[h] == ' ' || text[h] == '\t')) h++;
        int end = brace - 1;
        if (end <= h || text[end] != ' ') return null;
        int space = -1;
        for (int j = h; j < end; j++) {
            byte c = text[j];
            if (c == ' ') {
                if (space >= 0 || j == h) return null;
                space = j;
            } else if (c < 0x21 || c > 0x7e || c == '"') {
                return null;
            }
        }
        if (space < 0 || space == end - 1) return null;
        String header = new String(text, h, end - h, StandardCharsets.ISO_8859_1);
        return PLAIN_KEYWORDS.contains(header.substring(0, space - h)) ? header : null;
    }

    private static String str(byte[] text, int from, int to) {
        return new String(text, from, to - from, StandardCharsets.UTF_8);
    }

    /** The two partial rulesets (same table ids) and how many objects of the new text were read. */
    public record Pair(NftRuleset from, NftRuleset to, int read) {
    }

    /** The given objects read, each at its own lines, in tables holding only them. */
    NftRuleset read(List<Span> spans) throws RulesSyntaxException {
        SortedMap<TableId, Table> out = new TreeMap<>();
        for (TableId id : tables) out.put(id, new Table(id, List.of(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>()));
        for (Span s : spans) {
            // "table F N {" on the line before the object's own, so that the object keeps its line numbers
            String wrapped = "table " + s.table() + " {\n" + text(s) + "\n}\n";
            Table t = NftRuleset.parse(wrapped, s.line() - 1).tables().get(s.table());
            // a later span of the same object adds to it (more rules, more elements), as nft and NftRuleset read it
            out.put(s.table(), out.get(s.table()).merge(t));
        }
        return new NftRuleset(List.of(), out);
    }
}
