package dev.netc.applier;

/**
 * A failure the applier explains to its user: a message without a stack trace, and the exit code that says
 * what kind of failure it was (see {@link ExitCode}).
 */
public final class ApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ApplyException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public ApplyException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The kernel or a tool rejected the change; the previous rules are in place. */
    public static ApplyException rejected(String message) {
        return new ApplyException(ExitCode.REJECTED, message);
    }

    /** The artifacts do not verify (digest, node, ownership): nothing was attempted. */
    public static ApplyException refused(String message) {
        return new ApplyException(ExitCode.REFUSED, message);
    }

    public static ApplyException stateIo(String message, Throwable cause) {
        return new ApplyException(ExitCode.STATE_IO, message, cause);
    }
}
