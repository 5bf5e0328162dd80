package dev.netc.compiler.frontend;

import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state of decoding one object: where each field was written (for {@code ObjectMeta.fields}) and
 * whether any value was wrong. An object with an error is reported and left out of the model.
 */
final class Decoding {
    private final Diagnostics diagnostics;
    /** The field paths of the compile, shared by all its decodings. */
    final FieldPaths paths;
    /** Sorted when the object is built (ObjectMeta keeps a sorted copy). */
    private final Map<String, SourcePos> fields = new HashMap<>();
    private final Decoding parent;
    /** Shared with child decodings: the parts of one object are checked together. */
    private final FieldCheck check;
    private boolean failed;

    Decoding(Diagnostics diagnostics, FieldPaths paths) {
        this(diagnostics, paths, null);
    }

    private Decoding(Diagnostics diagnostics, FieldPaths paths, Decoding parent) {
        this.diagnostics = diagnostics;
        this.paths = paths;
        this.parent = parent;
        this.check = parent != null ? parent.check : new FieldCheck();
    }

    /** The levels of one object to check for unknown fields, and the keys the decoder read at each. */
    private static final class FieldCheck {
        final List<MapVal> levels = new ArrayList<>();
        final Map<YamlNode.Mapping, Set<String>> read = new IdentityHashMap<>();
        final Map<YamlNode.Mapping, Boolean> seen = new IdentityHashMap<>();
    }

    /**
     * The decoder looked at {@code key} of {@code m}, a key {@code m} has: it is a field netc knows there. (Keys
     * the mapping does not have are never checked, so they need not be marked.)
     */
    void read(YamlNode.Mapping m, String key) {
        Set<String> keys = check.read.get(m);
        if (keys == null) {
            keys = new HashSet<>();
            check.read.put(m, keys);
        }
        keys.add(key);
    }

    /** {@code level} has an API type: its keys are checked by {@link #checkFields()}. */
    void checkLevel(MapVal level) {
        if (check.seen.put(level.node, Boolean.TRUE) == null) {
            check.levels.add(level);
            level.checked = true;
        }
    }

    /**
     * kubectl-strict field checking, once the object is decoded: every key of a checked level that is neither a
     * field the API defines there nor one the decoder read is a warning (NETC080, at the key) with did-you-mean
     * among the known fields. Such a key is ignored, as the API server ignores it without strict validation.
     */
    void checkFields() {
        for (MapVal level : check.levels) {
            Set<String> read = check.read.getOrDefault(level.node, Set.of());
            List<String> known = null;
            for (YamlNode.Entry e : level.node.entries()) {
                if (level.type.fields().contains(e.key()) || read.contains(e.key())) continue;
                if (known == null) {
                    Set<String> all = new TreeSet<>(level.type.fields());
                    all.addAll(read);
                    known = List.copyOf(all);
                }
                Optional<String> meant = Suggest.closest(e.key(), known);
                String path = level.child(e.key());
                diagnostics.warning(DiagnosticCode.NETC080, e.keyPos(), "unknown field " + Messages.quote(e.key())
                        + meant.map(m -> ", did you mean " + Messages.quote(m) + "?").orElse("")
                        + " (" + Messages.clip(path) + " is ignored)");
            }
        }
    }

    /** A decoding for a part that becomes an object of its own (a node of the cluster profile). */
    Decoding child() {
        return new Decoding(diagnostics, paths, this);
    }

    void record(String path, SourcePos pos) {
        if (!path.isEmpty()) fields.putIfAbsent(path, pos);
    }

    /** A view, read when the object is built (ObjectMeta copies it). */
    Map<String, SourcePos> fields() {
        return Collections.unmodifiableMap(fields);
    }

    void error(DiagnosticCode code, SourcePos pos, String message) {
        diagnostics.error(code, pos, message);
        markFailed();
    }

    void warning(DiagnosticCode code, SourcePos pos, String message) {
        diagnostics.warning(code, pos, message);
    }

    void note(DiagnosticCode code, SourcePos pos, String message) {
        diagnostics.note(code, pos, message);
    }

    private void markFailed() {
        failed = true;
        if (parent != null) parent.markFailed();
    }

    boolean failed() {
        return failed;
    }
}
