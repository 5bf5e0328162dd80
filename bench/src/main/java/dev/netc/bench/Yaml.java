package dev.netc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A small block-style YAML writer in kubectl's layout (list items at their key's indentation), for documents built
 * from {@link LinkedHashMap}s (key order as inserted), lists, strings, integers and booleans. Strings a YAML 1.1
 * reader would take for something else (numbers, booleans, null, a leading indicator) are double-quoted.
 */
final class Yaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./:@=+-]*");
    private static final Pattern ADDRESS = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?");
    private static final Pattern SPECIAL = Pattern.compile(
            "(?i)true|false|yes|no|on|off|y|n|null|~|\\.inf|\\.nan");

    private Yaml() {
    }

    /** A map from alternating keys and values, in that order; a null value leaves its key out. */
    static Map<String, Object> m(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }

    /** A list of the given items, nulls left out. */
    static List<Object> l(Object... items) {
        List<Object> out = new ArrayList<>(items.length);
        for (Object o : items) if (o != null) out.add(o);
        return out;
    }

    /** One document; with sortKeys, every map's keys in byte order, as kubectl prints them. */
    static void document(StringBuilder out, Map<String, ?> doc, boolean sortKeys) {
        new Writer(out, sortKeys).map(doc, 0);
    }

    private record Writer(StringBuilder out, boolean sortKeys) {
        private Iterable<? extends Map.Entry<String, ?>> entries(Map<String, ?> m) {
            return sortKeys ? new TreeMap<>(m).entrySet() : m.entrySet();
        }

        private void map(Map<String, ?> m, int indent) {
            for (Map.Entry<String, ?> e : entries(m)) {
                pad(out, indent);
                entry(e.getKey(), e.getValue(), indent);
            }
        }

        /** A map whose first entry continues the current line (after "- "). */
        private void mapInline(Map<String, ?> m, int indent) {
            boolean first = true;
            for (Map.Entry<String, ?> e : entries(m)) {
                if (!first) pad(out, indent);
                entry(e.getKey(), e.getValue(), indent);
                first = false;
            }
        }

        private void entry(String key, Object v, int indent) {
            out.append(key).append(':');
            if (v instanceof Map<?, ?> mv) {
                if (mv.isEmpty()) {
                    out.append(" {}\n");
                } else {
                    out.append('\n');
                    map(cast(mv), indent + 2);
                }
            } else if (v instanceof List<?> lv) {
                if (lv.isEmpty()) {
                    out.append(" []\n");
                } else {
                    out.append('\n');
                    list(lv, indent);
                }
            } else {
                out.append(' ');
                scalar(out, v);
                out.append('\n');
            }
        }

        private void list(List<?> items, int indent) {
            for (Object item : items) {
                pad(out, indent);
                out.append("- ");
                if (item instanceof Map<?, ?> mv) {
                    if (mv.isEmpty()) out.append("{}\n");
                    else mapInline(cast(mv), indent + 2);
                } else if (item instanceof List<?>) {
                    throw new IllegalArgumentException("a list in a list");
                } else {
                    scalar(out, item);
                    out.append('\n');
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> cast(Map<?, ?> m) {
        return (Map<String, ?>) m;
    }

    private static void scalar(StringBuilder out, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
            out.append(v);
            return;
        }
        String s = (String) v;
        if (plain(s)) {
            out.append(s);
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') out.append('\\');
            out.append(c);
        }
        out.append('"');
    }

    static boolean plain(String s) {
        if (s.isEmpty() || !PLAIN.matcher(s).matches() || SPECIAL.matcher(s).matches() || s.endsWith(":")) return false;
        if (Character.isDigit(s.charAt(0)) || s.charAt(0) == '.') return ADDRESS.matcher(s).matches();
        return true;
    }

    private static void pad(StringBuilder out, int n) {
        for (int i = 0; i < n; i++) out.append(' ');
    }
}
