package dev.netc.compiler.frontend.dsl;

import dev.netc.compiler.frontend.YamlNode;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import dev.netc.ir.Text;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code netc convert --to yaml}: object trees as block-style YAML documents, as kubectl prints them. A string
 * is written plain only when YAML 1.1 reads it back as that same string (not a number, boolean or null, no
 * indicator characters); otherwise it is double-quoted.
 */
public final class YamlWriter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][A-Za-z0-9_./-]*");
    private static final Pattern NUMBER_LIKE = Pattern.compile(
            "[-+]?(0[xob]?[0-9a-fA-F_]*|[0-9][0-9_]*(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|\\.[0-9_]+([eE][-+]?[0-9]+)?"
                    + "|\\.(inf|Inf|INF|nan|NaN|NAN))");
    private static final Set<String> RESERVED = Set.of("y", "yes", "n", "no", "true", "false", "on", "off", "null",
            "~");

    private YamlWriter() {
    }

    /** The documents, separated by {@code ---}. */
    public static String write(List<YamlNode> documents) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) b.append("---\n");
            YamlNode doc = documents.get(i);
            if (doc instanceof Mapping m && !m.entries().isEmpty()) mapping(m, 0, b);
            else b.append(inline(doc)).append('\n');
        }
        return b.toString();
    }

    private static void mapping(Mapping m, int indent, StringBuilder b) {
        for (YamlNode.Entry e : m.entries()) {
            b.append(" ".repeat(indent)).append(string(e.key())).append(':');
            value(e.value(), indent, b);
        }
    }

    /** After {@code key:} or {@code -}: a scalar or empty collection on the line, else a block below it. */
    private static void value(YamlNode v, int indent, StringBuilder b) {
        if (v instanceof Mapping m && !m.entries().isEmpty()) {
            b.append('\n');
            mapping(m, indent + 2, b);
        } else if (v instanceof Sequence s && !s.items().isEmpty()) {
            b.append('\n');
            sequence(s, indent, b);
        } else {
            b.append(' ').append(inline(v)).append('\n');
        }
    }

    private static void sequence(Sequence s, int indent, StringBuilder b) {
        for (YamlNode item : s.items()) {
            if (item instanceof Mapping m && !m.entries().isEmpty()) {
                StringBuilder inner = new StringBuilder();
                mapping(m, indent + 2, inner);
                b.append(" ".repeat(indent)).append("- ").append(inner.substring(indent + 2));
            } else if (item instanceof Sequence q && !q.items().isEmpty()) {
                b.append(" ".repeat(indent)).append("-\n");
                sequence(q, indent + 2, b);
            } else {
                b.append(" ".repeat(indent)).append("- ").append(inline(item)).append('\n');
            }
        }
    }

    private static String inline(YamlNode v) {
        if (v instanceof Mapping) return "{}";
        if (v instanceof Sequence) return "[]";
        Scalar s = (Scalar) v;
        return switch (s.type()) {
            case INTEGER -> s.integer().toString();
            case NUMBER -> s.text();
            case BOOLEAN -> switch (s.text().toLowerCase(Locale.ROOT)) {
                case "y", "yes", "on", "true" -> "true";
                default -> "false";
            };
            case NULL -> "null";
            case STRING -> string(s.text());
        };
    }

    static String string(String s) {
        boolean plain = PLAIN.matcher(s).matches() && !NUMBER_LIKE.matcher(s).matches()
                && !RESERVED.contains(s.toLowerCase(Locale.ROOT));
        if (plain) return s;
        StringBuilder q = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    // What Text escapes everywhere else, in YAML's own escapes (a code point, not UTF-16 units).
                    if (Text.unsafe(c)) q.append(c <= 0xffff ? String.format("\\u%04x", c) : String.format("\\U%08x", c));
                    else q.appendCodePoint(c);
                }
            }
        });
        return q.append('"').toString();
    }
}
