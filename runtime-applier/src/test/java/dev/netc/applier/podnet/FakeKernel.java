package dev.netc.applier.podnet;

import dev.netc.applier.podnet.KernelState.Fdb;
import dev.netc.applier.podnet.KernelState.IfAddr;
import dev.netc.applier.podnet.KernelState.Link;
import dev.netc.applier.podnet.KernelState.Neigh;
import dev.netc.applier.podnet.KernelState.Route;
import dev.netc.applier.podnet.KernelState.Rule;
import dev.netc.applier.podnet.KernelState.Vxlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model of what the kernel does with each {@link PodnetOp}, for the planner's tests without root: rules kept in
 * the kernel's order (a new rule after the others of its priority), replace keyed by table and destination, a
 * device's routes, addresses, neighbours and FDB entries gone with it. Host-gw routes resolve to eth0 (index 2).
 */
final class FakeKernel {
    static final int ETH0 = 2;

    static KernelState apply(KernelState s, PodnetOp op) {
        List<Link> links = new ArrayList<>(s.links());
        List<IfAddr> addrs = new ArrayList<>(s.addresses());
        List<Rule> rules = new ArrayList<>(s.rules());
        List<Route> routes = new ArrayList<>(s.routes());
        List<Neigh> neighs = new ArrayList<>(s.neighs());
        List<Fdb> fdbs = new ArrayList<>(s.fdbs());
        if (op instanceof PodnetOp.CreateDevice c) {
            int index = links.stream().mapToInt(Link::index).max().orElse(1) + 1;
            links.add(new Link(index, c.device().name(), "vxlan", c.device().mtu(), Optional.of(c.device().mac()), true,
                    Optional.of(new Vxlan(c.device().vni(), c.device().port(), Optional.of(c.device().local()), c.underlay(), false))));
        } else if (op instanceof PodnetOp.SetDevice d) {
            links.replaceAll(l -> l.index() != d.index() ? l : new Link(l.index(), l.name(), l.kind(), d.mtu().orElse(l.mtu()),
                    d.mac().isPresent() ? d.mac() : l.mac(), l.up() || d.up(), l.vxlan()));
        } else if (op instanceof PodnetOp.DeleteDevice d) {
            links.removeIf(l -> l.index() == d.index());
            addrs.removeIf(a -> a.index() == d.index());
            routes.removeIf(r -> r.oif() == d.index());
            neighs.removeIf(n -> n.ifindex() == d.index());
            fdbs.removeIf(f -> f.ifindex() == d.index());
        } else if (op instanceof PodnetOp.AddAddress a) {
            addrs.add(new IfAddr(index(links, a.dev()), a.cidr()));
        } else if (op instanceof PodnetOp.DeleteAddress a) {
            addrs.remove(new IfAddr(a.index(), a.cidr()));
        } else if (op instanceof PodnetOp.AddRule r) {
            Rule rule = new Rule(r.family(), r.priority(), r.table(), PodnetPlanner.RTPROT_NETC);
            if (rules.contains(rule)) throw new IllegalStateException("EEXIST " + rule);
            int at = 0;
            while (at < rules.size() && rules.get(at).priority() <= r.priority()) at++;
            rules.add(at, rule);
        } else if (op instanceof PodnetOp.DeleteRule r) {
            Optional<Rule> hit = rules.stream().filter(x -> x.family() == r.family() && x.priority() == r.priority() && x.table() == r.table()).findFirst();
            rules.remove(hit.orElseThrow(() -> new IllegalStateException("ENOENT " + r)));
        } else if (op instanceof PodnetOp.ReplaceRoute r) {
            routes.removeIf(x -> x.table() == r.table() && x.dst().equals(r.dst()));
            routes.add(new Route(r.dst().family(), r.table(), r.dst(), Optional.of(r.via()), r.dev().map(d -> index(links, d)).orElse(ETH0),
                    r.onlink(), PodnetPlanner.RTPROT_NETC));
        } else if (op instanceof PodnetOp.DeleteRoute d) {
            if (!routes.remove(d.route())) throw new IllegalStateException("ESRCH " + d.route());
        } else if (op instanceof PodnetOp.ReplaceNeigh n) {
            int i = index(links, n.dev());
            neighs.removeIf(x -> x.ifindex() == i && x.dst().equals(n.dst()));
            neighs.add(new Neigh(i, n.dst(), Optional.of(n.lladdr()), PodnetPlanner.NUD_PERMANENT));
        } else if (op instanceof PodnetOp.DeleteNeigh n) {
            neighs.removeIf(x -> x.ifindex() == n.ifindex() && x.dst().equals(n.dst()));
        } else if (op instanceof PodnetOp.ReplaceFdb f) {
            int i = index(links, f.dev());
            int at = -1;
            for (int k = 0; k < fdbs.size(); k++) if (fdbs.get(k).ifindex() == i && fdbs.get(k).mac().equals(f.mac())) at = at < 0 ? k : at;
            Fdb e = new Fdb(i, f.mac(), Optional.of(f.dst()), PodnetPlanner.NUD_PERMANENT, RtnlCodec.NTF_SELF);
            if (at < 0) fdbs.add(e);
            else fdbs.set(at, e);
        } else if (op instanceof PodnetOp.DeleteFdb f) {
            fdbs.removeIf(x -> x.ifindex() == f.ifindex() && x.mac().equals(f.mac()) && x.dst().equals(Optional.of(f.dst())));
        }
        return new KernelState(links, addrs, rules, routes, neighs, fdbs);
    }

    private static int index(List<Link> links, String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() -> new IllegalStateException("no device " + name)).index();
    }

    /** netc's routes a lookup of {@code family} finds first: those of the table the winning netc rule names, as text. */
    static List<String> active(KernelState s, int family) {
        Optional<Rule> winner = s.rules().stream().filter(r -> r.family() == family && PodnetPlanner.ownedRule(r))
                .min(java.util.Comparator.comparingInt(Rule::priority));
        if (winner.isEmpty()) return List.of();
        return s.routes().stream().filter(r -> r.family() == family && PodnetPlanner.ownedRoute(r) && r.table() == winner.get().table())
                .map(r -> r.dst() + " via " + r.gateway().map(Ip::text).orElse("-") + (r.onlink() ? " onlink" : "")).sorted().toList();
    }
}
