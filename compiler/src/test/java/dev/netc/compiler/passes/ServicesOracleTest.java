package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.ServiceOracle;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The endpoints and services passes against the Service behaviour table ({@link ServiceOracle}), which reads
 * the same model independently: on random clusters (readiness, terminating pods, named ports that differ
 * between pods, traffic policies, affinity, given EndpointSlices), every frontend of every node must lead to
 * the same endpoints.
 */
class ServicesOracleTest {
    static final SourcePos POS = new SourcePos("s.yaml", 1, 1);

    static NetworkPlan plan(Cluster c) {
        Diagnostics d = new Diagnostics();
        NetworkPlan p = new Services().apply(new Endpoints().apply(c, d), d);
        assertFalse(d.hasErrors(), d.sorted().toString());
        return p;
    }

    /** What the plan says each frontend does, in the oracle's terms. */
    static Map<String, ServiceOracle.Behaviour> fromPlan(NodeView n) {
        Map<String, ServiceOracle.Behaviour> out = new TreeMap<>();
        for (ServicePortPlan s : n.services()) {
            String name = s.servicePortName();
            s.clusterIP().ifPresent(ip -> out.putIfAbsent(key("cluster-ip", s.protocol(), ip, s.port(), name),
                    behaviour(s.internalEndpoints(), s.affinitySeconds())));
            if (s.nodePort() != 0) {
                List<IpAddress> addrs = n.nodePortAddresses(s.family()).isEmpty()
                        ? n.node().addresses().stream().filter(a -> a.family() == s.family()).toList() : n.nodePortAddresses(s.family());
                for (IpAddress a : addrs) {
                    out.putIfAbsent(key("node-port", s.protocol(), a, s.nodePort(), name), behaviour(s.externalEndpoints(), s.affinitySeconds()));
                }
            }
            for (IpAddress a : s.externalIPs()) {
                out.putIfAbsent(key("external-ip", s.protocol(), a, s.port(), name), behaviour(s.externalEndpoints(), s.affinitySeconds()));
            }
            for (IpAddress a : s.loadBalancerIPs()) {
                out.putIfAbsent(key("load-balancer", s.protocol(), a, s.port(), name), behaviour(s.externalEndpoints(), s.affinitySeconds()));
            }
        }
        return out;
    }

    static String key(String kind, Protocol p, IpAddress a, int port, String name) {
        return new ServiceOracle.Frontend(p, a, port, kind, name).toString();
    }

    static ServiceOracle.Behaviour behaviour(List<PlanEndpoint> eps, int affinity) {
        TreeSet<String> s = new TreeSet<>();
        eps.forEach(e -> s.add(e.hostPort()));
        return new ServiceOracle.Behaviour(s, affinity);
    }

    static void assertAgree(Cluster c) {
        NetworkPlan p = plan(c);
        ServiceOracle oracle = new ServiceOracle(c);
        for (NodeView n : p.views()) {
            Map<String, ServiceOracle.Behaviour> expected = new TreeMap<>();
            oracle.table(n.name()).forEach((f, b) -> expected.put(f.toString(), b));
            assertEquals(expected, fromPlan(n), () -> "node " + n.name() + "\n" + c.services() + "\n" + c.pods());
        }
    }

    static Node node(String name, int i) {
        return new Node(ObjectMeta.of("Node", "", name, POS),
                List.of(IpAddress.parse("192.168.77." + (10 + i)), IpAddress.parse("fd00:77::" + (10 + i))),
                List.of(Cidr.parse("10.244." + i + ".0/24"), Cidr.parse("fd00:244:0:" + i + "::/64")));
    }

    static ServicePortPlan http(NodeView n) {
        return n.services(Family.IPV4).stream().filter(s -> s.portName().equals("http")).findFirst().orElseThrow();
    }

    @Test
    void terminatingEndpointsAreAFallbackOnly() {
        Cluster c = cluster(List.of(
                pod("a", 1, true, false, 8080), pod("b", 2, false, true, 8080)), List.of(svc("web", "ClusterIP", "Cluster", "Cluster", false, 0)));
        NodeView n1 = plan(c).nodeView("n1").orElseThrow();
        assertEquals(List.of("10.244.1.10:8080"), http(n1).clusterEndpoints().stream().map(PlanEndpoint::hostPort).toList());
        // when the only ready pod goes, the serving terminating one takes over
        Cluster c2 = cluster(List.of(pod("a", 1, false, false, 8080), pod("b", 2, true, true, 8080)),
                List.of(svc("web", "ClusterIP", "Cluster", "Cluster", false, 0)));
        ServicePortPlan s2 = http(plan(c2).nodeView("n1").orElseThrow());
        assertEquals(List.of("10.244.2.11:8080"), s2.clusterEndpoints().stream().map(PlanEndpoint::hostPort).toList());
        assertTrue(s2.hasEndpoints());
        assertAgree(c);
        assertAgree(c2);
    }

    @Test
    void namedTargetPortsResolvePerPod() {
        Cluster c = cluster(List.of(pod("a", 1, true, false, 8080), pod("b", 2, true, false, 9090)),
                List.of(svc("web", "NodePort", "Cluster", "Cluster", false, 0)));
        ServicePortPlan s = http(plan(c).nodeView("n2").orElseThrow());
        assertEquals(List.of("10.244.1.10:8080", "10.244.2.11:9090"), s.clusterEndpoints().stream().map(PlanEndpoint::hostPort).toList());
        assertAgree(c);
    }

    @Test
    void nodePortAddressesThatMatchNoAddressOfANodeOpenNoNodePortThere() {
        ClusterProfile d = ClusterProfile.defaults();
        ClusterProfile p = new ClusterProfile(d.meta(), d.serviceCIDRs(), d.clusterCIDRs(), d.dnsDomain(), List.of(),
                new ClusterProfile.Proxy(false, List.of(Cidr.parse("192.168.77.11/32"))), d.ingress());
        Cluster c = new Cluster(p, List.of(), List.of(node("n1", 1), node("n2", 2)), List.of(pod("a", 1, true, false, 8080)),
                List.of(), List.of(svc("web", "NodePort", "Cluster", "Cluster", false, 0)), List.of(), List.of(), List.of(),
                List.of(), List.of());
        NetworkPlan plan = plan(c);
        assertEquals(List.of(IpAddress.parse("192.168.77.11")), plan.nodeView("n1").orElseThrow().nodePortAddresses());
        assertTrue(http(plan.nodeView("n1").orElseThrow()).nodePort() != 0);
        assertEquals(0, http(plan.nodeView("n2").orElseThrow()).nodePort(), "n2 has no allowed address: no node port");
        assertAgree(c);
    }

    @Test
    void randomClustersAgreeWithTheBehaviourTable() {
        Random rnd = new Random(424242);
        for (int round = 0; round < 300; round++) {
            List<Pod> pods = new ArrayList<>();
            int np = rnd.nextInt(5);
            for (int i = 0; i < np; i++) {
                pods.add(pod("p" + i, 1 + rnd.nextInt(2), rnd.nextInt(4) != 0, rnd.nextInt(4) == 0, rnd.nextBoolean() ? 8080 : 9090));
            }
            List<Service> services = new ArrayList<>();
            String[] types = {"ClusterIP", "NodePort", "LoadBalancer"};
            for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
                services.add(svc("s" + i, types[rnd.nextInt(3)], rnd.nextBoolean() ? "Local" : "Cluster",
                        rnd.nextInt(3) == 0 ? "Local" : "Cluster", rnd.nextInt(4) == 0, rnd.nextBoolean() ? 0 : 600));
            }
            List<EndpointSlice> slices = new ArrayList<>();
            if (rnd.nextInt(3) == 0) slices.add(slice("s0", rnd));
            assertAgree(cluster(pods, services, slices));
        }
    }

    static Pod pod(String name, int node, boolean ready, boolean terminating, int httpPort) {
        int idx = Integer.parseInt(name.replaceAll("\\D", "0").isEmpty() ? "0" : "" + (name.hashCode() & 0x3f));
        String ip = "10.244." + node + "." + (name.equals("a") ? 10 : name.equals("b") ? 11 : 20 + idx);
        String ip6 = "fd00:244:0:" + node + "::" + Integer.toHexString(name.equals("a") ? 10 : name.equals("b") ? 11 : 20 + idx);
        return new Pod(ObjectMeta.of("Pod", "ns", name, POS).withLabels(Map.of("app", "web")), "n" + node,
                List.of(IpAddress.parse(ip), IpAddress.parse(ip6)),
                List.of(new ContainerPort("http", httpPort, Protocol.TCP, POS), new ContainerPort("dns", 53, Protocol.UDP, POS)),
                ready, terminating, false, Optional.empty());
    }

    static Service svc(String name, String type, String etp, String itp, boolean publishNotReady, int affinity) {
        Service.Type t = Service.Type.valueOf(type);
        int h = name.hashCode() & 0xff;
        List<ServicePort> ports = List.of(
                new ServicePort("http", Protocol.TCP, 80, PortRef.of("http"), t == Service.Type.ClusterIP ? 0 : 30000 + h, POS),
                new ServicePort("dns", Protocol.UDP, 53, PortRef.of(53), t == Service.Type.ClusterIP ? 0 : 31000 + h, POS));
        return new Service(ObjectMeta.of("Service", "ns", name, POS), t,
                List.of(IpAddress.parse("10.96.0." + (10 + h % 200)), IpAddress.parse("fd00:96::" + Integer.toHexString(10 + h))),
                false, List.of(Family.IPV4, Family.IPV6), Service.IpFamilyPolicy.RequireDualStack, ports, Map.of("app", "web"),
                affinity > 0 ? Service.SessionAffinity.ClientIP : Service.SessionAffinity.None, affinity,
                Service.TrafficPolicy.valueOf(etp), Service.TrafficPolicy.valueOf(itp),
                h % 2 == 0 ? List.of(IpAddress.parse("192.168.77.200")) : List.of(),
                t == Service.Type.LoadBalancer ? List.of(IpAddress.parse("198.51.100." + (h % 250))) : List.of(), List.of(),
                publishNotReady, "", true);
    }

    static EndpointSlice slice(String service, Random rnd) {
        List<EndpointSlice.Endpoint> eps = new ArrayList<>();
        for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
            boolean ready = rnd.nextBoolean();
            eps.add(new EndpointSlice.Endpoint(List.of(IpAddress.parse("192.168.50." + (10 + i))), ready, ready || rnd.nextBoolean(),
                    !ready && rnd.nextBoolean(), rnd.nextBoolean() ? "n1" : "", "", POS));
        }
        return new EndpointSlice(ObjectMeta.of("EndpointSlice", "ns", service + "-x", POS), service, Family.IPV4, eps,
                List.of(new EndpointSlice.EndpointPort("http", Protocol.TCP, 443)));
    }

    static Cluster cluster(List<Pod> pods, List<Service> services) {
        return cluster(pods, services, List.of());
    }

    static Cluster cluster(List<Pod> pods, List<Service> services, List<EndpointSlice> slices) {
        // services with colliding generated cluster IPs are fine here: each is its own frontend key
        return new Cluster(ClusterProfile.defaults(), List.of(), List.of(node("n1", 1), node("n2", 2)), pods, List.of(),
                services, slices, List.of(), List.of(), List.of(), List.of());
    }
}
