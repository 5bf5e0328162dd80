package dev.netc.ir;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the diagnostics of one compilation. One instance per compilation, handed to each stage;
 * {@link #sorted()} gives them in a stable order for printing.
 */
public final class Diagnostics {
    private final Set<Diagnostic> items = new LinkedHashSet<>();

    public void report(Diagnostic d) {
        items.add(d);
    }

    public void error(DiagnosticCode code, SourcePos pos, String message) {
        report(new Diagnostic(Severity.ERROR, code, message, pos));
    }

    public void warning(DiagnosticCode code, SourcePos pos, String message) {
        report(new Diagnostic(Severity.WARNING, code, message, pos));
    }

    public void note(DiagnosticCode code, SourcePos pos, String message) {
        report(new Diagnostic(Severity.NOTE, code, message, pos));
    }

    public boolean hasErrors() {
        return items.stream().anyMatch(d -> d.severity() == Severity.ERROR);
    }

    public int errorCount() {
        return (int) items.stream().filter(d -> d.severity() == Severity.ERROR).count();
    }

    /**
     * {@code --strict}: the same diagnostics, with each warning whose code is {@link DiagnosticCode#strictable()}
     * made an error (its text unchanged, so scripts match it either way).
     */
    public static List<Diagnostic> strict(List<Diagnostic> in) {
        return in.stream().map(d -> d.severity() == Severity.WARNING && d.code().strictable()
                ? new Diagnostic(Severity.ERROR, d.code(), d.message(), d.pos()) : d).toList();
    }

    public List<Diagnostic> sorted() {
        List<Diagnostic> out = new ArrayList<>(items);
        out.sort(Diagnostic.ORDER);
        return List.copyOf(out);
    }
}
