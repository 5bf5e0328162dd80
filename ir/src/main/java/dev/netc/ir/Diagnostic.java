package dev.netc.ir;

import java.util.Comparator;
import java.util.Objects;

/**
 * One finding about the input, printed like a compiler: {@code file:line:col: error[NETC012]: message}. The message
 * is kept one printable line ({@link Text#sanitize}: user values in it are quoted with {@link Text#quote} where it is
 * made; anything unsafe that still got in is escaped here), and the file name is escaped when printed, so a
 * diagnostic is always exactly one line that no input can forge.
 */
public record Diagnostic(Severity severity, DiagnosticCode code, String message, SourcePos pos) {
    public static final Comparator<Diagnostic> ORDER = Comparator.comparing(Diagnostic::pos)
            .thenComparing(Diagnostic::severity)
            .thenComparing(Diagnostic::code)
            .thenComparing(Diagnostic::message);

    public Diagnostic {
        Objects.requireNonNull(severity);
        Objects.requireNonNull(code);
        Objects.requireNonNull(message);
        Objects.requireNonNull(pos);
        message = Text.sanitize(message);
    }

    public String render() {
        return pos + ": " + severity.label() + "[" + code.name() + "]: " + message;
    }

    @Override
    public String toString() {
        return render();
    }
}
