package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.compiler.WorkCounters;
import dev.netc.compiler.passes.NamedPorts.PortKey;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Origin;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Node;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PolicyResolution;
import dev.netc.ir.plan.PolicyResolution.Match;
import dev.netc.ir.plan.PolicyResolution.NamedPort;
import dev.netc.ir.plan.PolicyResolution.Tier;
import dev.netc.ir.plan.PolicyResolution.TierMatch;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy resolved, in the order they are judged (priority, then name):
 * each policy's subject pods, and each rule's action, peers (pods of matching namespaces, nodes' addresses,
 * networks: one shared set per distinct peer list) and ports, into the plan's {@link PolicyResolution}.
 * A named port is the receiving pod's: the subject's own for ingress (left to the merge), each destination pod's
 * for egress (one match per number, pods inside a network peer included).
 *
 * <p>Cost: selectors through the {@link SelectorIndex} once per distinct value, each distinct peer list once.
 * Counter {@link #COUNTER}: the index's work, plus each node a node selector examines and each pod read into a
 * peer set or a named-port group.
 */
public final class ResolveAdminTiers implements Pass<NetworkPlan, NetworkPlan> {
    public static final String COUNTER = "policy.adminTiers";

    private final WorkCounters counters;

    public ResolveAdminTiers() {
        this(new WorkCounters());
    }

    public ResolveAdminTiers(WorkCounters counters) {
        this.counters = counters;
    }

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        Run run = new Run(c, new SelectorIndex(c), new PeerSets(plan.policyResolution().peerSets()));
        List<AdminNetworkPolicy> ordered = new ArrayList<>(c.adminNetworkPolicies());
        ordered.sort(Comparator.comparingInt(AdminNetworkPolicy::priority).thenComparing(a -> a.meta().name()));
        List<Tier> tiers = new ArrayList<>();
        for (AdminNetworkPolicy a : ordered) tiers.add(run.resolve(a));
        counters.add(COUNTER, run.index.work() + run.work);
        return plan.withPolicyResolution(plan.policyResolution().withTiers(run.sets.all(), tiers));
    }

    private static final class Run {
        final Cluster cluster;
        final SelectorIndex index;
        final PeerSets sets;
        final Map<List<AdminNetworkPolicy.Peer>, List<Integer>> peerPods = new HashMap<>();
        final Map<List<AdminNetworkPolicy.Peer>, Integer> peerSets = new HashMap<>();
        final Map<List<AdminNetworkPolicy.Peer>, List<Integer>> destinations = new HashMap<>();
        final Map<LabelSelector, List<Cidr>> nodeAddresses = new HashMap<>();
        long work;

        Run(Cluster cluster, SelectorIndex index, PeerSets sets) {
            this.cluster = cluster;
            this.index = index;
            this.sets = sets;
        }

        Tier resolve(AdminNetworkPolicy a) {
            List<Integer> subject = index.pods(a.subject().namespaces(), a.subject().pods().orElse(LabelSelector.EVERYTHING));
            List<TierMatch> ingress = new ArrayList<>();
            for (int i = 0; i < a.ingress().size(); i++) ingress.addAll(rule(a, i, true));
            List<TierMatch> egress = new ArrayList<>();
            for (int i = 0; i < a.egress().size(); i++) egress.addAll(rule(a, i, false));
            return new Tier(a.baseline(), subject, ingress, egress);
        }

        /** The matches of rule {@code i} of one direction, each with the rule's origin. */
        private List<TierMatch> rule(AdminNetworkPolicy a, int i, boolean ingressDirection) {
            AdminNetworkPolicy.Rule r = (ingressDirection ? a.ingress() : a.egress()).get(i);
            String origin = a.meta().kind() + "/" + a.meta().name() + ":" + r.name();
            Origin at = Origin.at(a.meta().id(), "spec." + (ingressDirection ? "ingress" : "egress") + "[" + i + "]", r.pos());
            TierRule.Action action = TierRule.Action.valueOf(r.action().name().toUpperCase(Locale.ROOT));
            int peers = peerSet(r.peers());
            if (r.ports().isEmpty()) return List.of(new TierMatch(action, origin, new Match(peers, true, List.of(), List.of()), at));
            List<PortRange> numeric = new ArrayList<>();
            List<NamedPort> receiver = new ArrayList<>();
            TreeMap<PortKey, TreeSet<Integer>> named = new TreeMap<>();
            for (AdminNetworkPolicy.Port port : r.ports()) {
                if (port.name().isEmpty()) {
                    numeric.add(new PortRange(port.protocol(), port.first(), port.last()));
                } else if (ingressDirection) {
                    receiver.add(new NamedPort(port.name().get(), Optional.empty())); // the subject pod receives
                } else {
                    for (int dst : destinations(r.peers())) {
                        work++;
                        NamedPorts.resolve(index.pod(dst), port.name().get(), Optional.empty())
                                .ifPresent(k -> named.computeIfAbsent(k, x -> new TreeSet<>()).add(dst));
                    }
                }
            }
            List<TierMatch> out = new ArrayList<>();
            if (ingressDirection) {
                out.add(new TierMatch(action, origin, new Match(peers, false, numeric, receiver), at));
                return out;
            }
            if (!numeric.isEmpty()) out.add(new TierMatch(action, origin, new Match(peers, false, numeric, List.of()), at));
            named.forEach((k, pods) -> {
                work += pods.size();
                out.add(new TierMatch(action, origin, new Match(sets.of(index, pods, List.of()), false,
                        List.of(k.range()), List.of()), at));
            });
            return out;
        }

        /** The one set of a rule's peers: its pods' addresses, its networks, its nodes' addresses. */
        private int peerSet(List<AdminNetworkPolicy.Peer> peers) {
            Integer known = peerSets.get(peers);
            if (known != null) return known;
            List<Cidr> cidrs = new ArrayList<>();
            for (AdminNetworkPolicy.Peer peer : peers) {
                if (peer.kind() == AdminNetworkPolicy.Peer.Kind.NETWORKS) cidrs.addAll(peer.networks());
                if (peer.kind() == AdminNetworkPolicy.Peer.Kind.NODES) cidrs.addAll(nodes(peer.nodes()));
            }
            List<Integer> pods = peerPods(peers);
            work += pods.size() + cidrs.size();
            int id = sets.of(index, pods, cidrs);
            peerSets.put(peers, id);
            return id;
        }

        /** Pods the rule's pod peers select (any namespace matching the peer's namespace selector). */
        private List<Integer> peerPods(List<AdminNetworkPolicy.Peer> peers) {
            List<Integer> known = peerPods.get(peers);
            if (known != null) return known;
            TreeSet<Integer> out = new TreeSet<>();
            for (AdminNetworkPolicy.Peer peer : peers) {
                if (peer.kind() != AdminNetworkPolicy.Peer.Kind.PODS) continue;
                out.addAll(index.pods(peer.namespaces(), peer.pods().orElse(LabelSelector.EVERYTHING)));
            }
            List<Integer> result = List.copyOf(out);
            peerPods.put(peers, result);
            return result;
        }

        /** Where an egress rule's named ports are looked up: its pod peers and the pods inside its networks. */
        private List<Integer> destinations(List<AdminNetworkPolicy.Peer> peers) {
            List<Integer> known = destinations.get(peers);
            if (known != null) return known;
            TreeSet<Integer> out = new TreeSet<>(peerPods(peers));
            List<Cidr> networks = new ArrayList<>();
            for (AdminNetworkPolicy.Peer peer : peers) {
                if (peer.kind() == AdminNetworkPolicy.Peer.Kind.NETWORKS) networks.addAll(peer.networks());
            }
            if (!networks.isEmpty()) out.addAll(index.podsIn(networks));
            List<Integer> result = List.copyOf(out);
            destinations.put(peers, result);
            return result;
        }

        private List<Cidr> nodes(LabelSelector selector) {
            List<Cidr> known = nodeAddresses.get(selector);
            if (known != null) return known;
            List<Cidr> out = new ArrayList<>();
            for (Node n : cluster.nodes()) {
                work++;
                if (selector.matches(n.meta().labels())) n.addresses().stream().map(IpAddress::asCidr).forEach(out::add);
            }
            List<Cidr> result = List.copyOf(out);
            nodeAddresses.put(selector, result);
            return result;
        }
    }
}
