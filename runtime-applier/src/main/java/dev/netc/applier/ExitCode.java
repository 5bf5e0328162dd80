package dev.netc.applier;

/** Exit codes of {@code netc apply}; README lists them. */
public final class ExitCode {
    /** Applied, or nothing to change; {@code --check}: the kernel holds the artifact. */
    public static final int OK = 0;
    /** The kernel or a tool rejected the change; the previous rules are in place (or were put back). */
    public static final int REJECTED = 1;
    public static final int USAGE = 2;
    /** {@code --check}: the kernel differs from the artifact. */
    public static final int DRIFT = 3;
    /** Another applier held the lock for longer than {@code --lock-timeout}. */
    public static final int LOCKED = 4;
    /** The artifacts do not verify (sha256, node, tables they do not own) or there is nothing to roll back to. */
    public static final int REFUSED = 5;
    public static final int INTERNAL = 70;
    /** The state directory cannot be read or written. */
    public static final int STATE_IO = 74;

    private ExitCode() {
    }
}
