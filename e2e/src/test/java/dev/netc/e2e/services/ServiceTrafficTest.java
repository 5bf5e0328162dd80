package dev.netc.e2e.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.Probe;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.e2e.lab.VirtualCluster.ProbeSpec;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Service behaviour, by real traffic through real rules: the fixture (e2e/src/test/resources/services)
 * is compiled, a three-node cluster of network namespaces is built from the plan, each backend's rules are
 * loaded into the nodes, and TCP/UDP connections from pods, nodes and an external client say where they land.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceTrafficTest {
    static final IpAddress N1 = IpAddress.parse("192.168.77.11");
    static final IpAddress N2 = IpAddress.parse("192.168.77.12");
    static final IpAddress N3 = IpAddress.parse("192.168.77.13");
    static final Set<String> WEB = Set.of("demo/web-a", "demo/web-b", "demo/web-c");

    NetworkPlan plan;
    VirtualCluster vc;
    String loaded = "";

    static Stream<BackendUnderTest> backends() {
        return BackendUnderTest.all();
    }

    @BeforeAll
    void build() throws IOException {
        dev.netc.e2e.lab.Lab.require();
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/services/cluster.yaml")) {
            fixture = in.readAllBytes();
        }
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("services/cluster.yaml", fixture)));
        plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        vc = VirtualCluster.build(plan);
        vc.routeExternal(IpAddress.parse("192.168.99.1"), N1);
        vc.routeExternal(IpAddress.parse("192.168.99.2"), N1);
    }

    @AfterAll
    void tearDown() {
        if (vc != null) vc.close();
    }

    /** Loads a backend's rules once per backend (tests of one backend share them), removing the other's. */
    void use(BackendUnderTest b) {
        if (loaded.equals(b.name())) return;
        for (String n : vc.nodes()) {
            vc.inNode(n, null, "nft", "flush", "ruleset");
            vc.inNode(n, null, "ipset", "flush");
        }
        b.install(vc, plan);
        for (String n : vc.nodes()) vc.inNode(n, null, "conntrack", "-F");
        loaded = b.name();
    }

    List<Probe> many(int count, String from, IpAddress src, String dst, int port, Protocol p) throws IOException {
        List<ProbeSpec> specs = new ArrayList<>();
        for (int i = 0; i < count; i++) specs.add(new ProbeSpec(from, src, IpAddress.parse(dst), port, p, 2000));
        return vc.probeAll(specs);
    }

    static Set<String> who(List<Probe> ps) {
        TreeSet<String> s = new TreeSet<>();
        for (Probe p : ps) s.add(p.answered() ? p.answeredBy() : p.outcome().name());
        return s;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clusterIpFromAnotherNodeSpreadsOverExactlyTheReadyEndpoints(BackendUnderTest b) throws IOException {
        use(b);
        // client2 is on n2; web-a is on n1; web-c maps the named port to 9090; web-notready must get nothing
        List<Probe> ps = many(90, "demo/client2", null, "10.96.0.10", 80, Protocol.TCP);
        assertEquals(WEB, who(ps), ps.toString());
        List<Probe> fromNode = many(60, "n1", null, "10.96.0.10", 80, Protocol.TCP);
        assertEquals(WEB, who(fromNode), fromNode.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void nodePortFromOutsideWorksOnEveryNodeAndRepliesReturn(BackendUnderTest b) throws IOException {
        use(b);
        for (IpAddress node : List.of(N1, N2, N3)) {
            List<Probe> ps = many(30, "external", null, node.text(), 30080, Protocol.TCP);
            assertEquals(WEB, who(ps), node + ": " + ps);
            for (Probe p : ps) assertTrue(Set.of(N1.text(), N2.text(), N3.text()).contains(p.seenSource()), "masqueraded: " + p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void externalTrafficPolicyLocalKeepsTheClientAddressAndDropsWithoutALocalEndpoint(BackendUnderTest b) throws IOException {
        use(b);
        List<Probe> n1 = many(20, "external", null, N1.text(), 30081, Protocol.TCP);
        assertEquals(Set.of("demo/web-a"), who(n1), n1.toString());
        for (Probe p : n1) assertEquals(VirtualCluster.EXTERNAL_ADDRESS.text(), p.seenSource(), "source preserved");
        List<Probe> n2 = many(30, "external", null, N2.text(), 30081, Protocol.TCP);
        assertEquals(Set.of("demo/web-b", "demo/web-c"), who(n2), n2.toString());
        Probe n3 = vc.probe("external", null, N3, 30081, Protocol.TCP, 700);
        assertEquals(Probe.Outcome.TIMEOUT, n3.outcome(), "n3 has no local endpoint: dropped, " + n3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void noEndpointsIsRefusedAtOnce(BackendUnderTest b) throws IOException {
        use(b);
        Probe p = vc.probe("demo/client", null, IpAddress.parse("10.96.0.20"), 80, Protocol.TCP, 3000);
        assertEquals(Probe.Outcome.REFUSED, p.outcome(), p.toString());
        assertTrue(p.millis() < 500, "refused at once, not timed out: " + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void clientIpAffinityKeepsAClientOnOneEndpoint(BackendUnderTest b) throws IOException {
        use(b);
        List<Probe> ps = new ArrayList<>();
        for (int i = 0; i < 20; i++) ps.add(vc.probe("demo/client2", null, IpAddress.parse("10.96.0.30"), 80, Protocol.TCP, 2000));
        assertEquals(1, who(ps).size(), ps.toString());
        assertTrue(WEB.containsAll(who(ps)), ps.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void udpServiceWorks(BackendUnderTest b) throws IOException {
        use(b);
        List<Probe> ps = many(30, "demo/client", null, "10.96.0.40", 53, Protocol.UDP);
        assertEquals(WEB, who(ps), ps.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPodReachesItselfThroughItsService(BackendUnderTest b) throws IOException {
        use(b);
        Probe p = vc.probe("demo/web-a", null, IpAddress.parse("10.96.0.50"), 80, Protocol.TCP, 2000);
        assertEquals("demo/web-a", p.answeredBy(), p.toString());
        assertEquals(N1.text(), p.seenSource(), "hairpin traffic is masqueraded to the node: " + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void externalIpsAndLoadBalancerSourceRanges(BackendUnderTest b) throws IOException {
        use(b);
        List<Probe> ext = many(20, "external", null, "192.168.99.1", 80, Protocol.TCP);
        assertEquals(WEB, who(ext), ext.toString());
        List<Probe> allowed = many(20, "external", VirtualCluster.ALLOWED_SOURCE, "192.168.99.2", 80, Protocol.TCP);
        assertEquals(WEB, who(allowed), allowed.toString());
        Probe other = vc.probe("external", VirtualCluster.OTHER_SOURCE, IpAddress.parse("192.168.99.2"), 80, Protocol.TCP, 700);
        assertEquals(Probe.Outcome.TIMEOUT, other.outcome(), "a source outside loadBalancerSourceRanges is dropped: " + other);
    }
}
