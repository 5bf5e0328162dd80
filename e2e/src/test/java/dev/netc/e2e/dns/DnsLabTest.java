package dev.netc.e2e.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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
 * Cluster DNS by real queries (reference B.5): the lab's manifests (e2e/src/test/resources/dns/cluster.yaml, B.5's
 * fixture with the DNS Service and its pod) are compiled by {@code netc compile --backend nftables,dns}; the cluster is
 * built from network namespaces with netc's nftables rules on the nodes; the pod kube-system/dns-0 runs a real knotd on
 * port 53 serving the zones {@code netc apply --backend dns} installed; the pod shop/client on the other node asks
 * {@code kdig @10.96.0.10}, so every query crosses the Service's DNAT and the node link. Answers are compared as sets,
 * names case-insensitively; SOA records and serials are read from the compiled zone files. An option row compiles the
 * manifests with the option set, applies that output, queries, and applies the lab's own output again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsLabTest {
    static final String DNS_IP = "10.96.0.10";
    static final String CLIENT = "shop/client";
    static final String FORWARD = "cluster.local";
    static final String REV_SVC = "96.10.in-addr.arpa";
    static final String REV_POD = "244.10.in-addr.arpa";
    static final String REV_V6 = "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa";

    VirtualCluster vc;
    Knotd knotd;
    Path dir;
    Path prefix;
    Path state;
    String client;
    String lab;
    Path base;
    int variants;

    @BeforeAll
    void build() throws IOException {
        Lab.requireDns();
        lab = DnsOut.lab();
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("dns/cluster.yaml", lab.getBytes(StandardCharsets.UTF_8))));
        NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        dir = Files.createTempDirectory("netc-dns-lab-");
        prefix = dir.resolve("dns");
        state = dir.resolve("state");
        try {
            vc = VirtualCluster.build(plan, Set.of("kube-system/dns-0"));
            BackendUnderTest.nftables().install(vc, plan);
            base = DnsOut.compile(dir, "lab", lab);
            DnsApplyTest.Run a = DnsApplyTest.apply(state, prefix, base.toString());
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

    /** NXDOMAIN with the SOA of {@code zone} (as compiled into {@code out}) in the authority section. */
    void nxdomain(Dig d, Path out, String zone) throws IOException {
        assertEquals("NXDOMAIN", d.rcode(), d.text());
        assertEquals(Set.of(), d.answer(), d.text());
        assertEquals(Set.of(DnsOut.soa(out, zone)), d.authority(), d.text());
    }

    void nxdomain(Dig d) throws IOException {
        nxdomain(d, base, FORWARD);
    }

    void nodata(Dig d) throws IOException {
        assertEquals("NOERROR", d.rcode(), d.text());
        assertEquals(Set.of(), d.answer(), d.text());
        assertEquals(Set.of(DnsOut.soa(base, FORWARD)), d.authority(), d.text());
    }

    /** Compiles the lab's manifests as {@code edited}, applies that output and runs {@code queries}, then applies the lab's output again. */
    void withVariant(String edited, Queries queries) throws IOException {
        assertNotEquals(lab, edited, "the edit changed nothing");
        Path out = DnsOut.compile(dir, "variant" + variants++, edited);
        try {
            DnsApplyTest.Run a = DnsApplyTest.apply(state, prefix, out.toString());
            assertEquals(0, a.exit(), a.all());
            assertTrue(a.out().contains("(reloaded)"), a.out());
            queries.run(out);
        } finally {
            DnsApplyTest.Run back = DnsApplyTest.apply(state, prefix, base.toString());
            assertEquals(0, back.exit(), back.all());
        }
        noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
    }

    interface Queries {
        void run(Path out) throws IOException;
    }

    /** The lab's manifests with the profile's {@code dns} set to {@code dns}. */
    String profile(String dns) {
        return edit(lab, "  dns: {ttl: 5}\n", "  dns: " + dns + "\n");
    }

    static String edit(String yaml, String from, String to) {
        assertTrue(yaml.contains(from), from);
        return yaml.replace(from, to);
    }

    @Test
    void row1DnsVersion() {
        noError(q("dns-version.cluster.local.", "TXT"), "TXT", Set.of("\"1.1.0\""));
    }

    @Test
    void rows2To5ClusterIpService() throws IOException {
        noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
        nodata(q("web.shop.svc.cluster.local.", "AAAA"));
        Dig srv = q("_http._tcp.web.shop.svc.cluster.local.", "SRV");
        noError(srv, "SRV", Set.of("0 100 80 web.shop.svc.cluster.local."));
        assertTrue(srv.additional().contains("web.shop.svc.cluster.local. 5 IN A 10.96.10.20"), srv.text());
        noError(q("plain.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.40"));
        nxdomain(q("_8080._tcp.plain.shop.svc.cluster.local.", "SRV"));
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
    void rows10To16Headless() throws IOException {
        noError(q("db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10", "10.244.2.11", "10.244.1.13"));
        noError(q("db-0.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10"));
        noError(q("10-244-1-13.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.13"));
        Dig srv = q("_pg._tcp.db.shop.svc.cluster.local.", "SRV");
        noError(srv, "SRV", Set.of("0 33 5432 db-0.db.shop.svc.cluster.local.", "0 33 5432 db-1.db.shop.svc.cluster.local.",
                "0 33 5432 10-244-1-13.db.shop.svc.cluster.local."));
        assertTrue(srv.additional().containsAll(Set.of("db-0.db.shop.svc.cluster.local. 5 IN A 10.244.1.10",
                "db-1.db.shop.svc.cluster.local. 5 IN A 10.244.2.11", "10-244-1-13.db.shop.svc.cluster.local. 5 IN A 10.244.1.13")), srv.text());
        noError(q("10.1.244.10.in-addr.arpa.", "PTR"), "PTR", Set.of("db-0.db.shop.svc.cluster.local."));
        nxdomain(q("12.2.244.10.in-addr.arpa.", "PTR"), base, REV_POD);
        nxdomain(q("10-244-2-12.db.shop.svc.cluster.local.", "A"));
        nxdomain(q("empty.shop.svc.cluster.local.", "A"));
    }

    @Test
    void rows17To19ExternalName() throws IOException {
        noError(q("billing.shop.svc.cluster.local.", "A"), "CNAME", Set.of("billing.example.com."));
        Dig alias = q("alias.shop.svc.cluster.local.", "A");
        noError(alias, "CNAME", Set.of("web.shop.svc.cluster.local."));
        assertEquals(Set.of("10.96.10.20"), alias.data("A"), alias.text());
        nxdomain(q("x.billing.shop.svc.cluster.local.", "CNAME"));
    }

    @Test
    void rows20To22UnknownEmptyNonTerminalsAndCase() throws IOException {
        nxdomain(q("nosuch.shop.svc.cluster.local.", "A"));
        nodata(q("shop.svc.cluster.local.", "A"));
        nodata(q("svc.cluster.local.", "A"));
        noError(q("WEB.Shop.SVC.cluster.LOCAL.", "A"), "A", Set.of("10.96.10.20"));
    }

    @Test
    void rows25And26ApexNsWithGlueAndSoa() throws IOException {
        Dig ns = q("cluster.local.", "NS");
        noError(ns, "NS", Set.of("ns.dns.cluster.local."));
        assertTrue(ns.additional().contains("ns.dns.cluster.local. 5 IN A 10.96.0.10"), ns.text());
        Dig soa = q("cluster.local.", "SOA");
        noError(soa, "SOA", Set.of("ns.dns.cluster.local. hostmaster.cluster.local. " + DnsOut.serial(base, FORWARD) + " 7200 1800 86400 5"));
        assertTrue(knotd.zoneStatus().contains("[cluster.local.] role: master | serial: " + DnsOut.serial(base, FORWARD)), knotd.zoneStatus());
    }

    @Test
    void tcpThroughTheDnsTcpPort() {
        noError(q("web.shop.svc.cluster.local.", "A", "+tcp"), "A", Set.of("10.96.10.20"));
    }

    @Test
    void knotdServesEveryCompiledZoneAndItsAxfrIsTheZoneFilesRecordSet() throws IOException {
        List<String> zones = DnsOut.zones(base);
        assertTrue(zones.containsAll(List.of(FORWARD, REV_SVC, REV_POD, REV_V6)), zones.toString());
        Map<String, Long> served = new TreeMap<>();
        for (String line : knotd.zoneStatus().split("\n")) {
            if (line.startsWith("[")) served.put(line.substring(1, line.indexOf(".]")), Long.parseLong(line.replaceAll(".*\\| serial: ([0-9]+).*", "$1")));
        }
        Map<String, Long> compiled = new TreeMap<>();
        for (String zone : zones) compiled.put(zone, DnsOut.serial(base, zone));
        assertEquals(compiled, served, "knotd serves the compiled zones at their serials");
        for (String zone : zones) {
            Dig axfr = q(zone + ".", "AXFR", "+noall", "+answer");
            assertEquals(DnsOut.records(base, zone), axfr.answer(), axfr.text());
        }
    }

    @Test
    void optionTtl() throws IOException {
        withVariant(profile("{ttl: 30}"), out -> {
            Dig web = q("web.shop.svc.cluster.local.", "A");
            assertEquals(Set.of("web.shop.svc.cluster.local. 30 IN A 10.96.10.20"), web.answer(), web.text());
            noError(q("cluster.local.", "SOA"), "SOA", Set.of("ns.dns.cluster.local. hostmaster.cluster.local. " + DnsOut.serial(out, FORWARD) + " 7200 1800 86400 30"));
            for (String zone : List.of(FORWARD, REV_SVC, REV_POD)) {
                Dig axfr = q(zone + ".", "AXFR", "+noall", "+answer");
                assertEquals(DnsOut.records(out, zone), axfr.answer(), axfr.text());
                for (String r : axfr.answer()) assertEquals("30", r.split(" ")[1], r);
            }
        });
    }

    @Test
    void optionPodsVerifiedRows23And24() throws IOException {
        nxdomain(q("10-244-1-10.shop.pod.cluster.local.", "A"));
        withVariant(profile("{ttl: 5, pods: verified}"), out -> {
            noError(q("10-244-1-10.shop.pod.cluster.local.", "A"), "A", Set.of("10.244.1.10"));
            nxdomain(q("10-244-9-9.shop.pod.cluster.local.", "A"), out, FORWARD);
            nxdomain(q("10-244-1-10.default.pod.cluster.local.", "A"), out, FORWARD);
        });
    }

    @Test
    void optionEndpointPodNames() throws IOException {
        withVariant(profile("{ttl: 5, endpointPodNames: true}"), out -> {
            noError(q("db-2.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.13"));
            nxdomain(q("10-244-1-13.db.shop.svc.cluster.local.", "A"), out, FORWARD);
            noError(q("db-0.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10"));
            noError(q("_pg._tcp.db.shop.svc.cluster.local.", "SRV"), "SRV", Set.of("0 33 5432 db-0.db.shop.svc.cluster.local.",
                    "0 33 5432 db-1.db.shop.svc.cluster.local.", "0 33 5432 db-2.db.shop.svc.cluster.local."));
            noError(q("13.1.244.10.in-addr.arpa.", "PTR"), "PTR", Set.of("db-2.db.shop.svc.cluster.local."));
        });
    }

    @Test
    void optionIgnoreEmptyService() throws IOException {
        noError(q("idle.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.30"));
        noError(q("30.10.96.10.in-addr.arpa.", "PTR"), "PTR", Set.of("idle.shop.svc.cluster.local."));
        withVariant(profile("{ttl: 5, ignoreEmptyService: true}"), out -> {
            nxdomain(q("idle.shop.svc.cluster.local.", "A"), out, FORWARD);
            nxdomain(q("30.10.96.10.in-addr.arpa.", "PTR"), out, REV_SVC);
            noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
        });
    }

    @Test
    void optionPublishNotReadyAddresses() throws IOException {
        withVariant(edit(lab, "metadata: {name: db, namespace: shop}\nspec:\n", "metadata: {name: db, namespace: shop}\nspec:\n  publishNotReadyAddresses: true\n"), out -> {
            noError(q("db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.1.10", "10.244.2.11", "10.244.1.13", "10.244.2.12"));
            noError(q("10-244-2-12.db.shop.svc.cluster.local.", "A"), "A", Set.of("10.244.2.12"));
            noError(q("_pg._tcp.db.shop.svc.cluster.local.", "SRV"), "SRV", Set.of("0 25 5432 db-0.db.shop.svc.cluster.local.",
                    "0 25 5432 db-1.db.shop.svc.cluster.local.", "0 25 5432 10-244-1-13.db.shop.svc.cluster.local.",
                    "0 25 5432 10-244-2-12.db.shop.svc.cluster.local."));
            noError(q("12.2.244.10.in-addr.arpa.", "PTR"), "PTR", Set.of("10-244-2-12.db.shop.svc.cluster.local."));
        });
    }

    /**
     * A Service's ClusterIP changed in the manifests: {@code diff -ru} of the two compiles' dns folders touches the
     * forward zone's SOA and the Service's A, and the service reverse zone's SOA and the Service's PTR, nothing else;
     * applied, the queries answer the new address; a re-apply of the same output reloads nothing.
     */
    @Test
    void aChangedServiceIsAFewLinesOfZoneDiffAnswersAfterApplyAndAReApplyReloadsNothing() throws IOException {
        String v2 = edit(lab, "clusterIP: 10.96.10.20\n", "clusterIP: 10.96.10.21\n");
        Path out = DnsOut.compile(dir, "changed", v2);
        Sh.Result diff = Sh.run(null, List.of("diff", "-ru", base.resolve("dns").toString(), out.resolve("dns").toString()));
        Map<String, Set<String>> changed = new TreeMap<>();
        String file = null;
        for (String line : diff.output().split("\n")) {
            assertTrue(!line.startsWith("Only in "), diff.output());
            if (line.startsWith("diff ")) {
                file = line.substring(line.lastIndexOf(' ') + 1);
            } else if ((line.startsWith("-") || line.startsWith("+")) && !line.startsWith("--- ") && !line.startsWith("+++ ")) {
                changed.computeIfAbsent(out.relativize(Path.of(file)).toString(), k -> new TreeSet<>()).add(line);
            }
        }
        String soaFwdOld = soaLine(base, FORWARD);
        String soaFwdNew = soaLine(out, FORWARD);
        String soaRevOld = soaLine(base, REV_SVC);
        String soaRevNew = soaLine(out, REV_SVC);
        assertNotEquals(DnsOut.serial(base, FORWARD), DnsOut.serial(out, FORWARD));
        assertNotEquals(DnsOut.serial(base, REV_SVC), DnsOut.serial(out, REV_SVC));
        Map<String, Set<String>> expected = Map.of(
                "dns/zones/cluster.local.zone", Set.of("-" + soaFwdOld, "+" + soaFwdNew,
                        "-web.shop.svc.cluster.local. 5 IN A 10.96.10.20", "+web.shop.svc.cluster.local. 5 IN A 10.96.10.21"),
                "dns/zones/96.10.in-addr.arpa.zone", Set.of("-" + soaRevOld, "+" + soaRevNew,
                        "-20.10.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local.", "+21.10.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local."));
        assertEquals(new TreeMap<>(expected), changed, diff.output());

        try {
            DnsApplyTest.Run applied = DnsApplyTest.apply(state, prefix, out.toString());
            assertEquals(0, applied.exit(), applied.all());
            assertTrue(applied.out().contains("(reloaded)"), applied.out());
            noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.21"));
            noError(q("21.10.96.10.in-addr.arpa.", "PTR"), "PTR", Set.of("web.shop.svc.cluster.local."));
            nxdomain(q("20.10.96.10.in-addr.arpa.", "PTR"), out, REV_SVC);
            String status = knotd.zoneStatus();
            List<String> loads = knotd.loads();
            DnsApplyTest.Run same = DnsApplyTest.apply(state, prefix, out.toString());
            assertEquals(0, same.exit(), same.all());
            assertTrue(same.out().contains("nothing to change"), same.all());
            assertEquals(status, knotd.zoneStatus());
            assertEquals(loads, knotd.loads());
        } finally {
            DnsApplyTest.Run back = DnsApplyTest.apply(state, prefix, base.toString());
            assertEquals(0, back.exit(), back.all());
        }
        noError(q("web.shop.svc.cluster.local.", "A"), "A", Set.of("10.96.10.20"));
    }

    /** The SOA line of a compiled zone file, as written. */
    static String soaLine(Path out, String zone) throws IOException {
        return Files.readAllLines(DnsOut.zone(out, zone)).stream().filter(l -> l.contains(" IN SOA ")).findFirst().orElseThrow();
    }
}
