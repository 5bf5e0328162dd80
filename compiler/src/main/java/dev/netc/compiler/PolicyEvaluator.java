package dev.netc.compiler;

import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.Text;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The NetworkPolicy model, evaluated one connection at a time straight from the API objects: given a source
 * address, a destination address, a port and a protocol, is the connection allowed, and by which policies?
 *
 * <p>Traffic between a pod and its own node is always allowed, in both directions (the API says so; kubelet
 * probes rely on it).
 *
 * <p>It is written independently of the policy passes (no index, no aggregation, no shared code) so that it can
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
        return judge(src, dst, port, src, dst, port, protocol, List.of());
    }

    /**
     * One connection as the kernel sees it on each hook: egress is judged on the sender's node toward
     * {@code egressDst:egressPort} (the endpoint when the Service's DNAT happened before it, the Service address
     * otherwise), ingress on the receiver's node from {@code ingressSrc} (the sender, or the node that
     * masqueraded it). {@code first} are reasons that come before the two directions'.
     */
    private Verdict judge(IpAddress src, IpAddress egressDst, int egressPort, IpAddress ingressSrc, IpAddress dst, int port,
                          Protocol protocol, List<String> first) {
        List<String> reasons = new ArrayList<>(first);
        // a pod reaching itself through another node's masquerade arrives from that node: policy judges it
        if (src.equals(dst) && ingressSrc.equals(src)) {
            reasons.add("allowed: a pod may always reach itself (directly or through a Service)");
            return new Verdict(true, reasons);
        }
        Optional<Pod> srcPod = podAt(src);
        Optional<Pod> egressPeer = podAt(egressDst);
        Optional<Pod> dstPod = podAt(dst);
        Optional<Pod> ingressPeer = podAt(ingressSrc);
        boolean egressOk = srcPod.map(p -> egress(p, egressDst, egressPeer, egressPort, protocol, reasons)).orElseGet(() -> {
            reasons.add("egress: " + src + " is not a pod: no egress policy applies");
            return true;
        });
        boolean ingressOk = dstPod.map(p -> ingress(p, ingressSrc, ingressPeer, port, protocol, reasons)).orElseGet(() -> {
            reasons.add("ingress: " + dst + " is not a pod: no ingress policy applies");
            return true;
        });
        return new Verdict(egressOk && ingressOk, reasons);
    }

    /** A connection to a Service frontend, carried on to one endpoint ({@code ip:port}), with its verdict. */
    public record Hop(ServiceOracle.Frontend frontend, String node, IpAddress endpoint, int port, Verdict verdict) {
    }

    /**
     * The connections a connection to {@code dst:port} becomes when {@code dst:port} is a Service frontend —
     * a cluster IP, a node port on a node address, an external or load-balancer IP — one per endpoint kube-proxy
     * may pick, each judged by the same policy evaluation; empty when {@code dst:port} is no frontend (then
     * {@link #evaluate} is the answer). The frontend is the one of the node that does the DNAT: the node owning
     * the address for a node port, otherwise the sender's node (the first node for a sender outside the cluster).
     * After DNAT: egress is judged toward the endpoint when the DNAT happened on the sender's own node, toward
     * the frontend otherwise; external frontends with {@code externalTrafficPolicy: Cluster} are masqueraded, so
     * an endpoint on another node than the DNAT node sees that node's address as the source.
     */
    public List<Hop> throughService(IpAddress src, IpAddress dst, int port, Protocol protocol) {
        Optional<String> owner = cluster.nodes().stream().filter(n -> n.addresses().contains(dst)).map(Node::name).findFirst();
        Optional<String> srcNode = podAt(src).map(Pod::nodeName).filter(n -> !n.isEmpty())
                .or(() -> cluster.nodes().stream().filter(n -> n.addresses().contains(src)).map(Node::name).findFirst());
        Optional<String> dnatNode = owner.or(() -> srcNode)
                .or(() -> cluster.nodes().stream().map(Node::name).sorted().findFirst());
        if (dnatNode.isEmpty()) return List.of();
        ServiceOracle oracle = new ServiceOracle(cluster);
        List<Hop> out = new ArrayList<>();
        for (Map.Entry<ServiceOracle.Frontend, ServiceOracle.Behaviour> e : oracle.table(dnatNode.get()).entrySet()) {
            ServiceOracle.Frontend f = e.getKey();
            if (!f.address().equals(dst) || f.port() != port || f.protocol() != protocol) continue;
            boolean external = !f.kind().equals("cluster-ip");
            boolean localDnat = srcNode.isPresent() && srcNode.get().equals(dnatNode.get());
            Optional<Service> svc = service(f.servicePort());
            boolean masquerade = external && svc.map(s -> s.externalTrafficPolicy() != Service.TrafficPolicy.Local).orElse(true);
            String via = f + " on node " + dnatNode.get();
            if (e.getValue().endpoints().isEmpty()) {
                out.add(new Hop(f, dnatNode.get(), dst, port, new Verdict(false, List.of("denied: " + via
                        + " has no endpoint: the connection is refused"))));
                continue;
            }
            for (String hostPort : e.getValue().endpoints()) {
                int colon = hostPort.lastIndexOf(':');
                IpAddress ep = IpAddress.parse(hostPort.substring(0, colon).replace("[", "").replace("]", ""));
                int epPort = Integer.parseInt(hostPort.substring(colon + 1));
                String epNode = podAt(ep).map(Pod::nodeName).orElse("");
                IpAddress seen = src;
                List<String> first = new ArrayList<>();
                first.add("via " + via + " -> " + hostPort);
                if (masquerade && !epNode.equals(dnatNode.get())) {
                    Optional<IpAddress> nodeIp = cluster.node(dnatNode.get()).flatMap(n -> n.addresses().stream()
                            .filter(a -> a.family() == ep.family()).findFirst());
                    if (nodeIp.isPresent()) {
                        seen = nodeIp.get();
                        first.add("masquerade: " + hostPort + " sees the connection from node " + dnatNode.get() + " (" + seen + ")");
                    }
                }
                Verdict v = localDnat || srcNode.isEmpty()
                        ? judge(src, ep, epPort, seen, ep, epPort, protocol, first)
                        : judge(src, dst, port, seen, ep, epPort, protocol, first);
                out.add(new Hop(f, dnatNode.get(), ep, epPort, v));
            }
        }
        return out;
    }

    /** The Service of a frontend's {@code namespace/name[:port]}. */
    private Optional<Service> service(String servicePort) {
        String nsName = servicePort.contains(":") ? servicePort.substring(0, servicePort.indexOf(':')) : servicePort;
        String[] p = nsName.split("/", 2);
        return p.length == 2 ? cluster.service(p[0], p[1]) : Optional.empty();
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
            for (int i = 0; i < np.egress().size(); i++) {
                NetworkPolicy.Rule r = np.egress().get(i);
                if (peersMatch(np, r, dst, dstPod) && portsMatch(r, dstPod, port, protocol)) {
                    why.add("egress: allowed by " + Origin.at(np.meta().id(), "spec.egress[" + i + "]", r.pos()));
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
            for (int i = 0; i < np.ingress().size(); i++) {
                NetworkPolicy.Rule r = np.ingress().get(i);
                if (peersMatch(np, r, src, srcPod) && portsMatch(r, Optional.of(to), port, protocol)) {
                    why.add("ingress: allowed by " + Origin.at(np.meta().id(), "spec.ingress[" + i + "]", r.pos()));
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
            List<AdminNetworkPolicy.Rule> rules = ingressDirection ? a.ingress() : a.egress();
            for (int i = 0; i < rules.size(); i++) {
                AdminNetworkPolicy.Rule r = rules.get(i);
                if (!adminPeerMatches(r, peer, peerPod) || !adminPortMatches(r, receiver, port, protocol)) continue;
                String rule = "rule " + Text.token(r.name()) + " of " + Origin.at(a.meta().id(), "spec." + dir + "[" + i + "]", r.pos());
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

    /** The isolating policies, each with where it was written. */
    private static String names(List<NetworkPolicy> ps) {
        return String.join(", ", ps.stream().map(np -> np.meta().qualifiedName() + " (" + np.meta().pos() + ")").toList());
    }
}
