package dev.netc.applier;

/** Rules text (nft, iptables-restore, ipvsadm) the applier cannot read or will not apply; the line is 1-based. */
public final class RulesSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public RulesSyntaxException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
