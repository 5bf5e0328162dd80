package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.ContentHash;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Protocol;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * NetworkPolicy: for every pod on every node, whether a policy isolates it for ingress and for egress, and
 * the union of what the selecting policies allow, as (peer address set × port set) entries.
 *
 * <p>Semantics follow the NetworkPolicy API: a peer with a podSelector alone selects pods of the policy's
 * namespace; with a namespaceSelector alone, every pod of the matching namespaces; with both, the matching pods
 * of the matching namespaces; an ipBlock matches addresses (pod addresses included) minus its excepts. An
 * empty peer list or port list means "all". Named ports resolve against the pod that receives the traffic:
 * the target pod for ingress, each destination pod for egress (so an egress rule with a named port allows,
 * per destination pod, the number that pod gives the name; for ipBlock peers, the pods inside the block).
 * Host-network pods are neither isolated nor selected as peers.
 *
 * <p>AdminNetworkPolicy rules (before NetworkPolicy) and BaselineAdminNetworkPolicy rules (after it) are kept
 * per pod in the order they are judged, each with its peers as an address set; see {@link PodPolicy}.
 *
 * <p>The lists are kept small: address sets are aggregated into minimal prefixes, port ranges coalesced,
 * entries with equal ports merged, and identical address sets shared by name across rules and pods.
 */
public final class Policy implements Pass<NetworkPlan, NetworkPlan> {
    /** Peers resolved to prefixes; {@code any} = every address. */
    private record Peers(boolean any, TreeSet<Cidr> cidrs) {
        static Peers anyAddress() {
            return new Peers(true, new TreeSet<>());
        }
    }

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        List<NodePlan> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            Map<String, AddressSet> sets = new TreeMap<>();
            List<PodPolicy> pods = new ArrayList<>();
            for (Pod p : c.pods()) {
                if (!p.nodeName().equals(n.name()) || p.hostNetwork() || p.ips().isEmpty()) continue;
                podPolicy(c, p, sets).ifPresent(pods::add);
            }
            nodes.add(n.withPolicy(new PolicyPlan(pods, List.copyOf(sets.values()))));
        }
        return plan.withNodes(nodes);
    }

    private Optional<PodPolicy> podPolicy(Cluster c, Pod pod, Map<String, AddressSet> sets) {
        List<NetworkPolicy> selecting = c.networkPolicies().stream()
                .filter(np -> np.meta().namespace().equals(pod.meta().namespace()))
                .filter(np -> np.podSelector().matches(pod.labels()))
                .toList();
        boolean ingressIsolated = selecting.stream().anyMatch(NetworkPolicy::ingressIsolation);
        boolean egressIsolated = selecting.stream().anyMatch(NetworkPolicy::egressIsolation);
        List<TierRule> adminIngress = tier(c, pod, false, true, sets);
        List<TierRule> adminEgress = tier(c, pod, false, false, sets);
        List<TierRule> baselineIngress = tier(c, pod, true, true, sets);
        List<TierRule> baselineEgress = tier(c, pod, true, false, sets);
        if (!ingressIsolated && !egressIsolated && adminIngress.isEmpty() && adminEgress.isEmpty()
                && baselineIngress.isEmpty() && baselineEgress.isEmpty()) {
            return Optional.empty();
        }

        List<Entry> ingress = new ArrayList<>();
        List<Entry> egress = new ArrayList<>();
        for (NetworkPolicy np : selecting) {
            String origin = np.meta().qualifiedName();
            if (np.ingressIsolation()) {
                for (NetworkPolicy.Rule r : np.ingress()) {
                    Peers peers = peers(c, np, r);
                    List<PortRange> ports = new ArrayList<>();
                    boolean anyPort = r.ports().isEmpty();
                    for (NetworkPolicy.Port port : r.ports()) ports.addAll(targetPorts(port, pod));
                    if (!anyPort && ports.isEmpty()) continue; // only named ports this pod does not have
                    ingress.add(new Entry(peers, anyPort ? List.of() : ports, origin));
                }
            }
            if (np.egressIsolation()) {
                for (NetworkPolicy.Rule r : np.egress()) egress.addAll(egressEntries(c, np, r, origin));
            }
        }
        return Optional.of(new PodPolicy(pod.meta().namespace(), pod.meta().name(), pod.ips(), ingressIsolated,
                egressIsolated, optimise(ingress, sets), optimise(egress, sets), adminIngress, adminEgress,
                baselineIngress, baselineEgress));
    }

    // ---- AdminNetworkPolicy and BaselineAdminNetworkPolicy -------------------------------------------------

    /** The rules of one tier that apply to {@code pod} in one direction, in the order they are judged. */
    private List<TierRule> tier(Cluster c, Pod pod, boolean baseline, boolean ingressDirection,
                                Map<String, AddressSet> sets) {
        List<AdminNetworkPolicy> policies = c.adminNetworkPolicies().stream()
                .filter(a -> a.baseline() == baseline && subjectMatches(c, a.subject(), pod))
                .sorted(Comparator.comparingInt(AdminNetworkPolicy::priority).thenComparing(a -> a.meta().name()))
                .toList();
        List<TierRule> out = new ArrayList<>();
        for (AdminNetworkPolicy a : policies) {
            for (AdminNetworkPolicy.Rule r : ingressDirection ? a.ingress() : a.egress()) {
                String origin = a.meta().kind() + "/" + a.meta().name() + ":" + r.name();
                TierRule.Action action = TierRule.Action.valueOf(r.action().name().toUpperCase(java.util.Locale.ROOT));
                List<Pod> peerPods = adminPeerPods(c, r);
                TreeSet<Cidr> peers = new TreeSet<>();
                peerPods.forEach(p -> p.ips().forEach(ip -> peers.add(ip.asCidr())));
                for (AdminNetworkPolicy.Peer peer : r.peers()) {
                    if (peer.kind() == AdminNetworkPolicy.Peer.Kind.NETWORKS) peers.addAll(peer.networks());
                    if (peer.kind() == AdminNetworkPolicy.Peer.Kind.NODES) {
                        c.nodes().stream().filter(n -> peer.nodes().matches(n.meta().labels()))
                                .forEach(n -> n.addresses().forEach(ip -> peers.add(ip.asCidr())));
                    }
                }
                if (r.ports().isEmpty()) {
                    addTierRule(out, action, peers, List.of(), origin, sets);
                    continue;
                }
                List<PortRange> numeric = new ArrayList<>();
                Map<Integer, TreeSet<Cidr>> named = new TreeMap<>();
                Map<Integer, Protocol> namedProto = new TreeMap<>();
                for (AdminNetworkPolicy.Port port : r.ports()) {
                    if (port.name().isEmpty()) {
                        numeric.add(new PortRange(port.protocol(), port.first(), port.last()));
                    } else if (ingressDirection) {
                        // the subject pod receives: its own number for the name
                        for (ContainerPort cp : pod.ports()) {
                            if (cp.name().equals(port.name().get())) numeric.add(new PortRange(cp.protocol(), cp.port(), cp.port()));
                        }
                    } else {
                        // each destination pod gives the name its own number (pods inside a network peer too)
                        List<Pod> destinations = new ArrayList<>(peerPods);
                        c.pods().stream().filter(Policy::selectable).filter(p -> !destinations.contains(p))
                                .filter(p -> p.ips().stream().anyMatch(ip -> r.peers().stream().anyMatch(peer ->
                                        peer.kind() == AdminNetworkPolicy.Peer.Kind.NETWORKS
                                                && peer.networks().stream().anyMatch(n -> n.contains(ip)))))
                                .forEach(destinations::add);
                        for (Pod dst : destinations) {
                            for (ContainerPort cp : dst.ports()) {
                                if (!cp.name().equals(port.name().get())) continue;
                                int key = cp.port() * 4 + cp.protocol().ordinal();
                                namedProto.put(key, cp.protocol());
                                dst.ips().forEach(ip -> named.computeIfAbsent(key, k -> new TreeSet<>()).add(ip.asCidr()));
                            }
                        }
                    }
                }
                if (!numeric.isEmpty()) addTierRule(out, action, peers, coalesce(numeric), origin, sets);
                named.forEach((key, cidrs) -> addTierRule(out, action, cidrs,
                        List.of(new PortRange(namedProto.get(key), key / 4, key / 4)), origin, sets));
            }
        }
        return List.copyOf(out);
    }

    private static void addTierRule(List<TierRule> out, TierRule.Action action, TreeSet<Cidr> peers,
                                    List<PortRange> ports, String origin, Map<String, AddressSet> sets) {
        if (peers.isEmpty()) return; // selects nobody: can never match
        AddressSet s = addressSet(CidrMath.minimal(peers));
        sets.putIfAbsent(s.name(), s);
        out.add(new TierRule(action, Optional.of(s.name()), ports, origin));
    }

    private static boolean subjectMatches(Cluster c, AdminNetworkPolicy.Subject subject, Pod pod) {
        if (pod.hostNetwork()) return false;
        boolean nsOk = c.namespace(pod.meta().namespace()).map(ns -> subject.namespaces().matches(ns.meta().labels()))
                .orElse(false);
        return nsOk && subject.pods().map(sel -> sel.matches(pod.labels())).orElse(true);
    }

    /** Pods an admin rule's pod peers select (any namespace matching the peer's namespace selector). */
    private static List<Pod> adminPeerPods(Cluster c, AdminNetworkPolicy.Rule r) {
        List<Pod> out = new ArrayList<>();
        for (AdminNetworkPolicy.Peer peer : r.peers()) {
            if (peer.kind() != AdminNetworkPolicy.Peer.Kind.PODS) continue;
            for (Pod p : c.pods()) {
                if (!selectable(p) || out.contains(p)) continue;
                boolean nsOk = c.namespace(p.meta().namespace())
                        .map(ns -> peer.namespaces().matches(ns.meta().labels())).orElse(false);
                if (nsOk && peer.pods().map(sel -> sel.matches(p.labels())).orElse(true)) out.add(p);
            }
        }
        return out;
    }

    /** One allow before optimisation; {@code ports} empty = every port. */
    private record Entry(Peers peers, List<PortRange> ports, String origin) {
    }

    private List<Entry> egressEntries(Cluster c, NetworkPolicy np, NetworkPolicy.Rule r, String origin) {
        Peers peers = peers(c, np, r);
        if (r.ports().isEmpty()) return List.of(new Entry(peers, List.of(), origin));
        List<Entry> out = new ArrayList<>();
        List<PortRange> numeric = new ArrayList<>();
        for (NetworkPolicy.Port port : r.ports()) {
            if (port.port().orElse(null) instanceof PortRef.Name name) {
                // Each destination pod gives the name its own number: group the pods by that number.
                Map<Integer, TreeSet<Cidr>> byNumber = new TreeMap<>();
                for (Pod dst : selectedPods(c, np, r)) {
                    dst.namedPort(name.value(), port.protocol()).ifPresent(cp -> dst.ips().forEach(ip ->
                            byNumber.computeIfAbsent(cp.port(), k -> new TreeSet<>()).add(ip.asCidr())));
                }
                byNumber.forEach((num, cidrs) -> out.add(new Entry(new Peers(false, cidrs),
                        List.of(new PortRange(port.protocol(), num, num)), origin)));
            } else {
                numeric.addAll(numericPorts(port));
            }
        }
        if (!numeric.isEmpty()) out.add(new Entry(peers, numeric, origin));
        return out;
    }

    /** Pods a rule's peers select (for named egress ports); every pod when the rule has no peers. */
    private static List<Pod> selectedPods(Cluster c, NetworkPolicy np, NetworkPolicy.Rule r) {
        if (r.peers().isEmpty()) return c.pods().stream().filter(Policy::selectable).toList();
        List<Pod> out = new ArrayList<>();
        for (NetworkPolicy.Peer peer : r.peers()) {
            if (peer.ipBlock().isPresent()) {
                // an ipBlock covers pod addresses too: its pods give the named port its numbers
                List<Cidr> block = CidrMath.subtract(peer.ipBlock().get().cidr(), peer.ipBlock().get().except());
                c.pods().stream().filter(Policy::selectable)
                        .filter(p -> p.ips().stream().anyMatch(ip -> block.stream().anyMatch(b -> b.contains(ip))))
                        .forEach(out::add);
            } else {
                out.addAll(podsOf(c, np, peer));
            }
        }
        return out;
    }

    private static Peers peers(Cluster c, NetworkPolicy np, NetworkPolicy.Rule r) {
        if (r.peers().isEmpty()) return Peers.anyAddress();
        TreeSet<Cidr> cidrs = new TreeSet<>();
        for (NetworkPolicy.Peer peer : r.peers()) {
            if (peer.ipBlock().isPresent()) {
                NetworkPolicy.IpBlock b = peer.ipBlock().get();
                cidrs.addAll(CidrMath.subtract(b.cidr(), b.except()));
            } else {
                for (Pod p : podsOf(c, np, peer)) p.ips().forEach(ip -> cidrs.add(ip.asCidr()));
            }
        }
        return new Peers(false, cidrs);
    }

    private static List<Pod> podsOf(Cluster c, NetworkPolicy np, NetworkPolicy.Peer peer) {
        TreeSet<String> namespaces = new TreeSet<>();
        if (peer.namespaceSelector().isPresent()) {
            LabelSelector s = peer.namespaceSelector().get();
            for (Namespace ns : c.namespaces()) if (s.matches(ns.meta().labels())) namespaces.add(ns.meta().name());
        } else {
            namespaces.add(np.meta().namespace());
        }
        LabelSelector podSel = peer.podSelector().orElse(LabelSelector.EVERYTHING);
        return c.pods().stream().filter(Policy::selectable)
                .filter(p -> namespaces.contains(p.meta().namespace()))
                .filter(p -> podSel.matches(p.labels()))
                .toList();
    }

    private static boolean selectable(Pod p) {
        return !p.hostNetwork() && !p.ips().isEmpty();
    }

    private static List<PortRange> targetPorts(NetworkPolicy.Port port, Pod target) {
        if (port.port().orElse(null) instanceof PortRef.Name name) {
            return target.namedPort(name.value(), port.protocol())
                    .map(ContainerPort::port).map(n -> List.of(new PortRange(port.protocol(), n, n))).orElse(List.of());
        }
        return numericPorts(port);
    }

    private static List<PortRange> numericPorts(NetworkPolicy.Port port) {
        if (port.port().isEmpty()) return List.of(PortRange.all(port.protocol()));
        int first = ((PortRef.Number) port.port().get()).value();
        int last = port.endPort() != 0 ? port.endPort() : first;
        return List.of(new PortRange(port.protocol(), first, last));
    }

    // ---- optimisation ----------------------------------------------------------------------------------------

    private List<PolicyAllow> optimise(List<Entry> entries, Map<String, AddressSet> sets) {
        // 1. entries with the same ports: one entry, peers united
        Map<List<PortRange>, Peers> byPorts = new LinkedHashMap<>();
        Map<List<PortRange>, TreeSet<String>> originsByPorts = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.peers().any() && e.peers().cidrs().isEmpty()) continue; // selects nobody
            List<PortRange> ports = coalesce(e.ports());
            Peers prev = byPorts.get(ports);
            byPorts.put(ports, prev == null ? copy(e.peers()) : union(prev, e.peers()));
            originsByPorts.computeIfAbsent(ports, k -> new TreeSet<>()).add(e.origin());
        }
        // 2. entries with the same peers: one entry, ports united
        Map<String, List<PortRange>> portsBySet = new TreeMap<>();
        Map<String, TreeSet<String>> origins = new TreeMap<>();
        byPorts.forEach((ports, peers) -> {
            String key = "";
            if (!peers.any()) {
                AddressSet s = addressSet(CidrMath.minimal(peers.cidrs()));
                sets.putIfAbsent(s.name(), s);
                key = s.name();
            }
            List<PortRange> prev = portsBySet.get(key);
            List<PortRange> merged;
            if (prev == null) {
                merged = ports;
            } else if (prev.isEmpty() || ports.isEmpty()) {
                merged = List.of(); // one of them allows every port
            } else {
                List<PortRange> all = new ArrayList<>(prev);
                all.addAll(ports);
                merged = coalesce(all);
            }
            portsBySet.put(key, merged);
            origins.computeIfAbsent(key, k -> new TreeSet<>()).addAll(originsByPorts.get(ports));
        });
        List<PolicyAllow> out = new ArrayList<>();
        portsBySet.forEach((key, ports) -> out.add(new PolicyAllow(key.isEmpty() ? Optional.empty() : Optional.of(key),
                ports, List.copyOf(origins.get(key)))));
        return out;
    }

    private static Peers copy(Peers p) {
        return new Peers(p.any(), new TreeSet<>(p.cidrs()));
    }

    private static Peers union(Peers a, Peers b) {
        if (a.any() || b.any()) return Peers.anyAddress();
        TreeSet<Cidr> all = new TreeSet<>(a.cidrs());
        all.addAll(b.cidrs());
        return new Peers(false, all);
    }

    /** Sorted, overlapping and adjacent ranges of a protocol merged. */
    static List<PortRange> coalesce(List<PortRange> ranges) {
        List<PortRange> sorted = new ArrayList<>(ranges);
        sorted.sort(null);
        List<PortRange> out = new ArrayList<>();
        for (PortRange r : sorted) {
            if (!out.isEmpty()) {
                PortRange last = out.get(out.size() - 1);
                if (last.protocol() == r.protocol() && r.first() <= last.last() + 1) {
                    out.set(out.size() - 1, new PortRange(r.protocol(), last.first(), Math.max(last.last(), r.last())));
                    continue;
                }
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    /** A set named by its content: {@code peers-} and the first 12 hex digits of the sha256 of its prefixes. */
    static AddressSet addressSet(List<Cidr> cidrs) {
        StringBuilder b = new StringBuilder();
        cidrs.forEach(x -> b.append(x.text()).append('\n'));
        return new AddressSet("peers-" + ContentHash.hex(b.toString(), 6), cidrs);
    }

}
