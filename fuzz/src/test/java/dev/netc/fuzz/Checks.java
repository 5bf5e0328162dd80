package dev.netc.fuzz;

import dev.netc.compiler.Compiler;
import dev.netc.ir.Diagnostic;

/** Properties every fuzz target checks on what netc prints or writes. */
final class Checks {
    private Checks() {
    }

    /** Each diagnostic renders as one line without raw control, C1 or format (bidi) characters. */
    static void diagnosticsAreClean(Compiler.Result r) {
        if (r.plan().isEmpty() && r.diagnostics().stream().noneMatch(d -> d.severity() == dev.netc.ir.Severity.ERROR)) {
            throw new AssertionError("no plan and no error");
        }
        for (Diagnostic d : r.diagnostics()) noRawControls("diagnostic", d.render(), false);
    }

    /** C0 controls (newline and tab allowed when {@code multiline}), DEL, C1, U+2028/9 and format characters. */
    static void noRawControls(String where, String text, boolean multiline) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean allowed = multiline && (ch == '\n' || ch == '\t');
            boolean bad = !allowed && ((ch < 0x20) || (ch >= 0x7f && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029
                    || Character.getType(ch) == Character.FORMAT);
            if (bad) {
                throw new AssertionError(where + ": raw U+" + String.format("%04X", (int) ch) + " at " + i + ": "
                        + text.substring(Math.max(0, i - 40), Math.min(text.length(), i + 20)).replaceAll("\\p{Cntrl}", "?"));
            }
        }
    }
}
