package dev.netc.applier.xt;

import dev.netc.applier.RulesSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code iptables-restore} input or {@code iptables-save} output, read into tables of chain declarations and
 * rules (each with its line). What netc owns in it: the user chains named {@code KUBE-…} or {@code NETC-…},
 * and the rules of built-in chains that jump to one of them. Everything else is somebody else's.
 */
public record XtRules(SortedMap<String, XtTable> tables) {
    public static final Set<String> BUILTIN = Set.of("INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING");

    public XtRules {
        tables = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tables));
    }

    /** A rule as written after {@code -A CHAIN} (or {@code -I CHAIN}), and the line it was on. */
    public record Rule(String chain, String spec, boolean insert, int line) {
        /** The chain it jumps or goes to, if any. */
        public Optional<String> target() {
            List<String> t = tokens(spec);
            for (int i = 0; i + 1 < t.size(); i++) if (t.get(i).equals("-j") || t.get(i).equals("-g")) return Optional.of(t.get(i + 1));
            return Optional.empty();
        }

        public String text() {
            return (insert ? "-I " : "-A ") + chain + (spec.isEmpty() ? "" : " " + spec);
        }
    }

    /** One table: chains declared (name to the line), and rules in order. */
    public record XtTable(String name, SortedMap<String, Integer> chains, List<Rule> rules, int line) {
        public XtTable {
            chains = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(chains));
            rules = List.copyOf(rules);
        }

        /** The rules of each chain, in order (one pass over the table: tables of 100k rules are common). */
        public java.util.Map<String, List<Rule>> byChain() {
            java.util.Map<String, List<Rule>> m = new java.util.HashMap<>();
            for (Rule r : rules) m.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
            return m;
        }

        /** The user chains netc owns here. */
        public Set<String> ownedChains() {
            Set<String> s = new TreeSet<>();
            for (String c : chains.keySet()) if (owned(c)) s.add(c);
            return s;
        }

        /** Rules of built-in chains that jump to a chain netc owns. */
        public List<Rule> ownedJumps() {
            return rules.stream().filter(r -> BUILTIN.contains(r.chain()) && r.target().map(XtRules::owned).orElse(false)).toList();
        }

        /** Rules of the chains netc owns, in order. */
        public List<Rule> ownedRules() {
            return rules.stream().filter(r -> owned(r.chain())).toList();
        }

        public boolean hasOwned() {
            return !ownedChains().isEmpty() || !ownedJumps().isEmpty();
        }
    }

    public static boolean owned(String chain) {
        return !BUILTIN.contains(chain) && (chain.startsWith("KUBE-") || chain.startsWith("NETC-"));
    }


    public static XtRules parse(String text) throws RulesSyntaxException {
        SortedMap<String, XtTable> tables = new TreeMap<>();
        String table = null;
        int tableLine = 0;
        SortedMap<String, Integer> chains = new TreeMap<>();
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("*")) {
                if (table != null) throw new RulesSyntaxException(n, "table " + l.substring(1) + " starts before COMMIT of table " + table);
                table = l.substring(1).strip();
                tableLine = n;
                chains = new TreeMap<>();
                rules = new ArrayList<>();
                continue;
            }
            if (table == null) throw new RulesSyntaxException(n, "a line outside a table (*filter … COMMIT): " + l);
            if (l.equals("COMMIT")) {
                XtTable t = new XtTable(table, chains, rules, tableLine);
                tables.merge(table, t, (a, b) -> {
                    SortedMap<String, Integer> c = new TreeMap<>(b.chains());
                    c.putAll(a.chains());
                    List<Rule> r = new ArrayList<>(a.rules());
                    r.addAll(b.rules());
                    return new XtTable(a.name(), c, r, a.line());
                });
                table = null;
                continue;
            }
            if (l.startsWith(":")) {
                String name = l.substring(1).split("\\s+")[0];
                chains.putIfAbsent(name, n);
                continue;
            }
            if (l.startsWith("-A ") || l.startsWith("-I ") || l.startsWith("--append ") || l.startsWith("--insert ")) {
                // The chain is the word after the command (no need to split the whole rule: tables of 150k rules are read).
                int b = l.indexOf(' ');
                while (b < l.length() && Character.isWhitespace(l.charAt(b))) b++;
                int e = b;
                while (e < l.length() && !Character.isWhitespace(l.charAt(e))) e++;
                if (b >= l.length()) throw new RulesSyntaxException(n, "a rule without a chain: " + l);
                String chain = l.substring(b, e);
                rules.add(new Rule(chain, l.substring(e).strip(), l.startsWith("-I") || l.startsWith("--insert"), n));
                continue;
            }
            throw new RulesSyntaxException(n, "netc applies only chain declarations and -A/-I rules; refused: " + l);
        }
        if (table != null) throw new RulesSyntaxException(lines.length, "table " + table + " has no COMMIT");
        return new XtRules(tables);
    }

    /** Splits at spaces outside double quotes (quotes kept). */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quote && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') quote = !quote;
            if (Character.isWhitespace(c) && !quote) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /**
     * What netc owns, normalised for comparison: per table its owned chains (sorted, no counters), the jumps to
     * them from built-in chains, then the owned chains' rules in order.
     */
    public String ownedListing() {
        StringBuilder b = new StringBuilder();
        for (XtTable t : tables.values()) {
            if (!t.hasOwned()) continue;
            b.append('*').append(t.name()).append('\n');
            for (String c : t.ownedChains()) b.append(':').append(c).append('\n');
            for (Rule r : t.ownedJumps()) b.append("-A ").append(r.chain()).append(' ').append(r.spec()).append('\n');
            java.util.Map<String, List<Rule>> byChain = t.byChain();
            for (String c : t.ownedChains()) {
                for (Rule r : byChain.getOrDefault(c, List.of())) b.append("-A ").append(c).append(' ').append(r.spec()).append('\n');
            }
            b.append("COMMIT\n");
        }
        return b.toString();
    }

    /**
     * Everything that is not netc's, for tests that prove it untouched: foreign chains and rules (built-in
     * chains are listed only when they hold foreign rules; an empty table is not listed).
     */
    public String foreignListing() {
        StringBuilder b = new StringBuilder();
        for (XtTable t : tables.values()) {
            StringBuilder tb = new StringBuilder();
            for (String c : t.chains().keySet()) if (!owned(c) && !BUILTIN.contains(c)) tb.append(':').append(c).append('\n');
            for (Rule r : t.rules()) {
                if (owned(r.chain()) || (BUILTIN.contains(r.chain()) && r.target().map(XtRules::owned).orElse(false))) continue;
                tb.append("-A ").append(r.chain()).append(' ').append(r.spec()).append('\n');
            }
            if (tb.length() > 0) b.append('*').append(t.name()).append('\n').append(tb);
        }
        return b.toString();
    }
}
