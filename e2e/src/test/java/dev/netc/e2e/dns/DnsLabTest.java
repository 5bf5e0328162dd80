package dev.netc.e2e.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cluster DNS by real queries (reference B.5): the lab's cluster (e2e/src/test/resources/dns/cluster.yaml) is built
 * from network namespaces with netc's nftables rules on the nodes; the pod kube-system/dns-0 runs a real knotd on
 * port 53 from the release {@code netc apply --backend dns} installed; the pod shop/client on the other node asks
 * {@code kdig @10.96.0.10}, so every query crosses the Service's DNAT and the node link. Answers are compared as
 * sets, names case-insensitively.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsLabTest {
    static final String DNS_IP = "10.96.0.10";
    static final String CLIENT = "shop/client";
    static final String SOA = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1001 7200 1800 86400 5";

    VirtualCluster vc;
    Knotd knotd;
    Path dir;
    Path prefix;
    Path state;
    String client;

    @BeforeAll
    void build() throws IOException {
        dev.netc.backends.testing.NetnsTool.require("ip", "nft", "knotd", "knotc", "kdig");
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/dns/cluster.yaml")) {
            fixture = in.readAllBytes();
        }
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("dns/cluster.yaml", fixture)));
        NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        dir = Files.createTempDirectory("netc-dns-lab-");
        prefix = dir.resolve("dns");
        state = dir.resolve("state");
        try {
            vc = VirtualCluster.build(plan, Set.of("kube-system/dns-0"));
            BackendUnderTest.nftables().install(vc, plan);
            DnsApplyTest.Run a = DnsApplyTest.apply(state, prefix, DnsApplyTest.out(dir, "v1", DnsOut.fixture()).toString());
            assertEquals(0, a.exit(), a.all());
            knotd = Knotd.start(vc.namespaceOf("kube-system/dns-0"), prefix, "0.0.0.0@53");
            client = vc.namespaceOf(CLIENT);
        } catch (IOException | RuntimeException | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    void tearDown() throws IOException {
        if (knotd != null) knotd.close();
        if (vc != null) vc.close();
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    Dig q(String name, String type, String... options) {
        return Dig.query(client, DNS_IP, 53, name, type, options);
    }

    void noError(Dig d, String type, Set<String> data) {
        assertEquals("NOERROR", d.rcode(), d.text());
        assertEquals(data, d.data(type), d.text());
    }

    void nxdomain(Dig d) {
        assertEquals("NXDOMAIN", d.rcode(), d.text());
        assertEquals(Set.of(), d.answer(), d.text());
        assertEquals(Set.of(SOA), d.authority(), d.text());
    }

    void nodata(Dig d) {
        assertEquals("NOERROR", d.rcode(), d.text());
        assertEquals(Set.of(), d.answer(), d.text());
        assertEquals(Set.of(SOA), d.authority(), d.text());
    }

    @Test
    void row1DnsVersion() {
        noError(q("dns-version.cluster.local.", "TXT"), "TXT", Set.of("\"1.1.0\""));
    }

    @Test
    void rows2To5ClusterIpService() {
        noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
        nodata(q("web.shop.svc.cluster.local.", "AAAA"));
        Dig srv = q("_http._tcp.web.shop.svc.cluster.local.", "SRV");
        noError(srv, "SRV", Set.of("0 100 80 web.shop.svc.cluster.local."));
        nxdomain(q("_8080._tcp.web.shop.svc.cluster.local.", "SRV"));
    }

    @Test
    void rows6And9PtrV4AndV6() {
        noError(q("20.10.96.10.in-addr.arpa.", "PTR"), "PTR", Set.of("web.shop.svc.cluster.local."));
        noError(q("a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR"), "PTR",
                Set.of("v6svc.shop.svc.cluster.local."));
    }

    @Test
    void rows7And8KubernetesAndV6Service() {
        noError(q("kubernetes.default.svc.cluster.local.", "A"), "A", Set.of("10.96.0.1"));
        noError(q("_https._tcp.kubernetes.default.svc.cluster.local.", "SRV"), "SRV", Set.of("0 100 443 kubernetes.default.svc.cluster.local."));
        noError(q("v6svc.shop.svc.cluster.local.", "AAAA"), "AAAA", Set.of("fd00:10:96::a"));
    }

    @Test
    void rows10To16Headless() {
        noError(q("db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10", "10.244.2.11", "10.244.1.13"));
        noError(q("db-0.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10"));
        noError(q("10-244-1-13.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.13"));
        noError(q("_pg._tcp.db.shop.svc.cluster.local.", "SRV"), "SRV", Set.of("0 33 5432 db-0.db.shop.svc.cluster.local.",
                "0 33 5432 db-1.db.shop.svc.cluster.local.", "0 33 5432 10-244-1-13.db.shop.svc.cluster.local."));
        noError(q("10.1.244.10.in-addr.arpa.", "PTR"), "PTR", Set.of("db-0.db.shop.svc.cluster.local."));
        assertEquals("NXDOMAIN", q("12.2.244.10.in-addr.arpa.", "PTR").rcode());
        nxdomain(q("empty.shop.svc.cluster.local.", "A"));
    }

    @Test
    void rows17To19ExternalName() {
        noError(q("billing.shop.svc.cluster.local.", "A"), "CNAME", Set.of("billing.example.com."));
        Dig alias = q("alias.shop.svc.cluster.local.", "A");
        noError(alias, "CNAME", Set.of("web.shop.svc.cluster.local."));
        assertEquals(Set.of("10.96.10.20"), alias.data("A"), alias.text());
        nxdomain(q("x.billing.shop.svc.cluster.local.", "CNAME"));
    }

    @Test
    void rows20To22UnknownEmptyNonTerminalsAndCase() {
        nxdomain(q("nosuch.shop.svc.cluster.local.", "A"));
        nodata(q("shop.svc.cluster.local.", "A"));
        nodata(q("svc.cluster.local.", "A"));
        noError(q("WEB.Shop.SVC.cluster.LOCAL.", "A"), "A", Set.of("10.96.10.20"));
    }

    @Test
    void rows25And26ApexNsWithGlueAndSoa() {
        Dig ns = q("cluster.local.", "NS");
        noError(ns, "NS", Set.of("ns.dns.cluster.local."));
        assertTrue(ns.additional().contains("ns.dns.cluster.local. 5 IN A 10.96.0.10"), ns.text());
        noError(q("cluster.local.", "SOA"), "SOA", Set.of("ns.dns.cluster.local. hostmaster.cluster.local. 1001 7200 1800 86400 5"));
    }

    @Test
    void tcpThroughTheDnsTcpPort() {
        noError(q("web.shop.svc.cluster.local.", "A", "+tcp"), "A", Set.of("10.96.10.20"));
    }

    @Test
    void axfrIsTheZoneFilesRecordSet() throws IOException {
        for (String zone : List.of("cluster.local", "10.in-addr.arpa", "d.f.ip6.arpa")) {
            Dig axfr = q(zone + ".", "AXFR", "+noall", "+answer");
            assertEquals(records(DnsOut.fixture().get("zones/" + zone + ".zone")), axfr.answer(), axfr.text());
        }
    }

    @Test
    void aChangedServiceAnswersAfterApplyAndAReApplyReloadsNothing() throws IOException {
        Map<String, String> v2 = new TreeMap<>(DnsOut.fixture());
        v2.put("zones/cluster.local.zone", v2.get("zones/cluster.local.zone").replace(" 1001 ", " 1002 ")
                .replace("web.shop.svc 5 IN A 10.96.10.20", "web.shop.svc 5 IN A 10.96.10.30"));
        Path out = DnsApplyTest.out(dir, "v2", v2);
        try {
            DnsApplyTest.Run changed = DnsApplyTest.apply(state, prefix, out.toString());
            assertEquals(0, changed.exit(), changed.all());
            assertTrue(changed.out().contains("(reloaded)"), changed.out());
            noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.30"));
            String status = knotd.zoneStatus();
            List<String> loads = knotd.loads();
            DnsApplyTest.Run same = DnsApplyTest.apply(state, prefix, out.toString());
            assertTrue(same.out().contains("nothing to change"), same.all());
            assertEquals(status, knotd.zoneStatus());
            assertEquals(loads, knotd.loads());
        } finally {
            DnsApplyTest.Run back = DnsApplyTest.apply(state, prefix, "--rollback");
            assertEquals(0, back.exit(), back.all());
        }
        noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
    }

    /** The fixture zone's records as kdig prints them (owners made absolute; the fixture writes absolute names in data). */
    static Set<String> records(String zone) {
        Set<String> out = new TreeSet<>();
        String origin = "";
        for (String line : zone.split("\n")) {
            if (line.startsWith("$ORIGIN")) origin = line.split("\\s+")[1];
            if (line.isBlank() || line.startsWith("$") || line.startsWith(";")) continue;
            String[] f = line.trim().split("\\s+", 2);
            String owner = f[0].equals("@") ? origin : f[0].endsWith(".") ? f[0] : f[0] + "." + origin;
            out.add(Dig.record(owner.toLowerCase(Locale.ROOT) + " " + f[1]));
        }
        return out;
    }

}
