package dev.netc.e2e.policy;

import java.util.ArrayList;
import java.util.List;

/** An expected (or observed) reachability matrix over the model's pods, printed like the upstream truth table. */
final class Reachability {
    static final List<String> PODS = pods();

    private static List<String> pods() {
        List<String> out = new ArrayList<>();
        for (String ns : List.of("x", "y", "z")) for (String p : List.of("a", "b", "c")) out.add(ns + "/" + p);
        return List.copyOf(out);
    }

    final boolean[][] allowed = new boolean[PODS.size()][PODS.size()];

    Reachability(boolean everything) {
        for (boolean[] row : allowed) java.util.Arrays.fill(row, everything);
        selfAllowed();
    }

    /** A pod's connection to itself never leaves it: always allowed. */
    Reachability selfAllowed() {
        for (int i = 0; i < PODS.size(); i++) allowed[i][i] = true;
        return this;
    }

    Reachability allIngress(String to, boolean v) {
        int j = PODS.indexOf(to);
        for (int i = 0; i < PODS.size(); i++) allowed[i][j] = v;
        return selfAllowed();
    }

    Reachability allEgress(String from, boolean v) {
        int i = PODS.indexOf(from);
        for (int j = 0; j < PODS.size(); j++) allowed[i][j] = v;
        return selfAllowed();
    }

    Reachability expect(String from, String to, boolean v) {
        allowed[PODS.indexOf(from)][PODS.indexOf(to)] = v;
        return this;
    }

    /** Every pod of namespace {@code ns} to {@code to}. */
    Reachability fromNamespace(String ns, String to, boolean v) {
        for (String p : PODS) if (p.startsWith(ns + "/")) expect(p, to, v);
        return this;
    }

    Reachability toNamespace(String from, String ns, boolean v) {
        for (String p : PODS) if (p.startsWith(ns + "/")) expect(from, p, v);
        return selfAllowed();
    }

    boolean get(int i, int j) {
        return allowed[i][j];
    }

    /** Rows: from; columns: to; "." allowed, "X" denied; a mismatch shows what was observed, marked with "!". */
    static String table(String title, Reachability expected, Reachability observed) {
        StringBuilder b = new StringBuilder(title).append("\n        ");
        for (String p : PODS) b.append(String.format("%-6s", p));
        b.append('\n');
        int wrong = 0;
        for (int i = 0; i < PODS.size(); i++) {
            b.append(String.format("%-8s", PODS.get(i)));
            for (int j = 0; j < PODS.size(); j++) {
                boolean e = expected.get(i, j);
                boolean o = observed.get(i, j);
                if (e != o) wrong++;
                b.append(String.format("%-6s", (o ? "." : "X") + (e != o ? "!" : "")));
            }
            b.append('\n');
        }
        return b.append(wrong).append(" of ").append(PODS.size() * PODS.size()).append(" wrong\n").toString();
    }
}
