package dev.netc.compiler.passes;

import static dev.netc.compiler.passes.EndpointsTest.cluster;
import static dev.netc.compiler.passes.EndpointsTest.cport;
import static dev.netc.compiler.passes.EndpointsTest.ep;
import static dev.netc.compiler.passes.EndpointsTest.node;
import static dev.netc.compiler.passes.EndpointsTest.pod;
import static dev.netc.compiler.passes.EndpointsTest.readyPod;
import static dev.netc.compiler.passes.EndpointsTest.slice;
import static dev.netc.compiler.passes.EndpointsTest.sport;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.passes.EndpointsTest.Svc;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The services pass on hand-built models: per-node frontends and kube-proxy's choice of endpoints. */
class ServicesTest {
    static NetworkPlan plan(Cluster c) {
        Diagnostics d = new Diagnostics();
        NetworkPlan p = new Services().apply(new Endpoints().apply(c, d), d);
        assertFalse(d.hasErrors(), () -> d.sorted().toString());
        return p;
    }

    static ServicePortPlan port(NetworkPlan p, String node, String service, String portName, Family f) {
        return p.nodeView(node).orElseThrow().services().stream()
                .filter(s -> s.serviceName().equals(service) && s.portName().equals(portName) && s.family() == f)
                .findFirst().orElseThrow(() -> new AssertionError("no " + service + ":" + portName + " " + f + " on " + node));
    }

    static ServicePortPlan web(NetworkPlan p, String node) {
        return port(p, node, "web", "http", Family.IPV4);
    }

    static List<String> hostPorts(List<PlanEndpoint> eps) {
        return eps.stream().map(PlanEndpoint::hostPort).toList();
    }

    static ClusterProfile profile(boolean masqueradeAll, List<String> clusterCIDRs, List<String> nodePortAddresses) {
        ClusterProfile d = ClusterProfile.defaults();
        return new ClusterProfile(d.meta(), d.serviceCIDRs(), clusterCIDRs.stream().map(Cidr::parse).toList(), d.dnsDomain(),
                List.of(), new ClusterProfile.Proxy(masqueradeAll, nodePortAddresses.stream().map(Cidr::parse).toList()), d.ingress());
    }

    @Test
    void oneNodePlanPerNodeSortedByNameCarryingTheProfile() {
        Cluster c = cluster(profile(true, List.of("10.244.0.0/16", "fd00:244::/56"), List.of()),
                List.of(node("zeta", "192.168.77.13"), node("alpha", "192.168.77.11"), node("mid", "192.168.77.12")),
                List.of(readyPod("a", "alpha", "10.244.1.10")), List.of(new Svc("web").build()), List.of());
        NetworkPlan p = plan(c);
        assertEquals(List.of("alpha", "mid", "zeta"), p.views().stream().map(NodeView::name).toList());
        for (NodeView n : p.views()) {
            assertTrue(n.masqueradeAll());
            assertEquals(List.of(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:244::/56")), n.clusterCIDRs());
            assertEquals(List.of(), n.nodePortAddresses(), "no nodePortAddresses option: every local address");
            assertEquals(1, n.services().size());
        }
    }

    @Test
    void frontendsOfAServicePort() {
        Service s = new Svc("web").type(Service.Type.LoadBalancer).ips("10.96.0.10", "fd00:96::10")
                .ports(sport("http", Protocol.TCP, 80, PortRef.of(8080), 30080), sport("dns", Protocol.UDP, 53, PortRef.of(53), 30053))
                .externalIPs("192.168.77.200", "fd00:77::200")
                .lb(List.of("198.51.100.7", "2001:db8::7"), List.of("203.0.113.0/24", "2001:db8:1::/48")).affinity(600).build();
        Cluster c = cluster(List.of(pod("ns", "a", "n1", Map.of("app", "web"), List.of("10.244.1.10", "fd00:244::10"), List.of(),
                "ready")), List.of(s), List.of());
        NetworkPlan p = plan(c);
        // one entry per (port, family), sorted by port name then family
        assertEquals(List.of("dns/UDP/IPV4", "dns/UDP/IPV6", "http/TCP/IPV4", "http/TCP/IPV6"), p.nodeView("n1").orElseThrow().services()
                .stream().map(x -> x.portName() + "/" + x.protocol() + "/" + x.family()).toList());
        ServicePortPlan v4 = web(p, "n1");
        assertEquals(Optional.of(IpAddress.parse("10.96.0.10")), v4.clusterIP());
        assertEquals(80, v4.port());
        assertEquals(30080, v4.nodePort());
        assertEquals(List.of(IpAddress.parse("192.168.77.200")), v4.externalIPs());
        assertEquals(List.of(IpAddress.parse("198.51.100.7")), v4.loadBalancerIPs());
        assertEquals(List.of(Cidr.parse("203.0.113.0/24")), v4.loadBalancerSourceRanges());
        assertEquals(600, v4.affinitySeconds());
        assertEquals("ns/web:http", v4.servicePortName());
        ServicePortPlan v6 = port(p, "n1", "web", "http", Family.IPV6);
        assertEquals(Optional.of(IpAddress.parse("fd00:96::10")), v6.clusterIP());
        assertEquals(List.of(IpAddress.parse("fd00:77::200")), v6.externalIPs());
        assertEquals(List.of(IpAddress.parse("2001:db8::7")), v6.loadBalancerIPs());
        assertEquals(List.of(Cidr.parse("2001:db8:1::/48")), v6.loadBalancerSourceRanges());
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(v4.clusterEndpoints()));
        assertEquals(List.of("[fd00:244::10]:8080"), hostPorts(v6.clusterEndpoints()));
        assertEquals(List.of("10.244.1.10:53"), hostPorts(port(p, "n1", "web", "dns", Family.IPV4).clusterEndpoints()));
    }

    @Test
    void headlessAndExternalNameServicesHaveNoFrontends() {
        Service headless = new Svc("db").headless().build();
        Service ext = new Service(dev.netc.ir.model.ObjectMeta.of("Service", "ns", "ext", EndpointsTest.POS),
                Service.Type.ExternalName, List.of(), false, List.of(), Service.IpFamilyPolicy.SingleStack,
                List.of(sport("http", Protocol.TCP, 80, PortRef.of(80), 0)), Map.of(), Service.SessionAffinity.None, 0,
                Service.TrafficPolicy.Cluster, Service.TrafficPolicy.Cluster, List.of(), List.of(), List.of(), false,
                "example.com", true);
        NetworkPlan p = plan(cluster(List.of(readyPod("a", "n1", "10.244.1.10")), List.of(headless, ext, new Svc("web").build()),
                List.of()));
        assertEquals(List.of("web"), p.nodeView("n1").orElseThrow().services().stream().map(ServicePortPlan::serviceName).toList());
        assertEquals(1, p.endpointSlices().stream().filter(s -> s.serviceName().equals("db")).count(),
                "headless Services still have endpoints (DNS uses them)");
    }

    @Test
    void notReadyEndpointsAreLeftOutAndTerminatingOnesAreOnlyAFallback() {
        List<Pod> pods = List.of(
                readyPod("a", "n1", "10.244.1.10"),
                pod("ns", "b", "n1", Map.of("app", "web"), List.of("10.244.1.11"), List.of()),
                pod("ns", "c", "n2", Map.of("app", "web"), List.of("10.244.2.12"), List.of(), "ready", "terminating"));
        ServicePortPlan s = web(plan(cluster(pods, List.of(new Svc("web").build()), List.of())), "n1");
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(s.clusterEndpoints()));
        assertTrue(s.hasEndpoints());

        // the ready pod goes: the serving terminating one takes over; the unready one never does
        List<Pod> leaving = List.of(pods.get(1), pods.get(2));
        ServicePortPlan t = web(plan(cluster(leaving, List.of(new Svc("web").build()), List.of())), "n1");
        assertEquals(List.of("10.244.2.12:8080"), hostPorts(t.clusterEndpoints()));
        assertTrue(t.hasEndpoints());

        // terminating and no longer serving: nothing usable anywhere
        List<Pod> none = List.of(pods.get(1), pod("ns", "c", "n2", Map.of("app", "web"), List.of("10.244.2.12"), List.of(), "terminating"));
        ServicePortPlan u = web(plan(cluster(none, List.of(new Svc("web").build()), List.of())), "n1");
        assertEquals(List.of(), u.clusterEndpoints());
        assertFalse(u.hasEndpoints());
    }

    @Test
    void localFallbackIsJudgedAmongTheNodesOwnEndpoints() {
        // n1 has only a serving terminating endpoint while n2 has a ready one: kube-proxy's Local policy on n1 uses
        // the terminating local one, the Cluster policy uses the ready one
        List<Pod> pods = List.of(
                pod("ns", "old", "n1", Map.of("app", "web"), List.of("10.244.1.10"), List.of(), "ready", "terminating"),
                readyPod("new", "n2", "10.244.2.10"));
        NetworkPlan p = plan(cluster(pods, List.of(new Svc("web").itpLocal().build()), List.of()));
        ServicePortPlan n1 = web(p, "n1");
        assertEquals(List.of("10.244.2.10:8080"), hostPorts(n1.clusterEndpoints()));
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(n1.localEndpoints()));
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(n1.internalEndpoints()));
        ServicePortPlan n2 = web(p, "n2");
        assertEquals(List.of("10.244.2.10:8080"), hostPorts(n2.localEndpoints()));
    }

    @Test
    void internalTrafficPolicyLocalPerNode() {
        List<Pod> pods = List.of(readyPod("a", "n1", "10.244.1.10"), readyPod("b", "n1", "10.244.1.11"));
        NetworkPlan p = plan(cluster(pods, List.of(new Svc("web").itpLocal().build()), List.of()));
        ServicePortPlan n1 = web(p, "n1");
        ServicePortPlan n2 = web(p, "n2");
        assertTrue(n1.internalLocal());
        assertEquals(List.of("10.244.1.10:8080", "10.244.1.11:8080"), hostPorts(n1.internalEndpoints()));
        assertTrue(n1.localEndpoints().stream().allMatch(PlanEndpoint::local));
        assertEquals(List.of(), n2.internalEndpoints(), "n2 has no endpoint of its own");
        assertTrue(n2.hasEndpoints(), "but the Service has endpoints: n2 drops instead of rejecting");
        assertEquals(List.of("10.244.1.10:8080", "10.244.1.11:8080"), hostPorts(n2.clusterEndpoints()));
        assertTrue(n2.clusterEndpoints().stream().noneMatch(PlanEndpoint::local));
    }

    @Test
    void externalTrafficPolicyLocalAppliesOnlyToExternallyReachableServices() {
        List<Pod> pods = List.of(readyPod("a", "n1", "10.244.1.10"));
        Service internalOnly = new Svc("internal").etpLocal().build();
        Service nodePort = new Svc("web").type(Service.Type.NodePort).ports(sport("http", Protocol.TCP, 80, PortRef.of(8080), 30080))
                .etpLocal().build();
        Service viaExternalIP = new Svc("eip").externalIPs("192.168.77.200").etpLocal().build();
        NetworkPlan p = plan(cluster(pods, List.of(internalOnly, nodePort, viaExternalIP), List.of()));
        assertFalse(port(p, "n1", "internal", "http", Family.IPV4).externalLocal(), "a ClusterIP Service is not external");
        assertTrue(port(p, "n1", "eip", "http", Family.IPV4).externalLocal());
        ServicePortPlan n1 = web(p, "n1");
        ServicePortPlan n2 = web(p, "n2");
        assertTrue(n1.externalLocal());
        assertFalse(n1.internalLocal());
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(n1.externalEndpoints()));
        assertEquals(List.of(), n2.externalEndpoints(), "n2 has no local endpoint for external traffic");
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(n2.internalEndpoints()), "the cluster IP still reaches it");
        assertTrue(n2.hasEndpoints());
    }

    @Test
    void dualStackServicesGetOneEntryPerFamilyAndSingleStackOnlyTheirs() {
        List<Pod> pods = List.of(pod("ns", "a", "n1", Map.of("app", "web"), List.of("10.244.1.10", "fd00:244::a"), List.of(), "ready"));
        NetworkPlan p = plan(cluster(pods, List.of(new Svc("web").ips("10.96.0.10", "fd00:96::10").build(),
                new Svc("v6").ips("fd00:96::11").build()), List.of()));
        NodeView n1 = p.nodeView("n1").orElseThrow();
        assertEquals(List.of("v6"), n1.services(Family.IPV6).stream().map(ServicePortPlan::serviceName).filter(x -> x.equals("v6")).toList());
        assertEquals(List.of("web"), n1.services(Family.IPV4).stream().map(ServicePortPlan::serviceName).toList());
        assertEquals(List.of("[fd00:244::a]:8080"), hostPorts(port(p, "n1", "web", "http", Family.IPV6).clusterEndpoints()));
        assertEquals(List.of("[fd00:244::a]:8080"), hostPorts(port(p, "n1", "v6", "http", Family.IPV6).clusterEndpoints()));
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(web(p, "n1").clusterEndpoints()));
    }

    @Test
    void selectorlessServicesReadTheirSlicesByPortNameAndProtocol() {
        Service db = new Svc("db").selector(Map.of()).ports(sport("pg", Protocol.TCP, 5432, PortRef.of(5432), 0),
                sport("", Protocol.UDP, 53, PortRef.of(53), 0)).build();
        EndpointSlice s1 = slice("ns", "db-1", "db", Family.IPV4, List.of(ep("192.168.50.10", "n1", true, true, false),
                        ep("192.168.50.11", "", false, false, false)),
                new EndpointSlice.EndpointPort("pg", Protocol.TCP, 15432),
                new EndpointSlice.EndpointPort("", Protocol.UDP, 1053),
                new EndpointSlice.EndpointPort("pg", Protocol.UDP, 9999));
        // a port named differently serves no Service port
        EndpointSlice s2 = slice("ns", "db-2", "db", Family.IPV4, List.of(ep("192.168.50.12", "", true, true, false)),
                new EndpointSlice.EndpointPort("postgres", Protocol.TCP, 5432));
        NetworkPlan p = plan(cluster(List.of(), List.of(db), List.of(s1, s2)));
        ServicePortPlan pg = port(p, "n1", "db", "pg", Family.IPV4);
        assertEquals(List.of("192.168.50.10:15432"), hostPorts(pg.clusterEndpoints()));
        assertTrue(pg.clusterEndpoints().get(0).local());
        assertFalse(port(p, "n2", "db", "pg", Family.IPV4).clusterEndpoints().get(0).local());
        assertEquals(List.of("192.168.50.10:1053"), hostPorts(port(p, "n1", "db", "", Family.IPV4).clusterEndpoints()));
        assertEquals("ns/db", port(p, "n1", "db", "", Family.IPV4).servicePortName(), "an unnamed port has no suffix");
    }

    @Test
    void anEndpointListedTwiceCountsOnceAndOnlyItsFirstAddressIsUsed() {
        Service db = new Svc("db").selector(Map.of()).ports(sport("pg", Protocol.TCP, 5432, PortRef.of(5432), 0)).build();
        EndpointSlice.EndpointPort pg = new EndpointSlice.EndpointPort("pg", Protocol.TCP, 5432);
        EndpointSlice a = slice("ns", "db-a", "db", Family.IPV4, List.of(ep("192.168.50.10", "n2", true, true, false),
                new EndpointSlice.Endpoint(List.of(IpAddress.parse("192.168.50.20"), IpAddress.parse("192.168.50.21")), true, true, false,
                        "", "", EndpointsTest.POS)), pg);
        EndpointSlice b = slice("ns", "db-b", "db", Family.IPV4, List.of(ep("192.168.50.10", "n1", true, true, false)), pg);
        NetworkPlan p = plan(cluster(List.of(), List.of(db), List.of(a, b)));
        ServicePortPlan n1 = port(p, "n1", "db", "pg", Family.IPV4);
        assertEquals(List.of("192.168.50.10:5432", "192.168.50.20:5432"), hostPorts(n1.clusterEndpoints()));
        assertTrue(n1.clusterEndpoints().get(0).local(), "the local copy of a duplicate is preferred");
        ServicePortPlan n2 = port(p, "n2", "db", "pg", Family.IPV4);
        assertTrue(n2.clusterEndpoints().get(0).local());
    }

    @Test
    void nodePortAddressesPerFamily() {
        Service s = new Svc("web").type(Service.Type.NodePort).ips("10.96.0.10", "fd00:96::10")
                .ports(sport("http", Protocol.TCP, 80, PortRef.of(8080), 30080)).build();
        List<Pod> pods = List.of(readyPod("a", "n1", "10.244.1.10"));
        List<Node> nodes = List.of(node("n1", "192.168.77.11", "10.0.0.11", "fd00:77::11"),
                node("n2", "10.0.0.12", "fd00:77::12"));

        // IPv4 CIDR given: n1 opens its matching address, n2 has none in it and opens no IPv4 node port;
        // IPv6 has no CIDR: every local address
        NetworkPlan p = plan(cluster(profile(false, List.of("10.244.0.0/16"), List.of("192.168.77.0/24")), nodes, pods, List.of(s),
                List.of()));
        NodeView n1 = p.nodeView("n1").orElseThrow();
        assertEquals(List.of(IpAddress.parse("192.168.77.11")), n1.nodePortAddresses());
        assertEquals(30080, port(p, "n1", "web", "http", Family.IPV4).nodePort());
        assertEquals(30080, port(p, "n1", "web", "http", Family.IPV6).nodePort());
        assertEquals(List.of(), p.nodeView("n2").orElseThrow().nodePortAddresses());
        assertEquals(0, port(p, "n2", "web", "http", Family.IPV4).nodePort());
        assertFalse(port(p, "n2", "web", "http", Family.IPV4).externallyAccessible());
        assertEquals(30080, port(p, "n2", "web", "http", Family.IPV6).nodePort());

        // a /0 means every address of the family, as kube-proxy reads it; loopback is never a node-port address
        NetworkPlan all = plan(cluster(profile(false, List.of(), List.of("0.0.0.0/0", "127.0.0.0/8", "fd00:77::/64")), nodes, pods,
                List.of(s), List.of()));
        assertEquals(List.of(IpAddress.parse("fd00:77::11")), all.nodeView("n1").orElseThrow().nodePortAddresses());
        assertEquals(30080, port(all, "n2", "web", "http", Family.IPV4).nodePort());
        NetworkPlan loop = plan(cluster(profile(false, List.of(), List.of("127.0.0.0/8")),
                List.of(node("n1", "127.0.0.1", "192.168.77.11")), pods, List.of(s), List.of()));
        assertEquals(List.of(), loop.nodeView("n1").orElseThrow().nodePortAddresses());
        assertEquals(0, port(loop, "n1", "web", "http", Family.IPV4).nodePort(), "localhost node ports are not opened");
    }

    @Test
    void namedPortsThatDifferPerPodGiveEachEndpointItsOwnPort() {
        ServicePort http = sport("http", Protocol.TCP, 80, PortRef.of("web"), 0);
        List<Pod> pods = List.of(readyPod("a", "n1", "10.244.1.10", cport("web", 8080, Protocol.TCP)),
                readyPod("b", "n2", "10.244.2.10", cport("web", 9090, Protocol.TCP)),
                readyPod("c", "n2", "10.244.2.11"));
        ServicePortPlan s = web(plan(cluster(pods, List.of(new Svc("web").ports(http).build()), List.of())), "n1");
        assertEquals(List.of("10.244.1.10:8080", "10.244.2.10:9090"), hostPorts(s.clusterEndpoints()));
    }

    @Test
    void publishNotReadyAddressesMakesUnreadyPodsUsable() {
        List<Pod> pods = List.of(pod("ns", "a", "n1", Map.of("app", "web"), List.of("10.244.1.10"), List.of()));
        assertFalse(web(plan(cluster(pods, List.of(new Svc("web").build()), List.of())), "n1").hasEndpoints());
        ServicePortPlan s = web(plan(cluster(pods, List.of(new Svc("web").publishNotReady().build()), List.of())), "n1");
        assertEquals(List.of("10.244.1.10:8080"), hostPorts(s.clusterEndpoints()));
    }

    /**
     * The Service table is computed once, and a node keeps only its own endpoints: the entries of all nodes together
     * hold at most as many endpoints as the slices do, however many nodes and Services there are (was one full
     * Service table per node: nodes x Services entries).
     */
    @Test
    void theNodesOwnPartsTogetherHoldAtMostTheEndpoints() {
        List<Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) nodes.add(node("n" + i, "192.168.77." + (10 + i)));
        List<Pod> pods = new java.util.ArrayList<>();
        List<Service> services = new java.util.ArrayList<>();
        for (int s = 0; s < 40; s++) {
            services.add(new Svc("web" + s).selector(Map.of("app", "web" + s)).ips("10.96.1." + (10 + s)).build());
            for (int p = 0; p < 2; p++) {
                pods.add(pod("ns", "web" + s + "-" + p, "n" + ((s * 2 + p) % 30), Map.of("app", "web" + s),
                        List.of("10.244." + (s * 2 + p) / 200 + "." + (10 + (s * 2 + p) % 200)), List.of(), "ready"));
            }
        }
        NetworkPlan p = plan(cluster(ClusterProfile.defaults(), nodes, pods, services, List.of()));
        assertEquals(40, p.services().size(), "one shared entry per Service port");
        assertTrue(p.services().stream().allMatch(s -> s.localEndpoints().isEmpty()), "the shared table holds no node's endpoints");
        int own = p.nodes().stream().mapToInt(n -> n.local().stream().mapToInt(l -> l.endpoints().size()).sum()).sum();
        assertEquals(80, own, "each endpoint is its node's, once");
        // the old whole view is still there on demand, and agrees
        ServicePortPlan seen = p.nodeView("n0").orElseThrow().services().stream().filter(x -> x.serviceName().equals("web0"))
                .findFirst().orElseThrow();
        assertEquals(2, seen.clusterEndpoints().size());
        assertEquals(1, seen.localEndpoints().size());
    }
}
