package dev.netc.backends.iptables;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.NodeParallel;
import dev.netc.backends.Output;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.backends.policy.PolicyChains;
import dev.netc.backends.policy.PolicyPrograms;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.PodNetworkPlan;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nodes/<node>/iptables.rules} (and {@code ip6tables.rules} when the node has IPv6 Services or IPv6 pod
 * ranges): {@code iptables-restore} / {@code ip6tables-restore} input in the layout and names of kube-proxy's
 * iptables mode, so that a node's {@code iptables-save} can be read against it:
 * <ul>
 * <li>nat: PREROUTING and OUTPUT jump to KUBE-SERVICES, POSTROUTING to KUBE-POSTROUTING (masquerade, with
 *     {@code --random-fully}, what KUBE-MARK-MASQ marked 0x4000); KUBE-SERVICES dispatches cluster, external and
 *     load-balancer IPs to KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW- chains and ends with the jump to KUBE-NODEPORTS
 *     (local destinations other than loopback: netc opens no localhost node ports); KUBE-SEP- chains DNAT.
 *     Chain names are kube-proxy's hashes ({@link ChainNames});</li>
 * <li>filter: INPUT/FORWARD/OUTPUT jump to KUBE-PROXY-FIREWALL (load-balancer source ranges), KUBE-NODEPORTS,
 *     KUBE-SERVICES and KUBE-EXTERNAL-SERVICES (REJECT for Services without endpoints, DROP for Local policies
 *     without a local endpoint) and KUBE-FORWARD, as kube-proxy installs them; then netc's NetworkPolicy chains,
 *     with {@code nodes/<node>/ipset.rules} holding their peer sets (restore that first).</li>
 * </ul>
 *
 * <p>Applying. On a clean network namespace, {@code iptables-restore FILE} gives a working node: the restore
 * flushes the nat and filter tables and the file declares ({@code :CHAIN - [0:0]}) every chain it uses. On a node
 * that has other rules, a plain restore would flush them too; netc's rules are meant to be applied there with
 * {@code --noflush}: each declaration line then creates or empties just that chain, so netc's own chains are
 * replaced whole and nothing else is touched, but the {@code -A PREROUTING/INPUT/FORWARD/OUTPUT/POSTROUTING} jump
 * lines append to chains netc does not own, so the applier must insert them only where missing (as kube-proxy's
 * {@code EnsureRule} does) instead of appending them on every apply. Chains that netc no longer declares are not
 * deleted by a {@code --noflush} restore; the applier removes them.
 */
public final class IptablesBackend implements Backend {
    /** kube-proxy's {@code largeClusterEndpointsThreshold}: more endpoints than this and it drops endpoint comments. */
    static final int LARGE_CLUSTER_ENDPOINTS = 1000;
    /** nat: pods' traffic out of the cluster, masqueraded when netc builds the pod network ({@link PodNetworkPlan#egress}). */
    public static final String POD_EGRESS_CHAIN = "NETC-POD-EGRESS";

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public Output render(NetworkPlan plan, Set<String> nodes, int threads) {
        return Output.collect(sink -> render(plan, nodes, threads, sink));
    }

    @Override
    public void render(NetworkPlan plan, Set<String> nodes, int threads, Output.Sink sink) {
        List<NodePlan> chosen = Backend.selected(plan, nodes);
        Map<String, List<Cidr>> v4Sets = IptablesPolicyRenderer.clusterSets(plan, Family.IPV4);
        Map<String, List<Cidr>> v6Sets = IptablesPolicyRenderer.clusterSets(plan, Family.IPV6);
        PolicyPrograms programs = PolicyPrograms.of(plan);
        String sets = IptablesPolicyRenderer.ipsets(v4Sets, Family.IPV4) + IptablesPolicyRenderer.ipsets(v6Sets, Family.IPV6);
        String setsPath = sets.isEmpty() ? "" : Output.sharedPath(name(), sets, ".ipset");
        if (!sets.isEmpty()) sink.file(Artifact.text(setsPath, "", sets));
        for (Family f : Family.values()) {
            if (f == Family.IPV6 && plan.services(f).isEmpty() && clusterCIDRs(plan).stream()
                    .noneMatch(c -> c.family() == Family.IPV6)) continue;
            String file = f == Family.IPV4 ? "iptables.rules" : "ip6tables.rules";
            String stem = f == Family.IPV4 ? "iptables" : "ip6tables";
            Family fam = f;
            Shared shared = new Shared(plan, f, programs, f == Family.IPV4 ? v4Sets : v6Sets);
            List<String> sharedPaths = null;
            if (chosen.stream().anyMatch(n -> !shared.deviates(n))) {
                String[] parts = shared.parts();
                sharedPaths = List.of(Output.sharedPath(name(), parts[0], ".rules"), Output.sharedPath(name(), parts[1], ".rules"));
                sink.file(Artifact.text(sharedPaths.get(0), "", parts[0]));
                sink.file(Artifact.text(sharedPaths.get(1), "", parts[1]));
            }
            List<String> sharedParts = sharedPaths;
            NodeParallel.forEach(chosen, threads, n -> {
                String dir = "nodes/" + n.name() + "/";
                if (shared.deviates(n)) {
                    // a node that sees some Service otherwise than the others: its whole file is its own part
                    return new Output(List.of(Artifact.text(dir + stem + ".node.rules", n.name(), render(plan.view(n), fam, plan.podNetwork().egress(fam)))),
                            List.of(new Output.Composed(dir + file, n.name(), List.of(dir + stem + ".node.rules"))));
                }
                String[] parts = shared.nodeParts(n);
                return new Output(List.of(Artifact.text(dir + stem + ".node-nat.rules", n.name(), parts[0]),
                        Artifact.text(dir + stem + ".node-filter.rules", n.name(), parts[1])),
                        List.of(new Output.Composed(dir + file, n.name(), List.of(sharedParts.get(0), dir + stem + ".node-nat.rules",
                                sharedParts.get(1), dir + stem + ".node-filter.rules"))));
            }, sink::add);
        }
        if (!sets.isEmpty()) {
            for (NodePlan n : chosen) sink.composed(new Output.Composed("nodes/" + n.name() + "/ipset.rules", n.name(), List.of(setsPath)));
        }
    }

    /** The pod ranges every node has (the cluster profile's; the nodes' own in a hand-made plan). */
    public static List<Cidr> clusterCIDRs(NetworkPlan plan) {
        return plan.nodes().isEmpty() ? plan.cluster().profile().clusterCIDRs() : plan.nodes().get(0).clusterCIDRs();
    }

    /** The masquerade setting every node has (the profile's proxy setting; the nodes' own in a hand-made plan). */
    public static boolean masqueradeAll(NetworkPlan plan) {
        return plan.nodes().isEmpty() ? plan.cluster().profile().proxy().masqueradeAll() : plan.nodes().get(0).masqueradeAll();
    }

    /**
     * One family's shared parts and what each node adds to them. A node file is four parts: the nat table's shared
     * head and rules, the node's nat rules (its Local endpoints, the node-port dispatch, which must be the last rule of
     * KUBE-SERVICES) and COMMIT, the filter table's shared head and rules, the node's filter rules and COMMIT. The nat
     * table comes first because its shared part is the big one (every Service's chains): the manifest's digest of a
     * node file hashes its first part once for all nodes. iptables-restore takes a chain declaration after rules, so
     * each part declares the chains it fills first.
     */
    private static final class Shared {
        private final NetworkPlan plan;
        private final Family f;
        private final List<ServicePortPlan> services;
        private final List<Integer> localPolicy = new ArrayList<>();
        private final Set<Integer> firewallVaries = new java.util.HashSet<>();
        private final int endpoints;
        private final Optional<IpAddress> representative;
        private final PolicyPrograms programs;
        private final Map<String, List<Cidr>> policySets;

        Shared(NetworkPlan plan, Family f, PolicyPrograms programs, Map<String, List<Cidr>> policySets) {
            this.plan = plan;
            this.f = f;
            this.programs = programs;
            this.policySets = policySets;
            this.services = plan.services();
            this.representative = plan.nodes().isEmpty() ? Optional.empty() : plan.nodes().get(0).node().primaryAddress(f);
            int count = 0;
            for (int i = 0; i < services.size(); i++) {
                ServicePortPlan s = services.get(i);
                if (s.family() != f) continue;
                count += s.clusterEndpoints().size();
                if (s.hasEndpoints() && s.usesLocalEndpoints()) localPolicy.add(i);
                if (s.hasEndpoints() && !s.loadBalancerIPs().isEmpty() && !s.loadBalancerSourceRanges().isEmpty()) {
                    boolean first = ServiceRules.allowFromNode(s, representative);
                    for (NodePlan n : plan.nodes()) {
                        if (ServiceRules.allowFromNode(s, n.node().primaryAddress(f)) != first) {
                            firewallVaries.add(i);
                            break;
                        }
                    }
                }
            }
            this.endpoints = count;
        }

        /** A node whose view differs beyond its Local endpoints, or whose endpoint count crosses kube-proxy's threshold. */
        boolean deviates(NodePlan n) {
            if (n.deviates(f, services)) return true;
            int mine = endpoints;
            for (LocalEndpoints l : n.local()) {
                ServicePortPlan s = services.get(l.service());
                if (s.family() != f) continue;
                java.util.TreeSet<PlanEndpoint> cluster = new java.util.TreeSet<>(s.clusterEndpoints());
                for (PlanEndpoint e : l.endpoints()) if (!cluster.contains(e)) mine++;
            }
            return (mine > LARGE_CLUSTER_ENDPOINTS) != (endpoints > LARGE_CLUSTER_ENDPOINTS);
        }

        String[] parts() {
            RestoreTable nat = new RestoreTable("nat");
            RestoreTable filter = new RestoreTable("filter");
            fixed(filter, nat, podRanges(), masqueradeAll(), plan.podNetwork().egress(f));
            ServiceRules w = new ServiceRules(f, podRanges(), masqueradeAll(), true, representative,
                    endpoints > LARGE_CLUSTER_ENDPOINTS, nat, filter);
            for (int i = 0; i < services.size(); i++) {
                ServicePortPlan s = services.get(i);
                if (s.family() == f) w.add(s, List.of(), firewallVaries.contains(i));
            }
            nat.rules(w.chainRules);
            IptablesPolicyRenderer.programChains(programs, f).forEach(filter::chain);
            filter.rules(IptablesPolicyRenderer.programRules(programs, f, policySets));
            StringBuilder head = new StringBuilder();
            head.append("# netc ").append(f.apiName()).append(" rules: iptables-restore input in kube-proxy's layout; the parts every")
                    .append(" node shares, each followed by the node's own\n");
            nat.writeOpen(head);
            StringBuilder filterPart = new StringBuilder();
            filter.writeOpen(filterPart);
            return new String[] {head.toString(), filterPart.toString()};
        }

        String[] nodeParts(NodePlan n) {
            RestoreTable nat = new RestoreTable("nat");
            RestoreTable filter = new RestoreTable("filter");
            Map<Integer, List<PlanEndpoint>> own = new java.util.HashMap<>();
            for (LocalEndpoints l : n.local()) own.put(l.service(), l.endpoints());
            ServiceRules w = new ServiceRules(f, podRanges(), masqueradeAll(), false, n.node().primaryAddress(f),
                    endpoints > LARGE_CLUSTER_ENDPOINTS, nat, filter);
            for (int i : localPolicy) w.add(services.get(i), own.getOrDefault(i, List.of()), firewallVaries.contains(i));
            for (int i : firewallVaries) if (!localPolicy.contains(i)) w.add(services.get(i), List.of(), true);
            nat.rules(w.chainRules);
            nodePortDispatch(nat, n.nodePortAddresses(f), f);
            filter.rules(IptablesPolicyRenderer.rules(n.policy(), f, programs));
            StringBuilder natPart = new StringBuilder("# node ").append(n.name()).append('\n');
            nat.writeClose(natPart);
            StringBuilder filterPart = new StringBuilder("# node ").append(n.name()).append('\n');
            filter.writeClose(filterPart);
            return new String[] {natPart.toString(), filterPart.toString()};
        }

        private List<Cidr> podRanges() {
            return clusterCIDRs(plan).stream().filter(c -> c.family() == f).toList();
        }

        private boolean masqueradeAll() {
            return IptablesBackend.masqueradeAll(plan);
        }
    }

    /** The fixed chains and rules of both tables, as kube-proxy installs them. */
    private static void fixed(RestoreTable filter, RestoreTable nat, List<Cidr> podRanges, boolean masqueradeAll,
                              Optional<PodNetworkPlan.Egress> podEgress) {
        for (String c : List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL")) {
            filter.chain(c);
        }
        for (String c : List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ")) nat.chain(c);
        // Jumps from the built-in chains, in the order kube-proxy's prepending leaves them. NetworkPolicy comes
        // first in FORWARD, before KUBE-FORWARD accepts marked and established traffic: the jump is on every node,
        // and NETC-POLICY is empty on a node whose pods no policy restricts.
        filter.chain(IptablesPolicyRenderer.POLICY_CHAIN);
        filter.rule(IptablesPolicyRenderer.FORWARD_JUMP);
        filter.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS");
        filter.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
        filter.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        filter.rule("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
        filter.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT");
        filter.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

        nat.rule("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
        nat.rule("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
        // clear the mark so that a packet that passes the stack again is not masqueraded twice
        nat.rule("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000");
        nat.rule("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        nat.rule("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
        if (!masqueradeAll && podRanges.size() > 1) {
            nat.chain(ServiceRules.MASQ_OFF_CLUSTER);
            for (Cidr c : podRanges) nat.rule("-A " + ServiceRules.MASQ_OFF_CLUSTER + " -s " + c.text() + " -j RETURN");
            nat.rule("-A " + ServiceRules.MASQ_OFF_CLUSTER + " -j KUBE-MARK-MASQ");
        }
        podEgress.ifPresent(e -> podEgress(nat, e));
    }

    /**
     * The pod network netc builds: pods keep their address to pods and nodes, and leave the cluster with their node's
     * (flannel's rule, with the node addresses among the exceptions: a node sees its peers' pods as they are).
     */
    private static void podEgress(RestoreTable nat, PodNetworkPlan.Egress e) {
        nat.chain(POD_EGRESS_CHAIN);
        nat.rules(podEgressRules(e));
    }

    /** The nat rules of {@link #POD_EGRESS_CHAIN} and the jump to it (the chain declared apart): the iptables and the IPVS mode's rules alike. */
    public static List<String> podEgressRules(PodNetworkPlan.Egress e) {
        List<String> out = new ArrayList<>();
        out.add("-A POSTROUTING -m comment --comment \"netc pod network: pods' traffic out of the cluster\" -j " + POD_EGRESS_CHAIN);
        for (Cidr c : e.except()) out.add("-A " + POD_EGRESS_CHAIN + " -d " + c.text() + " -j RETURN");
        for (Cidr c : e.sources()) out.add("-A " + POD_EGRESS_CHAIN + " -s " + c.text() + " -j MASQUERADE --random-fully");
        return out;
    }

    /**
     * The node-port dispatch must be the last rule of KUBE-SERVICES. Loopback is left out: localhost node ports would
     * need route_localnet (IPv4) and never work for IPv6.
     */
    private static void nodePortDispatch(RestoreTable nat, List<IpAddress> npAddrs, Family f) {
        String tail = "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
        if (npAddrs.isEmpty()) {
            nat.rule(tail + " -m addrtype --dst-type LOCAL ! -d " + (f == Family.IPV4 ? "127.0.0.0/8" : "::1/128") + " -j KUBE-NODEPORTS");
        } else {
            for (IpAddress a : npAddrs) {
                if (!a.value().isLoopback()) nat.rule(tail + " -d " + a.text() + " -j KUBE-NODEPORTS");
            }
        }
    }

    /**
     * The restore input of one node and family, whole, from its view: the shared parts as this node alone would have
     * them, each followed by its own (a node that sees the Service table otherwise, and tests).
     */
    static String render(NodeView n, Family f) {
        return render(n, f, Optional.empty());
    }

    /** {@link #render(NodeView, Family)} with the masquerade of pods' traffic out of the cluster, when netc builds the pod network. */
    static String render(NodeView n, Family f, Optional<PodNetworkPlan.Egress> podEgress) {
        RestoreTable nat = new RestoreTable("nat");
        RestoreTable filter = new RestoreTable("filter");
        fixed(filter, nat, n.clusterCIDRs(f), n.masqueradeAll(), podEgress);
        List<ServicePortPlan> services = n.services(f);
        Optional<IpAddress> nodeIP = n.node().primaryAddress(f);
        boolean large = endpointCount(services) > LARGE_CLUSTER_ENDPOINTS;
        ServiceRules w = new ServiceRules(f, n.clusterCIDRs(f), n.masqueradeAll(), true, nodeIP, large, nat, filter);
        for (ServicePortPlan s : services) w.add(s, s.localEndpoints(), false);
        nat.rules(w.chainRules);
        PolicyPrograms programs = PolicyPrograms.of(n.policy());
        IptablesPolicyRenderer.programChains(programs, f).forEach(filter::chain);
        filter.rules(IptablesPolicyRenderer.programRules(programs, f, PolicyChains.usedSets(n.policy(), f)));
        StringBuilder b = new StringBuilder();
        b.append("# netc ").append(f.apiName()).append(" rules: iptables-restore input in kube-proxy's layout; the parts every")
                .append(" node shares, each followed by the node's own\n");
        nat.writeOpen(b);
        RestoreTable nodeNat = new RestoreTable("nat");
        RestoreTable nodeFilter = new RestoreTable("filter");
        ServiceRules own = new ServiceRules(f, n.clusterCIDRs(f), n.masqueradeAll(), false, nodeIP, large, nodeNat, nodeFilter);
        for (ServicePortPlan s : services) if (s.hasEndpoints() && s.usesLocalEndpoints()) own.add(s, s.localEndpoints(), false);
        nodeNat.rules(own.chainRules);
        nodePortDispatch(nodeNat, n.nodePortAddresses(f), f);
        nodeFilter.rules(IptablesPolicyRenderer.rules(n.policy(), f, programs));
        b.append("# node ").append(n.name()).append('\n');
        nodeNat.writeClose(b);
        filter.writeOpen(b);
        b.append("# node ").append(n.name()).append('\n');
        nodeFilter.writeClose(b);
        return b.toString();
    }

    /** The endpoints the node's Service ports of one family know (kube-proxy's measure of a large cluster). */
    private static int endpointCount(List<ServicePortPlan> services) {
        int count = 0;
        for (ServicePortPlan s : services) {
            TreeSet<PlanEndpoint> all = new TreeSet<>(s.clusterEndpoints());
            all.addAll(s.localEndpoints());
            count += all.size();
        }
        return count;
    }
}
