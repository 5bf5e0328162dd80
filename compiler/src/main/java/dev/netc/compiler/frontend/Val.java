package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.ScalarType;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.SourcePos;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One value of an object, at its field path ({@code spec.ports[0].port}). Reading it as a type records
 * where it was written and reports NETC008 when it has another type; absent and null values never get here.
 */
final class Val {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    final Decoding dc;
    final String path;
    final YamlNode node;
    private final SourcePos keyPos;
    /** The API type of this value when it is a level netc checks for unknown fields (or a list of them). */
    private final KnownFields.Type type;

    Val(Decoding dc, String path, YamlNode node, SourcePos keyPos) {
        this(dc, path, node, keyPos, null);
    }

    Val(Decoding dc, String path, YamlNode node, SourcePos keyPos, KnownFields.Type type) {
        this.dc = dc;
        this.path = path;
        this.node = node;
        this.keyPos = keyPos;
        this.type = type;
    }

    /** Where the value itself starts. */
    SourcePos pos() {
        return node.pos();
    }

    /** Where to point at the value as a whole: its key when it has one (a list or mapping starts below it). */
    SourcePos anchor() {
        return keyPos != null ? keyPos : node.pos();
    }

    /** The raw scalar, for messages about the value as written. */
    String text() {
        return node instanceof Scalar s ? s.text() : "";
    }

    Optional<String> string() {
        if (node instanceof Scalar s && s.type() == ScalarType.STRING) {
            dc.record(path, s.pos());
            return Optional.of(s.text());
        }
        return wrongType("a string");
    }

    /** An integer; values beyond 64 bits are clamped so range checks still fail on them. */
    Optional<Long> integer() {
        if (node instanceof Scalar s && s.type() == ScalarType.INTEGER) {
            dc.record(path, s.pos());
            BigInteger v = s.integer();
            if (v.compareTo(LONG_MAX) > 0) return Optional.of(Long.MAX_VALUE);
            if (v.compareTo(LONG_MIN) < 0) return Optional.of(Long.MIN_VALUE);
            return Optional.of(v.longValue());
        }
        return wrongType("an integer");
    }

    Optional<Boolean> bool() {
        if (node instanceof Scalar s && s.type() == ScalarType.BOOLEAN) {
            dc.record(path, s.pos());
            return Optional.of(isYamlTrue(s.text()));
        }
        return wrongType("a boolean");
    }

    Optional<MapVal> map() {
        if (node instanceof Mapping m) {
            dc.record(path, anchor());
            MapVal mv = new MapVal(dc, path, m, anchor(), type);
            if (type != null) dc.checkLevel(mv);
            return Optional.of(mv);
        }
        return wrongType("a mapping");
    }

    Optional<List<Val>> list() {
        if (node instanceof Sequence s) {
            dc.record(path, anchor());
            List<Val> out = new ArrayList<>();
            for (int i = 0; i < s.items().size(); i++) {
                YamlNode item = s.items().get(i);
                if (item instanceof Scalar sc && sc.isNull()) continue; // "- " alone: nothing, as in the API
                out.add(new Val(dc, dc.paths.item(path, i), item, null, type));
            }
            return Optional.of(out);
        }
        return wrongType("a list");
    }

    boolean isString() {
        return node instanceof Scalar s && s.type() == ScalarType.STRING;
    }

    boolean isInteger() {
        return node instanceof Scalar s && s.type() == ScalarType.INTEGER;
    }

    <T> Optional<T> wrongType(String expected) {
        dc.error(DiagnosticCode.NETC008, node.pos(), path + " must be " + expected + ", got " + node.describe());
        return Optional.empty();
    }

    /** The parser typed it boolean already; YAML 1.1 spells true as true, yes, on or y (any case). */
    private static boolean isYamlTrue(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "y", "yes", "on", "true" -> true;
            default -> false;
        };
    }
}
