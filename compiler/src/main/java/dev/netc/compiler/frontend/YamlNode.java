package dev.netc.compiler.frontend;

import dev.netc.ir.SourcePos;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One value of a parsed YAML or JSON document with the place it was written. The front end builds these
 * itself (rather than using Jackson's tree) so that every value keeps its line and column. The DSL front end
 * builds the same trees, with positions of its own tokens, so both go through one decoder.
 */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
    SourcePos pos();

    /** How the value reads in a message: {@code a mapping}, {@code string "abc"}, {@code integer 5}. */
    String describe();

    record Entry(String key, SourcePos keyPos, YamlNode value) {
    }

    /**
     * Entries in document order; keys are unique (the reader rejects duplicates). {@code entry} finds an entry by
     * its key (the first, should a tree built by hand repeat one) in constant time: a decoder that looks up every
     * key of a mapping stays linear in its size (20k annotations took 6 s, 40k 40 s, when each lookup scanned).
     * A mapping of at most {@link #SCANNED} entries (nearly all of them) is scanned, which is faster than a hash
     * lookup at that size, and has no index ({@code index} is empty); a larger one looks its keys up in
     * {@code index}. It is for lookups only; output never iterates it.
     */
    record Mapping(List<Entry> entries, SourcePos pos, Map<String, Entry> index) implements YamlNode {
        static final int SCANNED = 8;

        public Mapping {
            entries = List.copyOf(entries);
            index = entries.size() <= SCANNED ? Map.of() : Map.copyOf(index);
        }

        public Mapping(List<Entry> entries, SourcePos pos) {
            this(entries, pos, entries.size() <= SCANNED ? Map.of() : indexOf(entries));
        }

        private static Map<String, Entry> indexOf(List<Entry> entries) {
            Map<String, Entry> index = new HashMap<>();
            for (Entry e : entries) index.putIfAbsent(e.key(), e);
            return index;
        }

        Optional<Entry> entry(String key) {
            return Optional.ofNullable(get(key));
        }

        /** The entry of {@code key}, or null. */
        Entry get(String key) {
            return find(entries, entries.size() > SCANNED ? index : null, key);
        }

        /**
         * The entry of {@code key} in {@code entries} (the first, should they repeat one): looked up in {@code index}
         * when there is one, scanned when there is none (a mapping of few entries, or one still being read).
         */
        static Entry find(List<Entry> entries, Map<String, Entry> index, String key) {
            if (index != null) return index.get(key);
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.key().equals(key)) return e;
            }
            return null;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, SourcePos pos) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    enum ScalarType { STRING, INTEGER, NUMBER, BOOLEAN, NULL }

    /**
     * A scalar as written ({@code text}) and as typed by YAML 1.1 or JSON rules. {@code integer} holds the
     * value of an {@link ScalarType#INTEGER} (hex, octal and underscores already resolved), else null.
     */
    record Scalar(ScalarType type, String text, BigInteger integer, SourcePos pos) implements YamlNode {
        boolean isNull() {
            return type == ScalarType.NULL;
        }

        @Override
        public String describe() {
            return switch (type) {
                case STRING -> "string " + Messages.quote(text);
                case INTEGER -> "integer " + Messages.clip(text);
                case NUMBER -> "number " + Messages.clip(text);
                case BOOLEAN -> "boolean " + Messages.clip(text);
                case NULL -> "null";
            };
        }
    }
}
