package dev.netc.backends.ipvs;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.NodeParallel;
import dev.netc.backends.Output;
import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.backends.policy.PolicyPrograms;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Node;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube-proxy's IPVS mode: per node, {@code ipvs/ipvsadm.rules} ({@code ipvsadm -R} input: a virtual server per
 * frontend, masquerading real servers), {@code ipvs/ipset.rules} (the KUBE-* sets the companion rules match),
 * {@code ipvs/iptables.rules} (masquerade, node ports, load-balancer source ranges, NetworkPolicy) and
 * {@code ipvs/kube-ipvs0.addresses} (the addresses to bind on the dummy interface so the node accepts them).
 *
 * <p>Each is composed of a part every node shares ({@code shared/ipvs/<hash>.ipvsadm|.ipset|.rules|.addresses},
 * computed once from the shared Service table) and the node's own ({@code ipvs/ipvsadm.node.rules}: its node-port
 * virtual servers and those whose real servers are its Local endpoints, {@link IpvsVirtualServers}; the set members
 * only it has, {@link IpvsSets}; its pods' policy chains, {@link IpvsIptables}), left out when empty. The addresses
 * file is the shared one unless the node's differ. A node that sees the Service table otherwise gets whole files of
 * its own, from its view.
 *
 * <p>IPv6 goes to {@code ip6tables.rules} and to sets named {@code KUBE6-…}; each family's files are written only
 * when the cluster has the family, so every set a file matches is created by {@code ipset.rules}.
 */
public final class IpvsBackend implements Backend {
    private final String scheduler;

    public IpvsBackend() {
        this("rr");
    }

    public IpvsBackend(String scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return "ipvs";
    }

    /** What every node's files depend on beyond the Service table: the cluster's pod ranges and masquerade setting. */
    private record Context(List<Cidr> clusterCIDRs, boolean masqueradeAll, Map<Family, Map<String, List<Cidr>>> policySets,
                           PolicyPrograms programs, dev.netc.ir.plan.PodNetworkPlan podNetwork) {
        List<Cidr> clusterCIDRs(Family f) {
            return clusterCIDRs.stream().filter(c -> c.family() == f).toList();
        }

        /** A family's files are written when it has Services or pod ranges. */
        boolean has(List<ServicePortPlan> services, Family f) {
            return services.stream().anyMatch(s -> s.family() == f) || !clusterCIDRs(f).isEmpty();
        }
    }

    /** The shared parts of one compile, each with its path (named by its content). */
    private record Part(String path, String text) {
    }

    @Override
    public Output render(NetworkPlan plan, Set<String> nodes, int threads) {
        return Output.collect(sink -> render(plan, nodes, threads, sink));
    }

    @Override
    public void render(NetworkPlan plan, Set<String> nodes, int threads, Output.Sink sink) {
        List<NodePlan> chosen = Backend.selected(plan, nodes);
        List<ServicePortPlan> services = plan.services();
        boolean masqueradeAll = IptablesBackend.masqueradeAll(plan);
        Context ctx = new Context(IptablesBackend.clusterCIDRs(plan), masqueradeAll, Map.of(
                Family.IPV4, IptablesPolicyRenderer.clusterSets(plan, Family.IPV4), Family.IPV6, IptablesPolicyRenderer.clusterSets(plan, Family.IPV6)),
                PolicyPrograms.of(plan), plan.podNetwork());
        IpvsVirtualServers vss = new IpvsVirtualServers(services, scheduler);
        Map<Family, IpvsSets.Shared> sets = new EnumMap<>(Family.class);
        Map<Family, Part> rules = new EnumMap<>(Family.class);
        StringBuilder setsText = new StringBuilder();
        for (Family f : Family.values()) {
            boolean present = ctx.has(services, f);
            sets.put(f, IpvsSets.shared(services, f, present, ctx.policySets().get(f)));
            setsText.append(sets.get(f).text());
            if (present) {
                String text = IpvsIptables.shared(f, ctx.clusterCIDRs(f), ctx.masqueradeAll(), ctx.programs(), ctx.policySets().get(f),
                        ctx.podNetwork().egress(f));
                rules.put(f, new Part(Output.sharedPath(name(), text, ".rules"), text));
            }
        }
        java.util.SortedSet<IpAddress> addresses = vss.addresses();
        Set<Family> nodePortFamilies = java.util.EnumSet.noneOf(Family.class);
        for (ServicePortPlan s : services) if (s.nodePort() != 0) nodePortFamilies.add(s.family());
        Part ipvsadm = part(vss.sharedText(), ".ipvsadm");
        Part ipset = part(setsText.toString(), ".ipset");
        Part addrs = part(addressLines(addresses), ".addresses");
        // Which shared parts some node's files are made of (a node that deviates has whole files of its own, one with
        // addresses of its own does not use the shared list): written first, then each node's own as it is rendered.
        Set<String> deviating = new java.util.HashSet<>();
        Map<String, String> ownAddresses = new HashMap<>(); // the nodes whose kube-ipvs0 addresses are not the shared ones
        Set<String> used = new java.util.HashSet<>();
        for (NodePlan n : chosen) {
            String mine = nodeAddresses(n, nodePortFamilies, addresses);
            if (mine == null) used.add(addrs.path());
            else ownAddresses.put(n.name(), mine);
            if (deviates(plan, n, ctx, vss)) {
                deviating.add(n.name());
                continue;
            }
            used.add(ipvsadm.path());
            used.add(ipset.path());
            for (Family f : Family.values()) if (rules.containsKey(f)) used.add(rules.get(f).path());
        }
        List<Part> shared = new ArrayList<>(List.of(ipvsadm, ipset));
        shared.addAll(rules.values());
        shared.add(addrs);
        Set<String> written = new java.util.HashSet<>();
        for (Part p : shared) if (used.contains(p.path()) && written.add(p.path())) sink.file(Artifact.text(p.path(), "", p.text()));
        NodeParallel.forEach(chosen, threads, n -> {
            String dir = "nodes/" + n.name() + "/ipvs/";
            List<Artifact> files = new ArrayList<>();
            List<Output.Composed> composed = new ArrayList<>();
            String nodeAddrs = ownAddresses.get(n.name());
            if (nodeAddrs == null) {
                composed.add(new Output.Composed(dir + ADDRESSES, n.name(), List.of(addrs.path())));
            } else {
                own(files, composed, dir, ADDRESSES, n.name(), List.of(), nodeAddrs);
            }
            if (deviating.contains(n.name())) {
                // this node sees some Service otherwise than the shared table (node ports closed in a family, its own copy
                // of a duplicated endpoint, a node port before a shared frontend): its whole files are its own parts
                NodeView view = plan.view(n);
                List<ServicePortPlan> seen = view.services();
                Map<Integer, List<PlanEndpoint>> mine = new HashMap<>();
                for (int i = 0; i < seen.size(); i++) if (!seen.get(i).localEndpoints().isEmpty()) mine.put(i, seen.get(i).localEndpoints());
                own(files, composed, dir, IPVSADM, n.name(), List.of(), vss.wholeText(view));
                StringBuilder mySets = new StringBuilder();
                StringBuilder myAdds = new StringBuilder();
                for (Family f : Family.values()) {
                    IpvsSets.Shared sh = IpvsSets.shared(seen, f, has(view, f), ctx.policySets().get(f));
                    mySets.append(sh.text());
                    myAdds.append(IpvsSets.node(sh, seen, mine, n));
                }
                own(files, composed, dir, IPSET, n.name(), List.of(), mySets.append(myAdds).toString());
                for (Family f : Family.values()) {
                    if (!has(view, f)) continue;
                    own(files, composed, dir, rulesFile(f), n.name(), List.of(),
                            IpvsIptables.shared(f, n.clusterCIDRs(f), n.masqueradeAll(), ctx.programs(), ctx.policySets().get(f),
                                    ctx.podNetwork().egress(f))
                                    + IpvsIptables.node(n.name(), n.policy(), f, ctx.programs()));
                }
                return new Output(files, composed);
            }
            Map<Integer, List<PlanEndpoint>> mine = new HashMap<>();
            for (LocalEndpoints l : n.local()) mine.put(l.service(), l.endpoints());
            own(files, composed, dir, IPVSADM, n.name(), List.of(ipvsadm.path()), vss.nodeText(n, mine));
            StringBuilder adds = new StringBuilder();
            for (Family f : Family.values()) adds.append(IpvsSets.node(sets.get(f), services, mine, n));
            own(files, composed, dir, IPSET, n.name(), List.of(ipset.path()), adds.toString());
            for (Family f : Family.values()) {
                Part r = rules.get(f);
                if (r != null) own(files, composed, dir, rulesFile(f), n.name(), List.of(r.path()), IpvsIptables.node(n.name(), n.policy(), f, ctx.programs()));
            }
            return new Output(files, composed);
        }, sink::add);
    }

    static final String IPVSADM = "ipvsadm.rules";
    static final String IPSET = "ipset.rules";
    static final String ADDRESSES = "kube-ipvs0.addresses";

    private static String rulesFile(Family f) {
        return f == Family.IPV4 ? "iptables.rules" : "ip6tables.rules";
    }

    private Part part(String text, String ext) {
        return new Part(Output.sharedPath(name(), text, ext), text);
    }

    /**
     * A node file of {@code shared} parts and the node's own (left out when empty; the file is then the shared parts,
     * or, when there are none, the node's part alone). The node's part is {@code ipvsadm.node.rules} for
     * {@code ipvsadm.rules}.
     */
    private static void own(List<Artifact> files, List<Output.Composed> composed, String dir, String file, String node,
                            List<String> shared, String text) {
        List<String> parts = new ArrayList<>(shared);
        if (!text.isEmpty() || shared.isEmpty()) {
            int dot = file.lastIndexOf('.');
            String path = dir + file.substring(0, dot) + ".node" + file.substring(dot);
            files.add(Artifact.text(path, node, text));
            parts.add(path);
        }
        composed.add(new Output.Composed(dir + file, node, parts));
    }

    /**
     * A node whose files are not the shared parts and its own: it sees some Service otherwise than the shared table,
     * its pod ranges or masquerade setting differ from the cluster's, or one of its node ports claims a frontend
     * before a shared one.
     */
    private static boolean deviates(NetworkPlan plan, NodePlan n, Context ctx, IpvsVirtualServers vss) {
        for (Family f : Family.values()) if (n.deviates(f, plan.services())) return true;
        return !n.clusterCIDRs().equals(ctx.clusterCIDRs()) || n.masqueradeAll() != ctx.masqueradeAll() || vss.displaces(n);
    }

    /**
     * The addresses node {@code n} binds on kube-ipvs0 when they are not the shared ones (every frontend's address but
     * its own addresses: a frontend on one of them, or a node-port address that is not one), else null.
     */
    private static String nodeAddresses(NodePlan n, Set<Family> nodePortFamilies, java.util.SortedSet<IpAddress> shared) {
        java.util.TreeSet<IpAddress> extra = new java.util.TreeSet<>();
        for (Family f : nodePortFamilies) {
            if (!n.nodePortsClosed().contains(f)) extra.addAll(n.nodePortAddresses(f)); // none: its own addresses
        }
        n.node().addresses().forEach(extra::remove);
        boolean overlap = n.node().addresses().stream().anyMatch(shared::contains);
        if (extra.isEmpty() && !overlap) return null;
        java.util.TreeSet<IpAddress> all = new java.util.TreeSet<>(shared);
        all.addAll(extra);
        n.node().addresses().forEach(all::remove);
        return addressLines(all);
    }

    private static String addressLines(java.util.SortedSet<IpAddress> addresses) {
        StringBuilder b = new StringBuilder();
        addresses.forEach(a -> b.append(a.asCidr().text()).append('\n'));
        return b.toString();
    }

    static boolean has(NodeView n, Family f) {
        return !n.services(f).isEmpty() || !n.clusterCIDRs(f).isEmpty();
    }

    /** kube-proxy binds node ports on every node address unless nodePortAddresses narrows them. */
    static List<IpAddress> nodePortAddresses(Node node, List<IpAddress> chosen, Family f) {
        return chosen.isEmpty() ? node.addresses().stream().filter(a -> a.family() == f).toList() : chosen;
    }
}
