package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.compiler.WorkCounters;
import dev.netc.compiler.passes.NamedPorts.PortKey;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PolicyResolution;
import dev.netc.ir.plan.PolicyResolution.Match;
import dev.netc.ir.plan.PolicyResolution.NamedPort;
import dev.netc.ir.plan.PolicyResolution.Peers;
import dev.netc.ir.plan.PolicyResolution.Selected;
import dev.netc.ir.plan.PortRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NetworkPolicy resolved: the pods each policy selects, and for each rule its peers (one shared set per distinct
 * peer list) and ports, into the plan's {@link PolicyResolution}; {@link MergePolicy} makes the per-pod lists.
 *
 * <p>Semantics follow the NetworkPolicy API: a peer with a podSelector alone selects pods of the policy's
 * namespace; with a namespaceSelector alone, every pod of the matching namespaces; with both, the matching pods
 * of the matching namespaces; an ipBlock matches addresses (pod addresses included) minus its excepts. An
 * empty peer list or port list means "all". Named ports resolve against the pod that receives the traffic:
 * the target pod for ingress (left to the merge, which meets each pod), each destination pod for egress (so an
 * egress rule with a named port allows, per destination pod, the number that pod gives the name; for ipBlock
 * peers, the pods inside the block). Host-network pods are neither isolated nor selected as peers.
 *
 * <p>Cost: every selector goes through the {@link SelectorIndex} once per distinct value and namespace; every
 * distinct peer list and named egress port is resolved once. Counter {@link #COUNTER}: the index's work (items
 * selectors examine, pods address lookups return) plus each pod read into a peer set or a named-port group.
 */
public final class ResolveNetworkPolicies implements Pass<NetworkPlan, NetworkPlan> {
    public static final String COUNTER = "policy.networkPolicies";

    private final WorkCounters counters;

    public ResolveNetworkPolicies() {
        this(new WorkCounters());
    }

    public ResolveNetworkPolicies(WorkCounters counters) {
        this.counters = counters;
    }

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Run run = new Run(new SelectorIndex(plan.cluster()), new PeerSets(plan.policyResolution().peerSets()));
        List<Selected> selected = new ArrayList<>();
        for (NetworkPolicy np : plan.cluster().networkPolicies()) selected.add(run.resolve(np));
        counters.add(COUNTER, run.index.work() + run.work);
        return plan.withPolicyResolution(plan.policyResolution().withNetworkPolicies(run.sets.all(), selected));
    }

    private record BlockKey(Cidr cidr, List<Cidr> except) {
    }

    /** A peer without its source position; a podSelector-only peer is in {@code namespace}, the policy's. */
    private record PeerKey(Optional<LabelSelector> pods, Optional<LabelSelector> namespaces, String namespace,
                           Optional<BlockKey> block) {
    }

    private record NamedKey(List<PeerKey> peers, String name, Protocol protocol) {
    }

    /** One run of the pass: the index and the memos. */
    private static final class Run {
        final SelectorIndex index;
        final PeerSets sets;
        final Map<List<PeerKey>, Integer> rulePeers = new HashMap<>();
        final Map<PeerKey, List<Integer>> peerPods = new HashMap<>();
        final Map<BlockKey, List<Cidr>> blocks = new HashMap<>();
        final Map<NamedKey, List<Match>> namedEgress = new HashMap<>();
        long work;

        Run(SelectorIndex index, PeerSets sets) {
            this.index = index;
            this.sets = sets;
        }

        Selected resolve(NetworkPolicy np) {
            List<Integer> pods = index.pods(np.meta().namespace(), np.podSelector());
            List<Match> ingress = new ArrayList<>();
            List<Match> egress = new ArrayList<>();
            List<Origin> ingressRules = new ArrayList<>();
            List<Origin> egressRules = new ArrayList<>();
            if (np.ingressIsolation()) {
                for (int i = 0; i < np.ingress().size(); i++) {
                    NetworkPolicy.Rule r = np.ingress().get(i);
                    ingress.add(ingress(np, r));
                    ingressRules.add(Origin.at(np.meta().id(), "spec.ingress[" + i + "]", r.pos()));
                }
            }
            if (np.egressIsolation()) {
                for (int i = 0; i < np.egress().size(); i++) {
                    NetworkPolicy.Rule r = np.egress().get(i);
                    List<Match> ms = egress(np, r);
                    egress.addAll(ms);
                    Origin o = Origin.at(np.meta().id(), "spec.egress[" + i + "]", r.pos());
                    for (int k = 0; k < ms.size(); k++) egressRules.add(o);
                }
            }
            return new Selected(np.meta().qualifiedName(), pods, np.ingressIsolation(), np.egressIsolation(), ingress,
                    egress, ingressRules, egressRules);
        }

        /** An ingress rule: its named ports are the target pod's, resolved by the merge. */
        private Match ingress(NetworkPolicy np, NetworkPolicy.Rule r) {
            int peers = peers(keys(np, r));
            List<PortRange> numeric = new ArrayList<>();
            List<NamedPort> named = new ArrayList<>();
            for (NetworkPolicy.Port port : r.ports()) {
                if (port.port().orElse(null) instanceof PortRef.Name name) {
                    named.add(new NamedPort(name.value(), Optional.of(port.protocol())));
                } else {
                    numeric.addAll(numericPorts(port));
                }
            }
            return new Match(peers, r.ports().isEmpty(), numeric, named);
        }

        /** An egress rule: each named port becomes one match per number the destination pods give it. */
        private List<Match> egress(NetworkPolicy np, NetworkPolicy.Rule r) {
            List<PeerKey> keys = keys(np, r);
            int peers = peers(keys);
            if (r.ports().isEmpty()) return List.of(new Match(peers, true, List.of(), List.of()));
            List<Match> out = new ArrayList<>();
            List<PortRange> numeric = new ArrayList<>();
            for (NetworkPolicy.Port port : r.ports()) {
                if (port.port().orElse(null) instanceof PortRef.Name name) {
                    out.addAll(namedEgress.computeIfAbsent(new NamedKey(keys, name.value(), port.protocol()),
                            this::named));
                } else {
                    numeric.addAll(numericPorts(port));
                }
            }
            if (!numeric.isEmpty()) out.add(new Match(peers, false, numeric, List.of()));
            return out;
        }

        private List<Match> named(NamedKey k) {
            TreeMap<PortKey, List<Integer>> byNumber = new TreeMap<>();
            for (int dst : destinations(k.peers())) {
                work++;
                NamedPorts.resolve(index.pod(dst), k.name(), Optional.of(k.protocol()))
                        .ifPresent(pk -> byNumber.computeIfAbsent(pk, x -> new ArrayList<>()).add(dst));
            }
            List<Match> out = new ArrayList<>();
            byNumber.forEach((pk, pods) -> out.add(new Match(podSet(pods, List.of()), false, List.of(pk.range()),
                    List.of())));
            return List.copyOf(out);
        }

        /** The pods a rule's peers select (named egress ports): every pod for no peers, an ipBlock's pods too. */
        private TreeSet<Integer> destinations(List<PeerKey> keys) {
            TreeSet<Integer> out = new TreeSet<>();
            if (keys.isEmpty()) {
                out.addAll(index.allPods());
                return out;
            }
            for (PeerKey k : keys) {
                if (k.block().isPresent()) out.addAll(index.podsIn(block(k.block().get())));
                else out.addAll(pods(k));
            }
            return out;
        }

        private static List<PeerKey> keys(NetworkPolicy np, NetworkPolicy.Rule r) {
            List<PeerKey> out = new ArrayList<>();
            for (NetworkPolicy.Peer peer : r.peers()) {
                if (peer.ipBlock().isPresent()) {
                    NetworkPolicy.IpBlock b = peer.ipBlock().get();
                    out.add(new PeerKey(Optional.empty(), Optional.empty(), "", Optional.of(new BlockKey(b.cidr(), b.except()))));
                } else {
                    out.add(new PeerKey(peer.podSelector(), peer.namespaceSelector(),
                            peer.namespaceSelector().isPresent() ? "" : np.meta().namespace(), Optional.empty()));
                }
            }
            return List.copyOf(out);
        }

        /** The one set of a peer list (every address for none). */
        private int peers(List<PeerKey> keys) {
            Integer known = rulePeers.get(keys);
            if (known != null) return known;
            int id;
            if (keys.isEmpty()) {
                id = sets.id(Peers.ANY);
            } else {
                TreeSet<Integer> pods = new TreeSet<>();
                List<Cidr> cidrs = new ArrayList<>();
                for (PeerKey k : keys) {
                    if (k.block().isPresent()) cidrs.addAll(block(k.block().get()));
                    else pods.addAll(pods(k));
                }
                id = podSet(pods, cidrs);
            }
            rulePeers.put(keys, id);
            return id;
        }

        private int podSet(java.util.Collection<Integer> pods, List<Cidr> cidrs) {
            work += pods.size() + cidrs.size();
            return sets.of(index, pods, cidrs);
        }

        private List<Integer> pods(PeerKey k) {
            List<Integer> known = peerPods.get(k);
            if (known != null) return known;
            LabelSelector podSel = k.pods().orElse(LabelSelector.EVERYTHING);
            List<Integer> pods = k.namespaces().isPresent()
                    ? index.pods(k.namespaces().get(), podSel)
                    : index.pods(k.namespace(), podSel);
            peerPods.put(k, pods);
            return pods;
        }

        private List<Cidr> block(BlockKey b) {
            return blocks.computeIfAbsent(b, k -> CidrMath.subtract(k.cidr(), k.except()));
        }
    }

    private static List<PortRange> numericPorts(NetworkPolicy.Port port) {
        if (port.port().isEmpty()) return List.of(PortRange.all(port.protocol()));
        int first = ((PortRef.Number) port.port().get()).value();
        int last = port.endPort() != 0 ? port.endPort() : first;
        return List.of(new PortRange(port.protocol(), first, last));
    }
}
