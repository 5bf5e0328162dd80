package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PodTemplate;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AllocateTest {
    static final SourcePos POS = new SourcePos("t.yaml", 1, 1);

    static ObjectMeta meta(String kind, String ns, String name) {
        return ObjectMeta.of(kind, ns, name, POS);
    }

    static ClusterProfile profile(List<String> serviceCidrs, List<Node> nodes) {
        ClusterProfile d = ClusterProfile.defaults();
        return new ClusterProfile(d.meta(), serviceCidrs.stream().map(Cidr::parse).toList(),
                List.of(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:244::/56")), "cluster.local", nodes, d.proxy(),
                d.ingress());
    }

    static Node node(String name, String... podCidrs) {
        return new Node(meta("Node", "", name), List.of(), List.of(podCidrs).stream().map(Cidr::parse).toList());
    }

    static Service service(String ns, String name, Service.Type type, List<String> ips, int nodePort) {
        return new Service(meta("Service", ns, name), type, ips.stream().map(IpAddress::parse).toList(), false, List.of(),
                Service.IpFamilyPolicy.SingleStack,
                List.of(new ServicePort("http", Protocol.TCP, 80, PortRef.of(8080), nodePort, POS)), Map.of("app", name),
                Service.SessionAffinity.None, 0, Service.TrafficPolicy.Cluster, Service.TrafficPolicy.Cluster,
                List.of(), List.of(), List.of(), false, "", true);
    }

    static Cluster cluster(ClusterProfile p, List<Node> nodes, List<Pod> pods, List<Workload> workloads,
                           List<Service> services) {
        return new Cluster(p, List.of(), nodes, pods, workloads, services, List.of(), List.of(), List.of(), List.of(),
                List.of());
    }

    static Cluster run(Cluster c, Diagnostics d) {
        return new Allocate().apply(new ResolveNodes().apply(c, d), d);
    }

    @Test
    void clusterIpsComeFromTheServiceCidrAndAreUniqueAndStable() {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 253; i++) services.add(service("ns", "svc" + i, Service.Type.ClusterIP, List.of(), 0));
        Diagnostics d = new Diagnostics();
        ClusterProfile p = profile(List.of("10.96.0.0/24"), List.of());
        Cluster out = run(cluster(p, List.of(), List.of(), List.of(), services), d);
        assertFalse(d.hasErrors(), d.sorted().toString());
        Set<IpAddress> seen = new HashSet<>();
        Cidr range = Cidr.parse("10.96.0.0/24");
        for (Service s : out.services()) {
            IpAddress ip = s.clusterIPs().get(0);
            assertTrue(range.contains(ip), ip.toString());
            assertFalse(ip.equals(range.network()) || ip.equals(range.last()) || ip.text().equals("10.96.0.1"), ip.toString());
            assertTrue(seen.add(ip), "duplicate " + ip);
        }
        // in a range that is far from full, removing services moves none of the others
        Map<String, IpAddress> full = ips(out);
        List<Service> fewer = services.stream().filter(s -> !s.name().endsWith("7")).toList();
        Map<String, IpAddress> rest = ips(run(cluster(profile(List.of("10.96.0.0/16"), List.of()), List.of(), List.of(),
                List.of(), fewer), new Diagnostics()));
        Map<String, IpAddress> again = ips(run(cluster(profile(List.of("10.96.0.0/16"), List.of()), List.of(), List.of(),
                List.of(), services), new Diagnostics()));
        rest.forEach((k, v) -> assertEquals(again.get(k), v, k));
        assertEquals(253, full.size(), "a /24 holds 253 services: all of it but .0, .1 and .255");
    }

    @Test
    void liveValuesWinAndAreNeverHandedOutTwice() {
        Service live = service("ns", "live", Service.Type.NodePort, List.of("10.96.0.77"), 30080);
        List<Service> services = new ArrayList<>(List.of(live));
        for (int i = 0; i < 250; i++) services.add(service("ns", "s" + i, Service.Type.NodePort, List.of(), 0));
        Diagnostics d = new Diagnostics();
        Cluster out = run(cluster(profile(List.of("10.96.0.0/24"), List.of()), List.of(), List.of(), List.of(), services), d);
        assertFalse(d.hasErrors(), d.sorted().toString());
        Service l = out.service("ns", "live").orElseThrow();
        assertEquals(List.of(IpAddress.parse("10.96.0.77")), l.clusterIPs());
        assertEquals(30080, l.ports().get(0).nodePort());
        Set<Integer> ports = new HashSet<>();
        Set<IpAddress> ips = new HashSet<>();
        for (Service s : out.services()) {
            int np = s.ports().get(0).nodePort();
            assertTrue(np >= 30000 && np <= 32767, "" + np);
            assertTrue(ports.add(np), "duplicate node port " + np);
            assertTrue(ips.add(s.clusterIPs().get(0)), "duplicate IP");
        }
    }

    @Test
    void exhaustedServiceRangeIsADiagnostic() {
        List<Service> services = new ArrayList<>();
        for (int i = 0; i < 6; i++) services.add(service("ns", "s" + i, Service.Type.ClusterIP, List.of(), 0));
        Diagnostics d = new Diagnostics();
        run(cluster(profile(List.of("10.96.0.0/29"), List.of()), List.of(), List.of(), List.of(), services), d);
        assertTrue(d.sorted().stream().anyMatch(x -> x.code() == DiagnosticCode.NETC028), d.sorted().toString());
    }

    @Test
    void dualStackServicesGetOneAddressPerFamily() {
        Service s = service("ns", "single", Service.Type.ClusterIP, List.of(), 0);
        Service dual = new Service(meta("Service", "ns", "dual"), s.type(), List.of(), false, List.of(), Service.IpFamilyPolicy.PreferDualStack,
                s.ports(), s.selector(), s.sessionAffinity(), 0, s.externalTrafficPolicy(), s.internalTrafficPolicy(),
                List.of(), List.of(), List.of(), false, "", true);
        Cluster out = run(cluster(profile(List.of("10.96.0.0/16", "fd00:96::/108"), List.of()), List.of(), List.of(),
                List.of(), List.of(dual, s)), new Diagnostics());
        assertEquals(List.of(Family.IPV4, Family.IPV6),
                out.service("ns", "dual").orElseThrow().clusterIPs().stream().map(IpAddress::family).toList());
        assertEquals(1, out.service("ns", "single").orElseThrow().clusterIPs().size(), "SingleStack gets one address");
    }

    @Test
    void workloadReplicasArePlacedSpreadAndAddressedFromTheirNodesCidr() {
        Node n1 = node("n1", "10.244.1.0/24");
        Node n2 = node("n2", "10.244.2.0/24");
        PodTemplate t = new PodTemplate(Map.of("app", "web"), "", Map.of(),
                List.of(new ContainerPort("http", 8080, Protocol.TCP, POS)), false);
        Workload deploy = new Workload(meta("Deployment", "shop", "web"), Workload.Kind.Deployment, 4,
                LabelSelector.ofLabels(Map.of("app", "web")), t);
        Workload ds = new Workload(meta("DaemonSet", "ops", "agent"), Workload.Kind.DaemonSet, 0,
                LabelSelector.ofLabels(Map.of("app", "web")), t);
        Diagnostics d = new Diagnostics();
        Cluster out = run(cluster(profile(List.of("10.96.0.0/16"), List.of(n1, n2)), List.of(), List.of(),
                List.of(deploy, ds), List.of()), d);
        assertFalse(d.hasErrors(), d.sorted().toString());
        Map<String, Integer> perNode = new TreeMap<>();
        for (Pod p : out.pods()) {
            Node n = out.node(p.nodeName()).orElseThrow();
            assertEquals(1, p.ips().size());
            assertTrue(n.podCIDRs().get(0).contains(p.ips().get(0)), p + " on " + n);
            perNode.merge(p.meta().namespace() + "@" + p.nodeName(), 1, Integer::sum);
            assertEquals(Optional.of(p.meta().namespace().equals("shop") ? "Deployment/web" : "DaemonSet/agent"), p.owner());
        }
        assertEquals(Map.of("ops@n1", 1, "ops@n2", 1, "shop@n1", 2, "shop@n2", 2), perNode);
    }

    @Test
    void livePodsStandForTheirWorkload() {
        Node n1 = node("n1", "10.244.1.0/24");
        PodTemplate t = new PodTemplate(Map.of("app", "web"), "", Map.of(), List.of(), false);
        Workload deploy = new Workload(meta("Deployment", "shop", "web"), Workload.Kind.Deployment, 3,
                LabelSelector.ofLabels(Map.of("app", "web")), t);
        // Its own pod: named by an ownerReference to one of its ReplicaSets.
        Pod live = new Pod(meta("Pod", "shop", "web-abc").withLabels(Map.of("app", "web")), "n1",
                List.of(IpAddress.parse("10.244.1.9")), List.of(), true, false, false, Optional.empty(),
                dev.netc.ir.model.Scheduling.ANY, List.of("ReplicaSet/web-7d9c8b6f5"));
        Cluster out = run(cluster(profile(List.of("10.96.0.0/16"), List.of(n1)), List.of(), List.of(live), List.of(deploy),
                List.of()), new Diagnostics());
        assertEquals(List.of("web-abc"), out.pods().stream().map(p -> p.meta().name()).toList());
        assertEquals(List.of(IpAddress.parse("10.244.1.9")), out.pods().get(0).ips());
        // A pod whose labels merely match (no ownerReference, no pod-template-hash): the replicas are made too.
        Pod stray = new Pod(meta("Pod", "shop", "web-abc").withLabels(Map.of("app", "web")), "n1",
                List.of(IpAddress.parse("10.244.1.9")), List.of(), true, false, false, Optional.empty());
        out = run(cluster(profile(List.of("10.96.0.0/16"), List.of(n1)), List.of(), List.of(stray), List.of(deploy),
                List.of()), new Diagnostics());
        assertEquals(List.of("web-0", "web-1", "web-2", "web-abc"), out.pods().stream().map(p -> p.meta().name())
                .sorted().toList());
    }

    @Test
    void nodesWithoutPodCidrsGetDisjointOnes() {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c", "10.244.7.0/24");
        Cluster out = run(cluster(profile(List.of("10.96.0.0/16"), List.of()), List.of(a, b, c), List.of(), List.of(),
                List.of()), new Diagnostics());
        List<Cidr> all = out.nodes().stream().flatMap(n -> n.podCIDRs().stream()).toList();
        assertEquals(5, all.size(), all.toString()); // a and b: one per family; c keeps its own
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) assertFalse(all.get(i).overlaps(all.get(j)), all.toString());
        }
        assertEquals(List.of(Cidr.parse("10.244.7.0/24")), out.node("c").orElseThrow().podCIDRs());
    }

    @Test
    void withoutAnyNodeThereIsOneDefaultNode() {
        Cluster out = run(cluster(profile(List.of("10.96.0.0/16"), List.of()), List.of(), List.of(), List.of(),
                List.of()), new Diagnostics());
        assertEquals(List.of("node-1"), out.nodes().stream().map(Node::name).toList());
    }

    private static Map<String, IpAddress> ips(Cluster c) {
        Map<String, IpAddress> m = new TreeMap<>();
        c.services().forEach(s -> m.put(s.name(), s.clusterIPs().get(0)));
        return m;
    }
}
