package dev.netc.compiler;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Service behaviour table: for a node, every frontend a client can reach (cluster IP, node port on each
 * allowed node address, external IP, load-balancer IP) and the endpoints ({@code ip:port}) a new connection to
 * it may land on. Empty set = no endpoint: the frontend refuses or drops.
 *
 * <p>EndpointSlices (or Endpoints) given for a Service are live state and win; otherwise a selector picks pods.
 * Computed straight from the resolved model — pods, selectors, readiness, given EndpointSlices — without
 * the endpoints and services passes, so that it can judge every backend's output (the IPVS model test, the
 * traffic suites). Follows the EndpointSlice controller for readiness (a terminating pod is not ready unless
 * publishNotReadyAddresses; it is serving when its Ready condition is true) and kube-proxy for the choice of
 * endpoints (ready ones, else serving terminating ones; Local policies keep the node's own).
 */
public final class ServiceOracle {
    /** A frontend: where a connection goes, and which Service port it belongs to. */
    public record Frontend(Protocol protocol, IpAddress address, int port, String kind, String servicePort)
            implements Comparable<Frontend> {
        @Override
        public int compareTo(Frontend o) {
            int c = address.compareTo(o.address);
            if (c != 0) return c;
            c = protocol.compareTo(o.protocol);
            return c != 0 ? c : Integer.compare(port, o.port);
        }

        @Override
        public String toString() {
            return kind + " " + protocol + " " + (address.family() == Family.IPV4 ? address.text() : "[" + address.text() + "]")
                    + ":" + port + " (" + servicePort + ")";
        }
    }

    /** What a frontend does: the endpoints it spreads over, and its ClientIP affinity timeout (0 = none). */
    public record Behaviour(TreeSet<String> endpoints, int affinitySeconds) {
    }

    private record Ep(IpAddress ip, int port, String node, boolean ready, boolean serving, boolean terminating) {
        String hostPort() {
            return ip.family() == Family.IPV4 ? ip.text() + ":" + port : "[" + ip.text() + "]:" + port;
        }
    }

    private final Cluster cluster;

    public ServiceOracle(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Every frontend of node {@code nodeName} with its behaviour, in a stable order. */
    public Map<Frontend, Behaviour> table(String nodeName) {
        Node node = cluster.node(nodeName).orElseThrow();
        TreeMap<Frontend, Behaviour> out = new TreeMap<>();
        for (Service s : cluster.services()) {
            if (s.headless() || s.type() == Service.Type.ExternalName) continue;
            for (IpAddress clusterIp : s.clusterIPs()) {
                Family f = clusterIp.family();
                for (ServicePort p : s.ports()) {
                    String name = s.namespace() + "/" + s.name() + (p.name().isEmpty() ? "" : ":" + p.name());
                    List<Ep> all = endpoints(s, p, f);
                    TreeSet<String> clusterSet = usable(all, null);
                    TreeSet<String> localSet = usable(all, nodeName);
                    int affinity = s.sessionAffinity() == Service.SessionAffinity.ClientIP ? s.affinityTimeoutSeconds() : 0;
                    boolean iLocal = s.internalTrafficPolicy() == Service.TrafficPolicy.Local;
                    boolean eLocal = s.externalTrafficPolicy() == Service.TrafficPolicy.Local;
                    Behaviour internal = new Behaviour(iLocal ? localSet : clusterSet, affinity);
                    Behaviour external = new Behaviour(eLocal ? localSet : clusterSet, affinity);
                    out.putIfAbsent(new Frontend(p.protocol(), clusterIp, p.port(), "cluster-ip", name), internal);
                    if (p.nodePort() != 0 && s.wantsNodePorts()) {
                        for (IpAddress a : nodePortAddresses(node, f)) {
                            out.putIfAbsent(new Frontend(p.protocol(), a, p.nodePort(), "node-port", name), external);
                        }
                    }
                    for (IpAddress a : s.externalIPs()) {
                        if (a.family() == f) out.putIfAbsent(new Frontend(p.protocol(), a, p.port(), "external-ip", name), external);
                    }
                    for (IpAddress a : s.loadBalancerIPs()) {
                        if (a.family() == f) out.putIfAbsent(new Frontend(p.protocol(), a, p.port(), "load-balancer", name), external);
                    }
                }
            }
        }
        return out;
    }

    /** kube-proxy's nodePortAddresses, per family: no CIDR of the family = every address of that family. */
    private List<IpAddress> nodePortAddresses(Node node, Family f) {
        List<Cidr> allowed = cluster.profile().proxy().nodePortAddresses().stream().filter(c -> c.family() == f).toList();
        return node.addresses().stream().filter(a -> a.family() == f)
                .filter(a -> allowed.isEmpty() || allowed.stream().anyMatch(c -> c.contains(a))).toList();
    }

    /** kube-proxy's choice: ready endpoints, or if there are none, the serving terminating ones. */
    private static TreeSet<String> usable(List<Ep> all, String onlyNode) {
        List<Ep> scope = all.stream().filter(e -> onlyNode == null || e.node().equals(onlyNode)).toList();
        TreeSet<String> ready = new TreeSet<>();
        scope.stream().filter(Ep::ready).forEach(e -> ready.add(e.hostPort()));
        if (!ready.isEmpty()) return ready;
        TreeSet<String> fallback = new TreeSet<>();
        scope.stream().filter(e -> e.serving() && e.terminating()).forEach(e -> fallback.add(e.hostPort()));
        return fallback;
    }

    private List<Ep> endpoints(Service s, ServicePort p, Family f) {
        List<Ep> out = new ArrayList<>();
        boolean sliced = cluster.endpointSlices().stream()
                .anyMatch(x -> x.meta().namespace().equals(s.namespace()) && x.serviceName().equals(s.name()));
        if (!s.selector().isEmpty() && !sliced) {
            for (Pod pod : cluster.pods()) {
                if (!pod.meta().namespace().equals(s.namespace())) continue;
                if (!s.selector().entrySet().stream().allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())))) continue;
                Optional<IpAddress> ip = pod.ips().stream().filter(a -> a.family() == f).findFirst();
                if (ip.isEmpty()) continue;
                int port;
                if (p.targetPort() instanceof PortRef.Number n) {
                    port = n.value();
                } else {
                    Optional<Integer> named = pod.ports().stream()
                            .filter(cp -> cp.name().equals(((PortRef.Name) p.targetPort()).value()) && cp.protocol() == p.protocol())
                            .map(cp -> cp.port()).findFirst();
                    if (named.isEmpty()) continue;
                    port = named.get();
                }
                boolean serving = s.publishNotReadyAddresses() || pod.ready();
                boolean ready = s.publishNotReadyAddresses() || (serving && !pod.terminating());
                out.add(new Ep(ip.get(), port, pod.nodeName(), ready, serving, pod.terminating()));
            }
            return out;
        }
        for (EndpointSlice slice : cluster.endpointSlices()) {
            if (!slice.meta().namespace().equals(s.namespace()) || !slice.serviceName().equals(s.name())
                    || slice.addressType() != f) {
                continue;
            }
            Optional<EndpointSlice.EndpointPort> ep = slice.ports().stream()
                    .filter(x -> x.name().equals(p.name()) && x.protocol() == p.protocol()).findFirst();
            if (ep.isEmpty()) continue;
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                for (IpAddress a : e.addresses()) {
                    out.add(new Ep(a, ep.get().port(), e.nodeName(), e.ready(), e.serving(), e.terminating()));
                }
            }
        }
        return out;
    }
}
