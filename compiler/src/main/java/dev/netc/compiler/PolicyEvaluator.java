package dev.netc.compiler;

import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The NetworkPolicy model, evaluated one connection at a time straight from the API objects: given a source
 * address, a destination address, a port and a protocol, is the connection allowed, and by which policies?
 *
 * <p>Traffic between a pod and its own node is always allowed, in both directions (the API says so; kubelet
 * probes rely on it).
 *
 * <p>It is written independently of the {@code Policy} pass (no aggregation, no shared code) so that it can
 * judge both the pass and the kernel: the e2e suite checks that it agrees with every probe. It backs
 * {@code netc explain}.
 */
public final class PolicyEvaluator {
    /** The answer, with one line per direction saying why. */
    public record Verdict(boolean allowed, List<String> reasons) {
        public Verdict {
            reasons = List.copyOf(reasons);
        }
    }

    private final Cluster cluster;

    public PolicyEvaluator(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The pod that owns {@code ip} (not host-network pods: their address is the node's). */
    public Optional<Pod> podAt(IpAddress ip) {
        return cluster.pods().stream().filter(p -> !p.hostNetwork() && p.ips().contains(ip)).findFirst();
    }

    public Verdict evaluate(IpAddress src, IpAddress dst, int port, Protocol protocol) {
        List<String> reasons = new ArrayList<>();
        if (src.equals(dst)) {
            return new Verdict(true, List.of("allowed: a pod may always reach itself (directly or through a Service)"));
        }
        Optional<Pod> srcPod = podAt(src);
        Optional<Pod> dstPod = podAt(dst);
        boolean egressOk = srcPod.map(p -> egress(p, dst, dstPod, port, protocol, reasons)).orElseGet(() -> {
            reasons.add("egress: " + src + " is not a pod: no egress policy applies");
            return true;
        });
        boolean ingressOk = dstPod.map(p -> ingress(p, src, srcPod, port, protocol, reasons)).orElseGet(() -> {
            reasons.add("ingress: " + dst + " is not a pod: no ingress policy applies");
            return true;
        });
        return new Verdict(egressOk && ingressOk, reasons);
    }

    private boolean egress(Pod from, IpAddress dst, Optional<Pod> dstPod, int port, Protocol protocol, List<String> why) {
        Optional<Node> node = cluster.node(from.nodeName());
        if (node.isPresent() && node.get().addresses().contains(dst)) {
            why.add("egress: allowed: " + dst + " is " + name(from) + "'s own node");
            return true;
        }
        Optional<Boolean> admin = tier(from, false, false, dst, dstPod, dstPod, port, protocol, why);
        if (admin.isPresent()) return admin.get();
        List<NetworkPolicy> isolating = selecting(from).stream().filter(NetworkPolicy::egressIsolation).toList();
        if (isolating.isEmpty()) {
            Optional<Boolean> baseline = tier(from, true, false, dst, dstPod, dstPod, port, protocol, why);
            if (baseline.isPresent()) return baseline.get();
            why.add("egress: " + name(from) + " is not isolated for egress");
            return true;
        }
        for (NetworkPolicy np : isolating) {
            for (NetworkPolicy.Rule r : np.egress()) {
                if (peersMatch(np, r, dst, dstPod) && portsMatch(r, dstPod, port, protocol)) {
                    why.add("egress: allowed by " + np.meta().qualifiedName());
                    return true;
                }
            }
        }
        why.add("egress: denied: " + name(from) + " is isolated for egress by " + names(isolating)
                + " and no rule allows " + dst + " " + protocol + "/" + port);
        return false;
    }

    private boolean ingress(Pod to, IpAddress src, Optional<Pod> srcPod, int port, Protocol protocol, List<String> why) {
        Optional<Node> node = cluster.node(to.nodeName());
        if (node.isPresent() && node.get().addresses().contains(src)) {
            why.add("ingress: allowed: " + src + " is " + name(to) + "'s own node (kubelet probes)");
            return true;
        }
        Optional<Boolean> admin = tier(to, false, true, src, srcPod, Optional.of(to), port, protocol, why);
        if (admin.isPresent()) return admin.get();
        List<NetworkPolicy> isolating = selecting(to).stream().filter(NetworkPolicy::ingressIsolation).toList();
        if (isolating.isEmpty()) {
            Optional<Boolean> baseline = tier(to, true, true, src, srcPod, Optional.of(to), port, protocol, why);
            if (baseline.isPresent()) return baseline.get();
            why.add("ingress: " + name(to) + " is not isolated for ingress");
            return true;
        }
        for (NetworkPolicy np : isolating) {
            for (NetworkPolicy.Rule r : np.ingress()) {
                if (peersMatch(np, r, src, srcPod) && portsMatch(r, Optional.of(to), port, protocol)) {
                    why.add("ingress: allowed by " + np.meta().qualifiedName());
                    return true;
                }
            }
        }
        why.add("ingress: denied: " + name(to) + " is isolated for ingress by " + names(isolating)
                + " and no rule allows " + src + " " + protocol + "/" + port);
        return false;
    }

    /**
     * The admin tier ({@code baseline} false) or the baseline tier: the first matching rule's decision, or empty
     * when no rule matches (or an admin rule passes the connection on to NetworkPolicy).
     */
    private Optional<Boolean> tier(Pod subject, boolean baseline, boolean ingressDirection, IpAddress peer,
                                   Optional<Pod> peerPod, Optional<Pod> receiver, int port, Protocol protocol,
                                   List<String> why) {
        String dir = ingressDirection ? "ingress" : "egress";
        List<AdminNetworkPolicy> policies = cluster.adminNetworkPolicies().stream()
                .filter(a -> a.baseline() == baseline && !subject.hostNetwork() && inSubject(a.subject(), subject))
                .sorted(Comparator.comparingInt(AdminNetworkPolicy::priority).thenComparing(a -> a.meta().name()))
                .toList();
        for (AdminNetworkPolicy a : policies) {
            for (AdminNetworkPolicy.Rule r : ingressDirection ? a.ingress() : a.egress()) {
                if (!adminPeerMatches(r, peer, peerPod) || !adminPortMatches(r, receiver, port, protocol)) continue;
                String rule = a.meta().kind() + "/" + a.meta().name() + " rule " + r.name();
                switch (r.action()) {
                    case Allow -> {
                        why.add(dir + ": allowed by " + rule);
                        return Optional.of(true);
                    }
                    case Deny -> {
                        why.add(dir + ": denied by " + rule);
                        return Optional.of(false);
                    }
                    case Pass -> {
                        why.add(dir + ": " + rule + " passes to NetworkPolicy");
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }

    private boolean inSubject(AdminNetworkPolicy.Subject s, Pod p) {
        return namespaceLabelsMatch(s.namespaces(), p.meta().namespace())
                && s.pods().map(sel -> sel.matches(p.labels())).orElse(true);
    }

    private boolean adminPeerMatches(AdminNetworkPolicy.Rule r, IpAddress addr, Optional<Pod> pod) {
        for (AdminNetworkPolicy.Peer peer : r.peers()) {
            switch (peer.kind()) {
                case PODS -> {
                    if (pod.isPresent() && namespaceLabelsMatch(peer.namespaces(), pod.get().meta().namespace())
                            && peer.pods().map(sel -> sel.matches(pod.get().labels())).orElse(true)) {
                        return true;
                    }
                }
                case NODES -> {
                    if (cluster.nodes().stream().anyMatch(n -> peer.nodes().matches(n.meta().labels())
                            && n.addresses().contains(addr))) {
                        return true;
                    }
                }
                case NETWORKS -> {
                    if (peer.networks().stream().anyMatch(c -> c.contains(addr))) return true;
                }
            }
        }
        return false;
    }

    private static boolean adminPortMatches(AdminNetworkPolicy.Rule r, Optional<Pod> receiver, int port, Protocol protocol) {
        if (r.ports().isEmpty()) return true;
        for (AdminNetworkPolicy.Port p : r.ports()) {
            if (p.name().isPresent()) {
                if (receiver.isPresent() && receiver.get().ports().stream().anyMatch(cp ->
                        cp.name().equals(p.name().get()) && cp.protocol() == protocol && cp.port() == port)) {
                    return true;
                }
            } else if (p.protocol() == protocol && port >= p.first() && port <= p.last()) {
                return true;
            }
        }
        return false;
    }

    private List<NetworkPolicy> selecting(Pod p) {
        if (p.hostNetwork()) return List.of();
        return cluster.networkPolicies().stream()
                .filter(np -> np.meta().namespace().equals(p.meta().namespace()) && np.podSelector().matches(p.labels()))
                .toList();
    }

    /** Whether {@code addr} (owned by {@code pod}, if a pod) is one of the rule's peers. */
    private boolean peersMatch(NetworkPolicy np, NetworkPolicy.Rule r, IpAddress addr, Optional<Pod> pod) {
        if (r.peers().isEmpty()) return true;
        for (NetworkPolicy.Peer peer : r.peers()) {
            if (peer.ipBlock().isPresent()) {
                NetworkPolicy.IpBlock b = peer.ipBlock().get();
                if (b.cidr().contains(addr) && b.except().stream().noneMatch(e -> e.contains(addr))) return true;
                continue;
            }
            if (pod.isEmpty()) continue;
            Pod p = pod.get();
            boolean nsOk = peer.namespaceSelector()
                    .map(sel -> namespaceLabelsMatch(sel, p.meta().namespace()))
                    .orElse(p.meta().namespace().equals(np.meta().namespace()));
            boolean podOk = peer.podSelector().map(sel -> sel.matches(p.labels())).orElse(true);
            if (nsOk && podOk) return true;
        }
        return false;
    }

    private boolean namespaceLabelsMatch(LabelSelector sel, String namespace) {
        return cluster.namespaces().stream().filter(n -> n.meta().name().equals(namespace)).findFirst()
                .map(Namespace::meta).map(m -> sel.matches(m.labels())).orElse(false);
    }

    /** Whether the port matches; named ports are looked up on {@code receiver}, the pod the traffic goes to. */
    private static boolean portsMatch(NetworkPolicy.Rule r, Optional<Pod> receiver, int port, Protocol protocol) {
        if (r.ports().isEmpty()) return true;
        for (NetworkPolicy.Port p : r.ports()) {
            if (p.protocol() != protocol) continue;
            if (p.port().isEmpty()) return true;
            if (p.port().get() instanceof PortRef.Number n) {
                int last = p.endPort() != 0 ? p.endPort() : n.value();
                if (port >= n.value() && port <= last) return true;
            } else if (p.port().get() instanceof PortRef.Name name && receiver.isPresent()) {
                if (receiver.get().namedPort(name.value(), protocol).map(cp -> cp.port() == port).orElse(false)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String name(Pod p) {
        return p.meta().qualifiedName();
    }

    private static String names(List<NetworkPolicy> ps) {
        return String.join(", ", ps.stream().map(np -> np.meta().qualifiedName()).toList());
    }
}
