package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.YamlNode.Entry;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Optional;

/** A mapping of an object at its field path, with typed accessors for its entries. */
final class MapVal {
    final Decoding dc;
    final String path;
    final Mapping node;
    private final SourcePos anchor;
    /** The API type of this level when netc checks it for unknown fields, else null. */
    final KnownFields.Type type;
    /**
     * This is the level {@link Decoding#checkFields} checks for its mapping with {@code type} (not another reading
     * of the same mapping, through an alias, with another type).
     */
    boolean checked;

    MapVal(Decoding dc, String path, Mapping node, SourcePos anchor) {
        this(dc, path, node, anchor, null);
    }

    MapVal(Decoding dc, String path, Mapping node, SourcePos anchor, KnownFields.Type type) {
        this.dc = dc;
        this.path = path;
        this.node = node;
        this.anchor = anchor;
        this.type = type;
    }

    static MapVal root(Decoding dc, Mapping node) {
        return new MapVal(dc, "", node, node.pos());
    }

    /** The top level of an object of a kind whose fields are checked ({@link Decoding#checkFields}). */
    static MapVal root(Decoding dc, Mapping node, KnownFields.Type type) {
        MapVal m = new MapVal(dc, "", node, node.pos(), type);
        if (type != null) dc.checkLevel(m);
        return m;
    }

    /** Where to point for something missing from this mapping: its key, or its first entry. */
    SourcePos anchor() {
        return anchor;
    }

    String child(String key) {
        return dc.paths.child(path, key);
    }

    /** The entry's value; absent when missing or null (the API reads null as "not set"). */
    Optional<Val> get(String key) {
        Entry e = node.get(key);
        if (e == null) return Optional.empty();
        // A field the API defines at a checked level is never unknown: only other keys need to be marked read.
        if (!checked || !type.fields().contains(key)) dc.read(node, key);
        if (e.value() instanceof Scalar s && s.isNull()) return Optional.empty();
        KnownFields.Type below = type == null ? null : type.childOrNull(key);
        return Optional.of(new Val(dc, child(key), e.value(), e.keyPos(), below));
    }

    boolean has(String key) {
        return get(key).isPresent();
    }

    /** Where the key was written, for messages about a whole entry. */
    SourcePos keyPos(String key) {
        Entry e = node.get(key);
        if (e == null) return anchor;
        dc.read(node, key);
        return e.keyPos();
    }

    /** True when the key is absent, null, or an empty list (the API treats all three alike). */
    boolean isMissingOrEmptyList(String key) {
        Optional<Val> v = get(key);
        return v.isEmpty() || (v.get().node instanceof YamlNode.Sequence s && s.items().isEmpty());
    }

    /** The value, or NETC009 naming the field. */
    Optional<Val> required(String key) {
        Optional<Val> v = get(key);
        if (v.isEmpty()) dc.error(DiagnosticCode.NETC009, anchor, child(key) + " is required");
        return v;
    }

    Optional<String> string(String key) {
        return get(key).flatMap(Val::string);
    }

    Optional<Long> integer(String key) {
        return get(key).flatMap(Val::integer);
    }

    Optional<Boolean> bool(String key) {
        return get(key).flatMap(Val::bool);
    }

    boolean bool(String key, boolean dflt) {
        return bool(key).orElse(dflt);
    }

    Optional<MapVal> map(String key) {
        return get(key).flatMap(Val::map);
    }

    /** The list's items; empty when absent or not a list (reported). */
    List<Val> list(String key) {
        return get(key).flatMap(Val::list).orElse(List.of());
    }

    /** An empty mapping at this place, for optional sections that are absent. */
    static MapVal empty(Decoding dc, String path, SourcePos at) {
        return new MapVal(dc, path, new Mapping(List.of(), at), at);
    }

    MapVal mapOrEmpty(String key) {
        return map(key).orElseGet(() -> empty(dc, child(key), keyPos(key)));
    }
}
