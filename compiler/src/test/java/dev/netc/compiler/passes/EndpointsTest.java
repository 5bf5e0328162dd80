package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The endpoints pass on hand-built models: the EndpointSlice controller's choices, and given slices. */
class EndpointsTest {
    static final SourcePos POS = new SourcePos("t.yaml", 1, 1);

    // ---- fixtures shared with ServicesTest -------------------------------------------------------------------

    static Node node(String name, String... addresses) {
        return new Node(ObjectMeta.of("Node", "", name, POS), java.util.Arrays.stream(addresses).map(IpAddress::parse).toList(),
                List.of());
    }

    static ContainerPort cport(String name, int port, Protocol p) {
        return new ContainerPort(name, port, p, POS);
    }

    /** A pod; {@code state} is any of "ready", "terminating", "hostNetwork" (absent = false). */
    static Pod pod(String ns, String name, String node, Map<String, String> labels, List<String> ips, List<ContainerPort> ports,
                   String... state) {
        List<String> st = List.of(state);
        return new Pod(ObjectMeta.of("Pod", ns, name, POS).withLabels(labels), node, ips.stream().map(IpAddress::parse).toList(),
                ports, st.contains("ready"), st.contains("terminating"), st.contains("hostNetwork"), Optional.empty());
    }

    static Pod readyPod(String name, String node, String ip, ContainerPort... ports) {
        return pod("ns", name, node, Map.of("app", "web"), List.of(ip), List.of(ports), "ready");
    }

    static ServicePort sport(String name, Protocol p, int port, PortRef target, int nodePort) {
        return new ServicePort(name, p, port, target, nodePort, POS);
    }

    /** A Service builder with the API server's defaults: ClusterIP, selector app=web in namespace ns. */
    static final class Svc {
        String ns = "ns";
        String name;
        Service.Type type = Service.Type.ClusterIP;
        List<String> clusterIPs = List.of("10.96.0.10");
        boolean headless;
        List<ServicePort> ports = List.of(sport("http", Protocol.TCP, 80, PortRef.of(8080), 0));
        Map<String, String> selector = Map.of("app", "web");
        int affinity;
        Service.TrafficPolicy etp = Service.TrafficPolicy.Cluster;
        Service.TrafficPolicy itp = Service.TrafficPolicy.Cluster;
        List<String> externalIPs = List.of();
        List<String> lbIPs = List.of();
        List<String> sourceRanges = List.of();
        boolean publishNotReady;
        boolean allocateLbNodePorts = true;

        Svc(String name) {
            this.name = name;
        }

        Svc type(Service.Type t) {
            type = t;
            return this;
        }

        Svc ips(String... ips) {
            clusterIPs = List.of(ips);
            return this;
        }

        Svc headless() {
            headless = true;
            clusterIPs = List.of();
            return this;
        }

        Svc ports(ServicePort... p) {
            ports = List.of(p);
            return this;
        }

        Svc selector(Map<String, String> s) {
            selector = s;
            return this;
        }

        Svc ns(String n) {
            ns = n;
            return this;
        }

        Svc affinity(int seconds) {
            affinity = seconds;
            return this;
        }

        Svc etpLocal() {
            etp = Service.TrafficPolicy.Local;
            return this;
        }

        Svc itpLocal() {
            itp = Service.TrafficPolicy.Local;
            return this;
        }

        Svc externalIPs(String... a) {
            externalIPs = List.of(a);
            return this;
        }

        Svc lb(List<String> ips, List<String> ranges) {
            lbIPs = ips;
            sourceRanges = ranges;
            return this;
        }

        Svc publishNotReady() {
            publishNotReady = true;
            return this;
        }

        Service build() {
            List<IpAddress> cips = clusterIPs.stream().map(IpAddress::parse).toList();
            return new Service(ObjectMeta.of("Service", ns, name, POS), type, cips, headless,
                    cips.stream().map(IpAddress::family).toList(), Service.IpFamilyPolicy.PreferDualStack, ports, selector,
                    affinity > 0 ? Service.SessionAffinity.ClientIP : Service.SessionAffinity.None, affinity, etp, itp,
                    externalIPs.stream().map(IpAddress::parse).toList(), lbIPs.stream().map(IpAddress::parse).toList(),
                    sourceRanges.stream().map(Cidr::parse).toList(), publishNotReady, "", allocateLbNodePorts);
        }
    }

    static EndpointSlice.Endpoint ep(String ip, String node, boolean ready, boolean serving, boolean terminating) {
        return new EndpointSlice.Endpoint(List.of(IpAddress.parse(ip)), ready, serving, terminating, node, "", POS);
    }

    static EndpointSlice slice(String ns, String name, String service, Family f, List<EndpointSlice.Endpoint> eps,
                               EndpointSlice.EndpointPort... ports) {
        return new EndpointSlice(new ObjectMeta("EndpointSlice", ns, name, Map.of("kubernetes.io/service-name", service), Map.of(),
                POS, Map.of()), service, f, eps, List.of(ports));
    }

    static Cluster cluster(ClusterProfile profile, List<Node> nodes, List<Pod> pods, List<Service> services,
                           List<EndpointSlice> slices) {
        return new Cluster(profile, List.of(), nodes, pods, List.of(), services, slices, List.of(), List.of(), List.of(), List.of());
    }

    static Cluster cluster(List<Pod> pods, List<Service> services, List<EndpointSlice> slices) {
        return cluster(ClusterProfile.defaults(), List.of(node("n1", "192.168.77.11"), node("n2", "192.168.77.12")), pods, services,
                slices);
    }

    static NetworkPlan endpoints(Cluster c) {
        Diagnostics d = new Diagnostics();
        NetworkPlan p = new Endpoints().apply(c, d);
        assertFalse(d.hasErrors(), () -> d.sorted().toString());
        assertTrue(p.nodes().isEmpty(), "the endpoints pass plans no node");
        return p;
    }

    static List<EndpointSlice> slicesOf(NetworkPlan p, String service) {
        return p.endpointSlices().stream().filter(s -> s.serviceName().equals(service)).toList();
    }

    /** "ip ready/serving/terminating" for every endpoint of the slices, sorted. */
    static List<String> conditions(List<EndpointSlice> slices) {
        List<String> out = new ArrayList<>();
        for (EndpointSlice s : slices) {
            for (EndpointSlice.Endpoint e : s.endpoints()) {
                out.add(e.addresses().get(0).text() + " " + (e.ready() ? "R" : "-") + (e.serving() ? "S" : "-")
                        + (e.terminating() ? "T" : "-") + " " + e.nodeName());
            }
        }
        Collections.sort(out);
        return out;
    }

    /** port set ("name/proto=port,...") -> endpoint addresses, over the slices of one family. */
    static Map<String, List<String>> byPortSet(List<EndpointSlice> slices, Family f) {
        Map<String, List<String>> out = new TreeMap<>();
        for (EndpointSlice s : slices) {
            if (s.addressType() != f) continue;
            String key = s.ports().stream().map(p -> p.name() + "/" + p.protocol() + "=" + p.port()).collect(Collectors.joining(","));
            s.endpoints().forEach(e -> out.computeIfAbsent(key, k -> new ArrayList<>()).add(e.addresses().get(0).text()));
        }
        return out;
    }

    // ---- tests -------------------------------------------------------------------------------------------------

    @Test
    void selectorPicksMatchingPodsOfTheServicesNamespaceOnly() {
        Cluster c = cluster(List.of(
                        pod("ns", "a", "n1", Map.of("app", "web"), List.of("10.244.1.10"), List.of(), "ready"),
                        pod("ns", "b", "n2", Map.of("app", "web", "tier", "front"), List.of("10.244.2.10"), List.of(), "ready"),
                        pod("ns", "c", "n1", Map.of("app", "db"), List.of("10.244.1.11"), List.of(), "ready"),
                        pod("ns", "d", "n1", Map.of("tier", "front"), List.of("10.244.1.12"), List.of(), "ready"),
                        pod("other", "e", "n1", Map.of("app", "web"), List.of("10.244.1.13"), List.of(), "ready")),
                List.of(new Svc("web").build(), new Svc("front").selector(Map.of("app", "web", "tier", "front")).build()),
                List.of());
        NetworkPlan p = endpoints(c);
        assertEquals(List.of("10.244.1.10 RS- n1", "10.244.2.10 RS- n2"), conditions(slicesOf(p, "web")));
        assertEquals(List.of("10.244.2.10 RS- n2"), conditions(slicesOf(p, "front")), "every selector label must match");
        EndpointSlice s = slicesOf(p, "web").get(0);
        assertEquals("ns", s.meta().namespace());
        assertEquals("web", s.meta().labels().get("kubernetes.io/service-name"));
        assertEquals(List.of(new EndpointSlice.EndpointPort("http", Protocol.TCP, 8080)), s.ports());
    }

    @Test
    void namedTargetPortsResolvePerPodIntoSeparateSlices() {
        ServicePort http = sport("http", Protocol.TCP, 80, PortRef.of("web"), 0);
        ServicePort metrics = sport("metrics", Protocol.TCP, 9100, PortRef.of(9100), 0);
        ServicePort dns = sport("dns", Protocol.TCP, 53, PortRef.of("dns"), 0);
        Cluster c = cluster(List.of(
                        readyPod("a", "n1", "10.244.1.10", cport("web", 8080, Protocol.TCP)),
                        readyPod("b", "n1", "10.244.1.11", cport("web", 9090, Protocol.TCP)),
                        readyPod("c", "n2", "10.244.2.10", cport("web", 8080, Protocol.TCP)),
                        // no "web" port: an endpoint of metrics only; its "dns" is UDP, so not the TCP Service port's
                        readyPod("d", "n2", "10.244.2.11", cport("dns", 53, Protocol.UDP))),
                List.of(new Svc("web").ports(http, metrics, dns).build()), List.of());
        List<EndpointSlice> slices = slicesOf(endpoints(c), "web");
        Map<String, List<String>> expected = new TreeMap<>(Map.of(
                "http/TCP=8080,metrics/TCP=9100", List.of("10.244.1.10", "10.244.2.10"),
                "http/TCP=9090,metrics/TCP=9100", List.of("10.244.1.11"),
                "metrics/TCP=9100", List.of("10.244.2.11")));
        assertEquals(expected, byPortSet(slices, Family.IPV4));
        assertEquals(3, slices.size(), "one slice per resolved port set");
        assertEquals(3, slices.stream().map(s -> s.meta().name()).distinct().count(), "distinct names");
    }

    @Test
    void readinessAndTerminationFollowTheEndpointSliceController() {
        Cluster c = cluster(List.of(
                        pod("ns", "ready", "n1", Map.of("app", "web"), List.of("10.244.1.1"), List.of(), "ready"),
                        pod("ns", "unready", "n1", Map.of("app", "web"), List.of("10.244.1.2"), List.of()),
                        pod("ns", "leaving", "n2", Map.of("app", "web"), List.of("10.244.2.3"), List.of(), "ready", "terminating"),
                        pod("ns", "gone", "n2", Map.of("app", "web"), List.of("10.244.2.4"), List.of(), "terminating")),
                List.of(new Svc("web").build(), new Svc("pub").publishNotReady().build()), List.of());
        NetworkPlan p = endpoints(c);
        // not ready: listed, neither ready nor serving; terminating: serving while the pod is Ready, never ready
        assertEquals(List.of("10.244.1.1 RS- n1", "10.244.1.2 --- n1", "10.244.2.3 -ST n2", "10.244.2.4 --T n2"),
                conditions(slicesOf(p, "web")));
        // publishNotReadyAddresses: everything ready and serving, terminating still said
        assertEquals(List.of("10.244.1.1 RS- n1", "10.244.1.2 RS- n1", "10.244.2.3 RST n2", "10.244.2.4 RST n2"),
                conditions(slicesOf(p, "pub")));
    }

    @Test
    void hostNetworkPodsAreEndpointsWithTheirNodesAddress() {
        Cluster c = cluster(List.of(pod("ns", "agent", "n1", Map.of("app", "web"), List.of("192.168.77.11"),
                List.of(), "ready", "hostNetwork")), List.of(new Svc("web").build()), List.of());
        assertEquals(List.of("192.168.77.11 RS- n1"), conditions(slicesOf(endpoints(c), "web")));
    }

    @Test
    void dualStackPodsGiveOneSlicePerFamily() {
        Cluster c = cluster(List.of(
                        pod("ns", "a", "n1", Map.of("app", "web"), List.of("10.244.1.10", "fd00:244::a"), List.of(), "ready"),
                        pod("ns", "b", "n2", Map.of("app", "web"), List.of("10.244.2.10"), List.of(), "ready")),
                List.of(new Svc("web").ips("10.96.0.10", "fd00:96::10").build()), List.of());
        List<EndpointSlice> slices = slicesOf(endpoints(c), "web");
        assertEquals(List.of(Family.IPV4, Family.IPV6), slices.stream().map(EndpointSlice::addressType).toList());
        assertEquals(Map.of("http/TCP=8080", List.of("10.244.1.10", "10.244.2.10")), byPortSet(slices, Family.IPV4));
        assertEquals(Map.of("http/TCP=8080", List.of("fd00:244::a")), byPortSet(slices, Family.IPV6));
        slices.forEach(s -> s.endpoints().forEach(e -> assertEquals(1, e.addresses().size())));
    }

    @Test
    void selectorlessServicesUseTheGivenSlicesAndExternalNameHasNone() {
        EndpointSlice mine = slice("ns", "db-abc", "db", Family.IPV4, List.of(ep("192.168.50.10", "", true, true, false)),
                new EndpointSlice.EndpointPort("pg", Protocol.TCP, 5432));
        EndpointSlice otherNs = slice("ns2", "db-xyz", "db", Family.IPV4, List.of(ep("192.168.50.11", "", true, true, false)),
                new EndpointSlice.EndpointPort("pg", Protocol.TCP, 5432));
        EndpointSlice forExt = slice("ns", "ext-1", "ext", Family.IPV4, List.of(ep("192.168.50.12", "", true, true, false)));
        Service db = new Svc("db").selector(Map.of()).build();
        Service ext = new Service(ObjectMeta.of("Service", "ns", "ext", POS), Service.Type.ExternalName, List.of(), false, List.of(),
                Service.IpFamilyPolicy.SingleStack, List.of(), Map.of(), Service.SessionAffinity.None, 0,
                Service.TrafficPolicy.Cluster, Service.TrafficPolicy.Cluster, List.of(), List.of(), List.of(), false, "db.example.com",
                true);
        // a pod that would match if the Service had a selector: it must not appear
        Cluster c = cluster(List.of(readyPod("a", "n1", "10.244.1.10")), List.of(db, ext), List.of(mine, otherNs, forExt));
        NetworkPlan p = endpoints(c);
        assertEquals(List.of(mine), p.endpointSlices(), "only the slice of ns/db; none for the ExternalName Service");
    }

    @Test
    void givenSlicesAreLiveStateAndWinOverTheSelector() {
        EndpointSlice live = slice("ns", "web-live", "web", Family.IPV4, List.of(ep("10.244.9.9", "n2", true, true, false)),
                new EndpointSlice.EndpointPort("http", Protocol.TCP, 8080));
        Cluster c = cluster(List.of(readyPod("a", "n1", "10.244.1.10")), List.of(new Svc("web").build()), List.of(live));
        assertEquals(List.of(live), slicesOf(endpoints(c), "web"));
    }

    @Test
    void servicesWithoutMatchingPodsHaveNoSlices() {
        Cluster c = cluster(List.of(readyPod("a", "n1", "10.244.1.10")),
                List.of(new Svc("none").selector(Map.of("app", "nothing")).build()), List.of());
        assertTrue(endpoints(c).endpointSlices().isEmpty());
    }

    @Test
    void sliceNamesComeFromContentNotFromInputOrderOrCounters() {
        List<Pod> pods = new ArrayList<>(List.of(
                readyPod("a", "n1", "10.244.1.10", cport("web", 8080, Protocol.TCP)),
                readyPod("b", "n1", "10.244.1.11", cport("web", 9090, Protocol.TCP))));
        Service web = new Svc("web").ports(sport("http", Protocol.TCP, 80, PortRef.of("web"), 0)).build();
        List<String> names = slicesOf(endpoints(cluster(pods, List.of(web), List.of())), "web").stream().map(s -> s.meta().name()).toList();
        Collections.reverse(pods);
        Service other = new Svc("aaa").selector(Map.of("app", "other")).build();
        List<String> again = slicesOf(endpoints(cluster(pods, List.of(other, web), List.of())), "web").stream()
                .map(s -> s.meta().name()).toList();
        assertEquals(names, again, "input order and unrelated Services do not rename slices");
        names.forEach(n -> assertTrue(n.matches("web-[0-9a-f]{6}"), n));
        // a different port set gives a different name; the same set keeps it when endpoints change
        List<Pod> more = new ArrayList<>(pods);
        more.add(readyPod("c", "n2", "10.244.2.12", cport("web", 8080, Protocol.TCP)));
        List<EndpointSlice> grown = slicesOf(endpoints(cluster(more, List.of(web), List.of())), "web");
        assertEquals(names, grown.stream().map(s -> s.meta().name()).toList());
        assertNotEquals(names.get(0), names.get(1));
    }

    @Test
    void largeEndpointSetsAreSplitIntoSlicesOfAtMostOneHundred() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 250; i++) pods.add(readyPod("p" + i, "n1", "10.244." + (i / 200) + "." + (1 + i % 200)));
        List<EndpointSlice> slices = slicesOf(endpoints(cluster(pods, List.of(new Svc("web").build()), List.of())), "web");
        assertEquals(List.of(100, 100, 50), slices.stream().map(s -> s.endpoints().size()).toList());
        assertEquals(3, slices.stream().map(s -> s.meta().name()).distinct().count());
        // sorted by address across the slices, nothing lost or repeated
        List<IpAddress> all = slices.stream().flatMap(s -> s.endpoints().stream()).map(e -> e.addresses().get(0)).toList();
        assertEquals(all.stream().sorted().distinct().toList(), all);
        assertEquals(250, all.size());
    }

    @Test
    void podsWithoutAnAddressAreNoEndpoints() {
        Map<String, Pod> pods = new LinkedHashMap<>();
        pods.put("pending", pod("ns", "pending", "", Map.of("app", "web"), List.of(), List.of()));
        pods.put("a", readyPod("a", "n1", "10.244.1.10"));
        Cluster c = cluster(List.copyOf(pods.values()), List.of(new Svc("web").build()), List.of());
        assertEquals(List.of("10.244.1.10 RS- n1"), conditions(slicesOf(endpoints(c), "web")));
    }
}
