package dev.netc.compiler.frontend.dsl;

import dev.netc.compiler.frontend.YamlNode;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.ScalarType;
import dev.netc.ir.SourcePos;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mutable mappings and lists for building one object's tree while its statements are read; {@link #build}
 * freezes them into {@link YamlNode}s. Lives only while one object is mapped.
 */
final class TreeBuilder {
    private TreeBuilder() {
    }

    static Scalar string(String text, SourcePos pos) {
        return new Scalar(ScalarType.STRING, text, null, pos);
    }

    static Scalar integer(String digits, SourcePos pos) {
        return new Scalar(ScalarType.INTEGER, digits, new BigInteger(digits), pos);
    }

    static Scalar bool(boolean value, SourcePos pos) {
        return new Scalar(ScalarType.BOOLEAN, String.valueOf(value), null, pos);
    }

    static final class Obj {
        private final SourcePos pos;
        private final Map<String, Slot> slots = new LinkedHashMap<>();

        private record Slot(SourcePos keyPos, Object value) {
        }

        Obj(SourcePos pos) {
            this.pos = pos;
        }

        SourcePos pos() {
            return pos;
        }

        /** The mapping under {@code key}, made on first use. */
        Obj map(String key, SourcePos keyPos) {
            Slot s = slots.get(key);
            if (s != null && s.value instanceof Obj m) return m;
            Obj m = new Obj(keyPos);
            slots.put(key, new Slot(keyPos, m));
            return m;
        }

        /** The list under {@code key}, made on first use. */
        Items seq(String key, SourcePos keyPos) {
            Slot s = slots.get(key);
            if (s != null && s.value instanceof Items q) return q;
            Items q = new Items(keyPos);
            slots.put(key, new Slot(keyPos, q));
            return q;
        }

        void put(String key, SourcePos keyPos, YamlNode value) {
            slots.put(key, new Slot(keyPos, value));
        }

        /** Where {@code key} was set, when it was. */
        Optional<SourcePos> keyPos(String key) {
            Slot s = slots.get(key);
            return s == null ? Optional.empty() : Optional.of(s.keyPos);
        }

        boolean has(String key) {
            return slots.containsKey(key);
        }

        YamlNode.Mapping build() {
            List<YamlNode.Entry> entries = new ArrayList<>();
            slots.forEach((k, s) -> entries.add(new YamlNode.Entry(k, s.keyPos, freeze(s.value))));
            return new YamlNode.Mapping(entries, pos);
        }
    }

    static final class Items {
        private final SourcePos pos;
        private final List<Object> items = new ArrayList<>();

        Items(SourcePos pos) {
            this.pos = pos;
        }

        Obj addMap(SourcePos at) {
            Obj m = new Obj(at);
            items.add(m);
            return m;
        }

        void add(YamlNode node) {
            items.add(node);
        }

        SourcePos pos() {
            return pos;
        }

        /** The first item, which the caller made a mapping. */
        Obj firstMap() {
            return (Obj) items.get(0);
        }

        void copyInto(Items other) {
            other.items.addAll(items);
        }

        boolean isEmpty() {
            return items.isEmpty();
        }

        YamlNode.Sequence build() {
            return new YamlNode.Sequence(items.stream().map(TreeBuilder::freeze).toList(), pos);
        }
    }

    private static YamlNode freeze(Object o) {
        if (o instanceof Obj m) return m.build();
        if (o instanceof Items q) return q.build();
        return (YamlNode) o;
    }
}
