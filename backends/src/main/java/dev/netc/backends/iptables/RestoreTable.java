package dev.netc.backends.iptables;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One table of {@code iptables-restore} input: chain declarations (first-use order, once each) and rule lines. */
final class RestoreTable {
    private final String name;
    private final Set<String> chains = new LinkedHashSet<>();
    private final List<String> rules = new ArrayList<>();

    RestoreTable(String name) {
        this.name = name;
    }

    void chain(String c) {
        chains.add(c);
    }

    void rule(String r) {
        rules.add(r);
    }

    void rules(List<String> r) {
        rules.addAll(r);
    }

    int ruleCount() {
        return rules.size();
    }

    /** The table's header, declarations and rules, without COMMIT: a later part adds to it. */
    void writeOpen(StringBuilder b) {
        b.append('*').append(name).append('\n');
        for (String c : chains) b.append(':').append(c).append(" - [0:0]\n");
        for (String r : rules) b.append(r).append('\n');
    }

    /** More declarations and rules for a table an earlier part opened, and its COMMIT. */
    void writeClose(StringBuilder b) {
        for (String c : chains) b.append(':').append(c).append(" - [0:0]\n");
        for (String r : rules) b.append(r).append('\n');
        b.append("COMMIT\n");
    }

    void write(StringBuilder b) {
        b.append('*').append(name).append('\n');
        for (String c : chains) b.append(':').append(c).append(" - [0:0]\n");
        for (String r : rules) b.append(r).append('\n');
        b.append("COMMIT\n");
    }
}
