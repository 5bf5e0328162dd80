package dev.netc.compiler.frontend;

import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state of decoding one object: where each field was written (for {@code ObjectMeta.fields}) and
 * whether any value was wrong. An object with an error is reported and left out of the model.
 */
final class Decoding {
    private final Diagnostics diagnostics;
    private final Map<String, SourcePos> fields = new TreeMap<>();
    private final Decoding parent;
    private boolean failed;

    Decoding(Diagnostics diagnostics) {
        this(diagnostics, null);
    }

    private Decoding(Diagnostics diagnostics, Decoding parent) {
        this.diagnostics = diagnostics;
        this.parent = parent;
    }

    /** A decoding for a part that becomes an object of its own (a node of the cluster profile). */
    Decoding child() {
        return new Decoding(diagnostics, this);
    }

    void record(String path, SourcePos pos) {
        if (!path.isEmpty()) fields.putIfAbsent(path, pos);
    }

    Map<String, SourcePos> fields() {
        return new TreeMap<>(fields);
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
