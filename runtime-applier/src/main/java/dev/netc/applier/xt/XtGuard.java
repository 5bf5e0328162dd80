package dev.netc.applier.xt;

import dev.netc.applier.ApplyException;
import dev.netc.applier.xt.XtRules.Rule;
import dev.netc.applier.xt.XtRules.XtTable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an iptables or ipset artifact may hold, judged on its content before any tool sees it (a re-hashed
 * manifest proves nothing): in the rules files only netc's chains ({@code KUBE-…}, {@code NETC-…}) with
 * their rules, and in built-in chains only jumps to them (one {@code -j}/{@code -g} to a netc chain, nothing
 * else that acts); in the ipset file only netc's sets ({@link #ownedSet}). Anything else is refused (exit 5).
 */
public final class XtGuard {
    /** The tables the backends write. */
    static final Set<String> TABLES = Set.of("filter", "nat", "mangle", "raw");
    /** Prefixes of the ipsets netc writes (kube-proxy's IPVS sets, IPv6 ones, policy peer sets). */
    public static final List<String> SET_PREFIXES = List.of("KUBE-", "KUBE6-", "NETC-", "peers-", "peers6-");
    /** ipset restore commands the backends write. */
    static final Set<String> SET_COMMANDS = Set.of("create", "add", "del", "flush", "swap", "destroy");

    private XtGuard() {
    }

    public static boolean ownedSet(String name) {
        return SET_PREFIXES.stream().anyMatch(name::startsWith) && name.length() > 0 && name.length() <= 31;
    }

    /** Refuses a rules file that declares or fills a chain netc does not own, or puts more than a jump in a built-in one. */
    public static void checkRules(String path, XtRules rules) throws ApplyException {
        for (XtTable t : rules.tables().values()) {
            if (!TABLES.contains(t.name())) {
                throw ApplyException.refused(path + ":" + t.line() + ": table " + t.name() + " is not one netc writes; refused");
            }
            for (Map.Entry<String, Integer> c : t.chains().entrySet()) {
                if (XtRules.BUILTIN.contains(c.getKey())) {
                    throw ApplyException.refused(path + ":" + c.getValue() + ": declares the built-in chain " + c.getKey()
                            + " (its policy is not netc's); refused");
                }
                if (!XtRules.owned(c.getKey())) {
                    throw ApplyException.refused(path + ":" + c.getValue() + ": chain " + c.getKey()
                            + " is not netc's (netc owns KUBE-… and NETC-… chains); refused");
                }
            }
            for (Rule r : t.rules()) {
                if (XtRules.owned(r.chain())) continue;
                if (!XtRules.BUILTIN.contains(r.chain())) {
                    throw ApplyException.refused(path + ":" + r.line() + ": a rule in chain " + r.chain() + ", which is not netc's; refused: "
                            + r.text());
                }
                if (!onlyAJump(r)) {
                    throw ApplyException.refused(path + ":" + r.line() + ": in the built-in chain " + r.chain()
                            + " netc writes only jumps to its own chains; refused: " + r.text());
                }
            }
        }
    }

    /** One -j/-g (--jump/--goto) to a netc chain, and no other target or goto. */
    static boolean onlyAJump(Rule r) {
        List<String> t = XtRules.tokens(r.spec());
        int targets = 0;
        boolean owned = false;
        for (int i = 0; i < t.size(); i++) {
            String k = t.get(i);
            if (k.equals("-j") || k.equals("-g") || k.equals("--jump") || k.equals("--goto")) {
                targets++;
                owned = i + 1 < t.size() && XtRules.owned(t.get(i + 1));
            }
        }
        return targets == 1 && owned;
    }

    /** Refuses an ipset restore file that names a set netc does not own, or a command the backends do not write. */
    public static void checkIpset(String path, String text) throws ApplyException {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] t = l.split("\\s+");
            String cmd = t[0];
            if (!SET_COMMANDS.contains(cmd)) {
                throw ApplyException.refused(path + ":" + (i + 1) + ": netc writes only " + String.join(", ", SET_COMMANDS.stream().sorted().toList())
                        + " with its own sets; refused: " + l);
            }
            int names = cmd.equals("swap") ? 2 : 1;
            if (t.length < 1 + names) throw ApplyException.refused(path + ":" + (i + 1) + ": '" + cmd + "' without a set name; refused: " + l);
            for (int n = 1; n <= names; n++) {
                if (!ownedSet(t[n])) {
                    throw ApplyException.refused(path + ":" + (i + 1) + ": set " + t[n] + " is not netc's (netc owns sets named "
                            + String.join("…, ", SET_PREFIXES) + "…); refused: " + l);
                }
            }
        }
    }
}
