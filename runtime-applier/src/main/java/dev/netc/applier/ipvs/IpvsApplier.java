package dev.netc.applier.ipvs;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Bundle;
import dev.netc.applier.Change;
import dev.netc.applier.Context;
import dev.netc.applier.Exec;
import dev.netc.applier.Outcome;
import dev.netc.applier.RulesSyntaxException;
import dev.netc.applier.xt.XtablesApplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Installs the IPVS bundle: the virtual addresses on the dummy interface ({@code kube-ipvs0.addresses}), the
 * virtual services through {@code ipvsadm -R} fed with the difference {@link IpvsPlanner} computes against
 * {@code ipvsadm -Sn}, then the ipset and iptables files of the IPVS mode with {@link XtablesApplier}.
 * Addresses no longer used are removed last, after their services are gone.
 */
public final class IpvsApplier implements BackendApplier {
    static final String RULES = "ipvs/ipvsadm.rules";
    static final String ADDRESSES = "ipvs/kube-ipvs0.addresses";

    private final XtablesApplier xtables = new XtablesApplier("ipvs/");

    @Override
    public Outcome apply(Context c) throws ApplyException {
        Bundle target = c.target();
        IpvsRules want = rules(target).orElseThrow(() -> ApplyException.refused("no " + RULES + " for node " + target.node()));
        // The ipset and iptables files are judged before the first tool runs, not when their turn comes.
        xtables.parseAll(target);
        checkAddresses(target);
        IpvsRules previous = c.previous().flatMap(p -> {
            try {
                return rules(p);
            } catch (ApplyException e) {
                return Optional.empty();
            }
        }).orElse(new IpvsRules(new TreeMap<>(), new TreeMap<>()));
        Set<String> wantAddrs = addresses(target);
        Set<String> owned = new TreeSet<>(wantAddrs);
        c.previous().ifPresent(p -> owned.addAll(addresses(p)));
        IpvsRules current = current(c.exec());
        String dev = c.request().ipvsInterface();
        Set<String> haveAddrs = interfaceAddresses(c.exec(), dev);
        IpvsPlanner.Plan plan = IpvsPlanner.plan(current, want, previous, bare(owned));
        List<String> addrAdds = new ArrayList<>();
        List<String> addrDels = new ArrayList<>();
        for (String a : wantAddrs) if (!haveAddrs.contains(a)) addrAdds.add("address add " + a + " dev " + dev);
        for (String a : owned) if (!wantAddrs.contains(a) && haveAddrs.contains(a)) addrDels.add("address del " + a + " dev " + dev);
        c.say("ipvs: plan for node " + target.node() + " (" + (plan.changes().size() + addrAdds.size() + addrDels.size()) + " changes)");
        for (String a : addrAdds) c.say("  " + Change.add("address " + a.split(" ")[2] + " on " + dev, ""));
        for (String a : addrDels) c.say("  " + Change.remove("address " + a.split(" ")[2] + " on " + dev, ""));
        for (Change ch : plan.changes()) c.say("  " + ch);
        if (c.dryRun()) {
            xtables.apply(c);
            return Outcome.dryRun();
        }
        c.beforeCommit().run();
        if (!c.exec().run(List.of("ip", "link", "show", dev)).ok()) {
            Exec.Result r = c.exec().run(List.of("ip", "link", "add", dev, "type", "dummy"));
            if (!r.ok()) throw ApplyException.rejected("cannot create the dummy interface " + dev + " (" + r.said()
                    + "; is the dummy kernel module available?); nothing was changed");
        }
        if (!addrAdds.isEmpty()) c.exec().ok(List.of("ip", "-batch", "-"), String.join("\n", addrAdds) + "\n");
        if (!plan.isEmpty()) {
            Exec.Result r = c.exec().run(List.of("ipvsadm", "-R"), plan.restoreInput());
            if (!r.ok()) throw ApplyException.rejected("ipvsadm -R refused the change: " + r.said());
        }
        Outcome x = xtables.apply(c);
        if (!addrDels.isEmpty()) c.exec().ok(List.of("ip", "-batch", "-"), String.join("\n", addrDels) + "\n");
        Map<String, String> listings = new TreeMap<>(x.listings());
        listings.put("ipvsadm", canonical(current(c.exec())));
        return Outcome.applied(plan.isEmpty() && addrAdds.isEmpty() && addrDels.isEmpty() ? x.mode() : "ipvs difference", listings);
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        IpvsRules want = rules(c.target()).orElseThrow(() -> ApplyException.refused("no " + RULES));
        IpvsRules current = current(c.exec());
        List<String> out = new ArrayList<>();
        for (Change ch : IpvsPlanner.plan(current, want, want, bare(addresses(c.target()))).changes()) out.add("ipvs: " + ch);
        Set<String> have = interfaceAddresses(c.exec(), c.request().ipvsInterface());
        for (String a : addresses(c.target())) if (!have.contains(a)) out.add("address " + a + " missing on " + c.request().ipvsInterface());
        out.addAll(xtables.check(c));
        return out;
    }

    static String canonical(IpvsRules r) {
        StringBuilder b = new StringBuilder();
        r.services().forEach((vs, o) -> {
            b.append("-A ").append(vs).append(' ').append(o).append('\n');
            r.reals().getOrDefault(vs, new TreeMap<>()).forEach((rs, ro) -> b.append("-a ").append(vs).append(" -r ").append(rs).append(' ').append(ro).append('\n'));
        });
        return b.toString();
    }

    static Optional<IpvsRules> rules(Bundle b) throws ApplyException {
        Optional<Artifact> a = b.find(RULES);
        if (a.isEmpty()) return Optional.empty();
        try {
            return Optional.of(IpvsRules.parse(a.get().text()));
        } catch (RulesSyntaxException e) {
            throw ApplyException.rejected(a.get().path() + ":" + e.line() + ": " + e.getMessage());
        }
    }

    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile(
            "(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:/\\d{1,3})?");

    /** Each line of the addresses file is one IPv4 or IPv6 address (or CIDR) and nothing else: it goes to ip -batch. */
    static void checkAddresses(Bundle b) throws ApplyException {
        Optional<Artifact> a = b.find(ADDRESSES);
        if (a.isEmpty()) return;
        String[] lines = a.get().text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (!ADDRESS.matcher(l).matches()) {
                throw ApplyException.refused(a.get().path() + ":" + (i + 1) + ": not an address; refused: " + l);
            }
        }
    }

    static Set<String> addresses(Bundle b) {
        Set<String> out = new TreeSet<>();
        b.find(ADDRESSES).ifPresent(a -> a.text().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add));
        return out;
    }

    private static Set<String> bare(Set<String> cidrs) {
        Set<String> out = new TreeSet<>();
        for (String c : cidrs) out.add(c.contains("/") ? c.substring(0, c.indexOf('/')) : c);
        return out;
    }

    static IpvsRules current(Exec exec) throws ApplyException {
        Exec.Result r = exec.run(List.of("ipvsadm", "-Sn"));
        if (!r.ok()) {
            throw ApplyException.rejected("ipvsadm -Sn: " + r.said() + " (is the ip_vs kernel module loaded?); nothing was changed");
        }
        try {
            return IpvsRules.parse(r.stdout());
        } catch (RulesSyntaxException e) {
            throw ApplyException.rejected("ipvsadm -Sn printed something netc cannot read (line " + e.line() + "): " + e.getMessage());
        }
    }

    /** The addresses on the interface, as {@code ip -o addr} prints them ({@code 10.96.0.1/32}). */
    static Set<String> interfaceAddresses(Exec exec, String dev) throws ApplyException {
        Exec.Result r = exec.run(List.of("ip", "-o", "addr", "show", "dev", dev));
        Set<String> out = new TreeSet<>();
        if (!r.ok()) return out;
        for (String l : r.stdout().split("\n")) {
            String[] t = l.strip().split("\\s+");
            for (int i = 0; i + 1 < t.length; i++) if (t[i].equals("inet") || t[i].equals("inet6")) out.add(t[i + 1]);
        }
        return out;
    }
}
