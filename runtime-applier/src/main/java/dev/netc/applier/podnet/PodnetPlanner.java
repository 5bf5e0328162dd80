package dev.netc.applier.podnet;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Change;
import dev.netc.applier.podnet.KernelState.Fdb;
import dev.netc.applier.podnet.KernelState.Link;
import dev.netc.applier.podnet.KernelState.Neigh;
import dev.netc.applier.podnet.KernelState.Route;
import dev.netc.applier.podnet.KernelState.Rule;
import dev.netc.applier.podnet.PlanLine.Device;
import dev.netc.applier.podnet.PodnetOp.AddAddress;
import dev.netc.applier.podnet.PodnetOp.AddRule;
import dev.netc.applier.podnet.PodnetOp.CreateDevice;
import dev.netc.applier.podnet.PodnetOp.DeleteAddress;
import dev.netc.applier.podnet.PodnetOp.DeleteDevice;
import dev.netc.applier.podnet.PodnetOp.DeleteFdb;
import dev.netc.applier.podnet.PodnetOp.DeleteNeigh;
import dev.netc.applier.podnet.PodnetOp.DeleteRoute;
import dev.netc.applier.podnet.PodnetOp.DeleteRule;
import dev.netc.applier.podnet.PodnetOp.ReplaceFdb;
import dev.netc.applier.podnet.PodnetOp.ReplaceNeigh;
import dev.netc.applier.podnet.PodnetOp.ReplaceRoute;
import dev.netc.applier.podnet.PodnetOp.SetDevice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The rtnetlink requests that turn the kernel's pod-network state (a {@link KernelState} dump) into a node's plan,
 * and the differences {@code --check} reports. Pure: no I/O.
 *
 * <p>netc's routes live in two tables of its own; one {@code ip rule} (priority {@link #PREF_ACTIVE}) names the
 * active one. A change writes the whole new set into the other table, then switches the rule through a transition
 * rule (priority {@link #PREF_TRANSITION}) so the winning netc rule always names a complete table, then empties the
 * old table. Any state a killed apply leaves is recognised (the active table is the one the winning netc rule names)
 * and the interrupted switch finished first. Nothing without netc's marks (its protocol, tables and device) is touched,
 * and a state that already is the plan gives no request at all.
 */
public final class PodnetPlanner {
    /** The routing protocol number netc's routes and rules carry (unnamed in iproute2's rt_protos). */
    public static final int RTPROT_NETC = 201;
    /** netc's two routing tables: the active one and the one the next set is written into. */
    public static final int TABLE_A = 2010;
    public static final int TABLE_B = 2011;
    public static final int PREF_ACTIVE = 100;
    public static final int PREF_TRANSITION = 99;
    /** The device prefix that marks a VXLAN link as netc's. */
    public static final String DEVICE_PREFIX = PodnetPlanParser.DEVICE_PREFIX;
    static final int NUD_PERMANENT = 0x80;
    private static final List<Integer> FAMILIES = List.of(Ip.AF_INET, Ip.AF_INET6);

    private PodnetPlanner() {
    }

    /**
     * The requests in phases: a phase's requests may be sent together (none depends on another's success); the next
     * phase starts only when every request of the previous one succeeded. {@code changes} says what will differ.
     */
    public record Plan(List<List<PodnetOp>> phases, List<Change> changes) {
        public Plan {
            phases = phases.stream().filter(p -> !p.isEmpty()).map(List::copyOf).toList();
            changes = List.copyOf(changes);
        }

        public List<PodnetOp> ops() {
            return phases.stream().flatMap(List::stream).toList();
        }

        public boolean isEmpty() {
            return phases.isEmpty();
        }
    }

    static String familyName(int family) {
        return family == Ip.AF_INET ? "inet" : "inet6";
    }

    static boolean ownedRoute(Route r) {
        return (r.table() == TABLE_A || r.table() == TABLE_B) && r.protocol() == RTPROT_NETC;
    }

    /** netc's rules: one of its tables, and its protocol (0 where the kernel does not keep FRA_PROTOCOL). */
    static boolean ownedRule(Rule r) {
        return (r.table() == TABLE_A || r.table() == TABLE_B) && (r.protocol() == RTPROT_NETC || r.protocol() == 0);
    }

    static boolean ownedLink(Link l) {
        return l.name().startsWith(DEVICE_PREFIX) && l.kind().equals("vxlan");
    }

    /** A route of the plan as the kernel must hold it: through netc's device for onlink ones. */
    private record Spec(PlanLine.Route line, Optional<String> dev) {
        boolean matches(Route r, Optional<Integer> devIndex) {
            if (!r.dst().equals(line.dst()) || !r.gateway().equals(Optional.of(line.via())) || r.onlink() != line.onlink()) return false;
            return dev.isEmpty() || devIndex.isPresent() && r.oif() == devIndex.get();
        }
    }

    public static Plan plan(PodnetPlan want, KernelState have) throws ApplyException {
        List<List<PodnetOp>> early = new ArrayList<>();
        List<List<PodnetOp>> late = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        Optional<Device> device = want.device();
        // The index of netc's device once the plan's early phases ran, when it exists now and is kept.
        Optional<Integer> devIndex = Optional.empty();
        Optional<Integer> gone = Optional.empty();
        if (device.isPresent()) {
            Device d = device.get();
            int underlay = have.addresses().stream().filter(a -> a.cidr().address().equals(d.local())).map(KernelState.IfAddr::index)
                    .findFirst().orElseThrow(() -> ApplyException.rejected("podnet: no interface holds the local address " + d.local()
                            + " of device " + d.name() + "; nothing was changed"));
            Optional<Link> cur = have.link(d.name());
            KernelState.Vxlan shape = new KernelState.Vxlan(d.vni(), d.port(), Optional.of(d.local()), underlay, false);
            if (cur.isPresent() && !cur.get().kind().equals("vxlan")) {
                throw ApplyException.rejected("podnet: link " + d.name() + " exists and is not a vxlan device (" + cur.get().kind()
                        + "); nothing was changed");
            }
            if (cur.isPresent() && cur.get().vxlan().equals(Optional.of(shape))) {
                Link l = cur.get();
                devIndex = Optional.of(l.index());
                Optional<Integer> mtu = l.mtu() == d.mtu() ? Optional.empty() : Optional.of(d.mtu());
                Optional<Mac> mac = l.mac().equals(Optional.of(d.mac())) ? Optional.empty() : Optional.of(d.mac());
                if (mtu.isPresent() || mac.isPresent() || !l.up()) {
                    early.add(List.of(new SetDevice(l.index(), l.name(), mtu, mac, !l.up())));
                    changes.add(Change.change("device " + d.name(), (mtu.isPresent() ? "mtu " + l.mtu() + " -> " + d.mtu() + " " : "")
                            + (mac.isPresent() ? "address " + l.mac().map(Mac::text).orElse("none") + " -> " + d.mac() + " " : "")
                            + (l.up() ? "" : "set up")));
                }
            } else {
                if (cur.isPresent()) {
                    // VNI, port, local and underlay cannot be changed on a live device: it is made anew.
                    early.add(List.of(new DeleteDevice(cur.get().index(), d.name())));
                    gone = Optional.of(cur.get().index());
                    changes.add(Change.change("device " + d.name(), "made anew (" + cur.get().vxlan().map(Object::toString).orElse("?")
                            + " -> " + shape + ")"));
                } else {
                    changes.add(Change.add("device " + d.name(), "vxlan id " + d.vni() + " dstport " + d.port() + " local " + d.local()
                            + " mtu " + d.mtu() + " address " + d.mac() + " nolearning"));
                }
                early.add(List.of(new CreateDevice(d, underlay)));
            }
        }
        final Optional<Integer> dev = devIndex;
        String devName = device.map(Device::name).orElse("");

        // Addresses of netc's device (the kernel's own link-local IPv6 one aside).
        List<PodnetOp> addrAdds = new ArrayList<>();
        List<PodnetOp> addrDels = new ArrayList<>();
        Set<Cidr> haveAddrs = new TreeSet<>();
        for (KernelState.IfAddr a : have.addresses()) {
            if (dev.isPresent() && a.index() == dev.get() && !a.cidr().address().isLinkLocal()) haveAddrs.add(a.cidr());
        }
        Set<Cidr> wantAddrs = want.addresses().stream().map(PlanLine.Address::cidr).collect(Collectors.toCollection(TreeSet::new));
        for (Cidr c : wantAddrs) {
            if (!haveAddrs.contains(c)) {
                addrAdds.add(new AddAddress(devName, c));
                changes.add(Change.add("address " + c + " on " + devName, ""));
            }
        }
        for (Cidr c : haveAddrs) {
            if (!wantAddrs.contains(c)) {
                addrDels.add(new DeleteAddress(dev.get(), devName, c));
                changes.add(Change.remove("address " + c + " on " + devName, ""));
            }
        }
        early.add(addrAdds);

        // Neighbours and FDB entries of netc's device: new ones before the switch, stale ones after it.
        List<PodnetOp> l2Adds = new ArrayList<>();
        List<PodnetOp> l2Dels = new ArrayList<>();
        Map<Ip, Neigh> haveNeigh = new LinkedHashMap<>();
        for (Neigh n : have.neighs()) {
            if (dev.isPresent() && n.ifindex() == dev.get() && (n.state() & NUD_PERMANENT) != 0) haveNeigh.putIfAbsent(n.dst(), n);
        }
        Set<Ip> wantNeigh = new TreeSet<>();
        for (PlanLine.Neigh n : want.neighs()) {
            wantNeigh.add(n.dst());
            Neigh h = haveNeigh.get(n.dst());
            if (h != null && h.lladdr().equals(Optional.of(n.lladdr()))) continue;
            l2Adds.add(new ReplaceNeigh(devName, n.dst(), n.lladdr()));
            changes.add(h == null ? Change.add(n.describe(), "") : Change.change(n.describe(), "was lladdr " + h.lladdr().map(Mac::text).orElse("none")));
        }
        haveNeigh.values().stream().filter(n -> !wantNeigh.contains(n.dst())).sorted(Comparator.comparing(Neigh::dst)).forEach(n -> {
            l2Dels.add(new DeleteNeigh(n.ifindex(), devName, n.dst()));
            changes.add(Change.remove("neigh " + n.dst() + " lladdr " + n.lladdr().map(Mac::text).orElse("none"), ""));
        });
        Map<Mac, List<Ip>> remotes = new LinkedHashMap<>();
        for (Fdb f : have.fdbs()) {
            if (dev.isPresent() && f.ifindex() == dev.get() && f.dst().isPresent()) remotes.computeIfAbsent(f.mac(), m -> new ArrayList<>()).add(f.dst().get());
        }
        Set<Mac> wantMacs = new TreeSet<>();
        for (PlanLine.Fdb f : want.fdbs()) {
            wantMacs.add(f.mac());
            List<Ip> r = remotes.getOrDefault(f.mac(), List.of());
            if (r.equals(List.of(f.dst()))) continue;
            List<Ip> extra = new ArrayList<>(r);
            if (!r.contains(f.dst())) {
                // A replace rewrites the MAC's first remote in place; any further ones are deleted after the switch.
                l2Adds.add(new ReplaceFdb(devName, f.mac(), f.dst()));
                changes.add(r.isEmpty() ? Change.add(f.describe(), "") : Change.change(f.describe(), "was dst " + r.get(0)));
                if (!extra.isEmpty()) extra.remove(0);
            } else {
                extra.remove(f.dst());
            }
            for (Ip x : extra) {
                l2Dels.add(new DeleteFdb(dev.get(), devName, f.mac(), x));
                changes.add(Change.remove("fdb " + f.mac() + " dst " + x, ""));
            }
        }
        for (var e : remotes.entrySet()) {
            if (wantMacs.contains(e.getKey())) continue;
            for (Ip x : e.getValue()) {
                l2Dels.add(new DeleteFdb(dev.get(), devName, e.getKey(), x));
                changes.add(Change.remove("fdb " + e.getKey() + " dst " + x, ""));
            }
        }
        early.add(l2Adds);

        // Routes, one family at a time: each family has its own rules and tables.
        List<List<PodnetOp>> settle = new ArrayList<>();
        List<List<PodnetOp>> write = new ArrayList<>();
        List<List<PodnetOp>> flush = new ArrayList<>();
        for (int family : FAMILIES) {
            List<Spec> specs = want.routes().stream().filter(r -> r.dst().family() == family)
                    .map(r -> new Spec(r, r.onlink() ? Optional.of(devName) : Optional.empty())).toList();
            final Optional<Integer> goneIndex = gone;
            List<Route> owned = have.routes().stream().filter(r -> r.family() == family && ownedRoute(r))
                    .filter(r -> goneIndex.isEmpty() || r.oif() != goneIndex.get()).toList();
            List<Rule> rules = have.rules().stream().filter(r -> r.family() == family && ownedRule(r)).toList();
            Optional<Integer> active = Optional.empty();
            if (!rules.isEmpty()) {
                // The winning rule: the lowest priority number, the first in the kernel's order among equals.
                Rule winner = rules.stream().min(Comparator.comparingInt(Rule::priority)).orElseThrow();
                active = Optional.of(winner.table());
                boolean normal = winner.priority() == PREF_ACTIVE && rules.size() == 1;
                if (!normal) {
                    changes.add(Change.change("rules (" + familyName(family) + ")", "an interrupted switch is finished: rule " + PREF_ACTIVE
                            + " lookup " + winner.table()));
                }
                Rule keep = new Rule(family, PREF_ACTIVE, winner.table(), RTPROT_NETC);
                boolean kept = false;
                for (Rule r : rules) {
                    if (r == winner) continue;
                    if (!kept && r.priority() == PREF_ACTIVE && r.table() == winner.table()) {
                        kept = true;
                        continue;
                    }
                    settle.add(List.of(new DeleteRule(family, r.priority(), r.table(), r.protocol())));
                }
                if (winner.priority() != PREF_ACTIVE) {
                    if (!kept) settle.add(List.of(new AddRule(family, keep.priority(), keep.table())));
                    settle.add(List.of(new DeleteRule(family, winner.priority(), winner.table(), winner.protocol())));
                }
            }
            final Optional<Integer> t = active;
            List<Route> inActive = owned.stream().filter(r -> t.isPresent() && r.table() == t.get()).toList();
            int next = t.isPresent() && t.get() == TABLE_A ? TABLE_B : TABLE_A;
            List<Route> inNext = owned.stream().filter(r -> r.table() == next).toList();
            int before = changes.size();
            routeChanges(family, specs, inActive, dev, changes);
            if (!inNext.isEmpty() && (specs.isEmpty() || t.isPresent() && same(specs, inActive, dev))) {
                changes.add(Change.remove("table " + next + " (" + familyName(family) + ")", inNext.size() + " leftover routes"));
            }
            if (specs.isEmpty()) {
                if (t.isPresent()) {
                    write.add(List.of(new DeleteRule(family, PREF_ACTIVE, t.get(), RTPROT_NETC)));
                    changes.add(Change.remove("rule " + PREF_ACTIVE + " lookup " + t.get() + " (" + familyName(family) + ")", ""));
                }
                flush.add(owned.stream().<PodnetOp>map(DeleteRoute::new).toList());
                continue;
            }
            if (t.isPresent() && same(specs, inActive, dev)) {
                flush.add(inNext.stream().<PodnetOp>map(DeleteRoute::new).toList());
                continue;
            }
            if (changes.size() == before) changes.add(Change.change("table " + t.map(String::valueOf).orElse("none") + " ("
                    + familyName(family) + ")", "not the plan's set"));
            List<PodnetOp> fill = new ArrayList<>();
            Set<Cidr> wantDst = new java.util.HashSet<>();
            Map<Cidr, List<Route>> nextByDst = byDst(inNext);
            for (Spec s : specs) {
                wantDst.add(s.line().dst());
                if (!held(s, nextByDst, dev)) {
                    fill.add(new ReplaceRoute(next, s.line().dst(), s.line().via(), s.dev(), s.line().onlink()));
                }
            }
            for (Route r : inNext) if (!wantDst.contains(r.dst())) fill.add(new DeleteRoute(r));
            write.add(fill);
            if (t.isPresent()) {
                write.add(List.of(new AddRule(family, PREF_TRANSITION, next)));
                write.add(List.of(new DeleteRule(family, PREF_ACTIVE, t.get(), RTPROT_NETC)));
                write.add(List.of(new AddRule(family, PREF_ACTIVE, next)));
                write.add(List.of(new DeleteRule(family, PREF_TRANSITION, next, RTPROT_NETC)));
                flush.add(inActive.stream().<PodnetOp>map(DeleteRoute::new).toList());
            } else {
                write.add(List.of(new AddRule(family, PREF_ACTIVE, next)));
            }
        }

        // netc's other devices go last: their routes left the active table with the switch.
        List<PodnetOp> devDels = new ArrayList<>();
        for (Link l : have.links()) {
            if (ownedLink(l) && !l.name().equals(devName)) {
                devDels.add(new DeleteDevice(l.index(), l.name()));
                changes.add(Change.remove("device " + l.name(), ""));
            }
        }
        late.add(l2Dels);
        late.add(addrDels);
        late.add(devDels);
        List<List<PodnetOp>> phases = new ArrayList<>(early);
        phases.addAll(settle);
        phases.addAll(write);
        phases.addAll(flush);
        phases.addAll(late);
        return new Plan(phases, changes);
    }

    private static boolean same(List<Spec> specs, List<Route> table, Optional<Integer> dev) {
        if (specs.size() != table.size()) return false;
        Map<Cidr, List<Route>> byDst = byDst(table);
        for (Spec s : specs) if (!held(s, byDst, dev)) return false;
        return true;
    }

    private static Map<Cidr, List<Route>> byDst(List<Route> routes) {
        Map<Cidr, List<Route>> out = new java.util.HashMap<>();
        for (Route r : routes) out.computeIfAbsent(r.dst(), k -> new ArrayList<>()).add(r);
        return out;
    }

    private static boolean held(Spec s, Map<Cidr, List<Route>> byDst, Optional<Integer> dev) {
        return byDst.getOrDefault(s.line().dst(), List.of()).stream().anyMatch(r -> s.matches(r, dev));
    }

    /** What the route set a lookup uses (the active table) gains, changes and loses. */
    private static void routeChanges(int family, List<Spec> specs, List<Route> active, Optional<Integer> dev, List<Change> changes) {
        Map<Cidr, Route> byDst = new LinkedHashMap<>();
        for (Route r : active) byDst.putIfAbsent(r.dst(), r);
        Set<Cidr> wantDst = new TreeSet<>();
        for (Spec s : specs) {
            wantDst.add(s.line().dst());
            Route r = byDst.get(s.line().dst());
            if (r == null) {
                changes.add(Change.add(s.line().describe(), ""));
            } else if (!s.matches(r, dev)) {
                changes.add(Change.change(s.line().describe(), "was " + describe(r)));
            }
        }
        active.stream().filter(r -> !wantDst.contains(r.dst())).sorted(Comparator.comparing(Route::dst))
                .forEach(r -> changes.add(Change.remove(describe(r), "")));
    }

    static String describe(Route r) {
        return "route " + r.dst() + r.gateway().map(g -> " via " + g).orElse("") + (r.onlink() ? " onlink" : "");
    }

    /**
     * The differences {@code --check} lists, one line each: the plan's entries that are missing or differ, netc's
     * entries that the plan no longer has, and an interrupted switch; empty exactly when an apply sends nothing.
     */
    public static List<String> drift(PodnetPlan want, KernelState have) throws ApplyException {
        List<String> out = new ArrayList<>();
        for (Change c : plan(want, have).changes()) {
            out.add(switch (c.op()) {
                case ADD -> c.what() + " missing";
                case REMOVE -> c.what() + " not in the plan" + (c.detail().isEmpty() ? "" : " (" + c.detail() + ")");
                case CHANGE -> c.what() + " differs: " + c.detail();
            });
        }
        return out;
    }
}
