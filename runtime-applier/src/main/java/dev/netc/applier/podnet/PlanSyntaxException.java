package dev.netc.applier.podnet;

/** A malformed line of a podnet plan; the message reads {@code file:line:col: error[podnet-plan]: …}. */
public final class PlanSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    public PlanSyntaxException(String file, int line, int col, String message) {
        super(file + ":" + line + ":" + col + ": error[podnet-plan]: " + message);
    }
}
