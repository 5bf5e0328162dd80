package dev.netc.applier;

/** One line of a plan: an object added, removed or changed, said before it happens. */
public record Change(Op op, String what, String detail) {
    public enum Op {
        ADD("+"), REMOVE("-"), CHANGE("~");

        final String sign;

        Op(String sign) {
            this.sign = sign;
        }
    }

    public static Change add(String what, String detail) {
        return new Change(Op.ADD, what, detail);
    }

    public static Change remove(String what, String detail) {
        return new Change(Op.REMOVE, what, detail);
    }

    public static Change change(String what, String detail) {
        return new Change(Op.CHANGE, what, detail);
    }

    @Override
    public String toString() {
        return op.sign + " " + what + (detail.isEmpty() ? "" : ": " + detail);
    }
}
