package dev.netc.e2e.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.cli.Netc;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.VirtualCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code netc apply --backend dns} with a real knotd on 127.0.0.1@15353 in a scratch namespace: the swap while knotd is
 * down, reload and confirmation when it runs (the query answers the new value), nothing reloaded on a re-apply,
 * kzonecheck's refusal with the previous zones still served, the guard's refusal, {@code --check} and rollback.
 */
class DnsApplyTest {
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void tools() {
        Lab.requireDns();
    }

    @Test
    void swapReloadRefuseCheckAndRollBack() throws Exception {
        String ns = VirtualCluster.scratchName("dnsap");
        Path dir = Files.createTempDirectory("netc-dns-apply-");
        Knotd knotd = null;
        try {
            Sh.ok("ip", "netns", "add", ns);
            Sh.in(ns, null, "ip", "link", "set", "lo", "up");
            String lab = DnsOut.lab();
            Path a = DnsOut.compile(dir, "a", lab);
            Path b = DnsOut.compile(dir, "b", lab.replace("clusterIP: 10.96.10.20", "clusterIP: 10.96.10.21"));
            long s1 = DnsOut.serial(a, "cluster.local");
            long s2 = DnsOut.serial(b, "cluster.local");
            String v2 = Files.readString(DnsOut.zone(b, "cluster.local"));
            Path prefix = dir.resolve("dns");
            Path state = dir.resolve("state");

            Run first = apply(state, prefix, a.toString());
            assertEquals(0, first.exit(), first.all());
            assertTrue(first.out().contains("knotd not running"), first.out());
            assertTrue(Files.isSymbolicLink(prefix.resolve("current")));

            knotd = Knotd.start(ns, prefix, "127.0.0.1@15353");
            assertEquals(Set.of("10.96.10.20"), web(ns).data("A"));

            Run changed = apply(state, prefix, b.toString());
            assertEquals(0, changed.exit(), changed.all());
            assertTrue(changed.out().contains("(reloaded)"), changed.out());
            assertTrue(knotd.loads().stream().anyMatch(l -> l.contains("[cluster.local.] loaded, serial " + s1 + " -> " + s2)), knotd.loads().toString());
            assertTrue(changed.out().contains("~ zone cluster.local: serial " + s1 + " -> " + s2), changed.out());
            assertEquals(Set.of("10.96.10.21"), web(ns).data("A"));
            assertTrue(knotd.zoneStatus().contains("[cluster.local.] role: master | serial: " + s2), knotd.zoneStatus());

            // Re-apply of the same digest: the applier says so and knotd's log shows no reload.
            String status = knotd.zoneStatus();
            List<String> loads = knotd.loads();
            Run same = apply(state, prefix, b.toString());
            assertEquals(0, same.exit(), same.all());
            assertTrue(same.out().contains("nothing to change"), same.out());
            assertEquals(status, knotd.zoneStatus());
            assertEquals(loads, knotd.loads());

            assertEquals(0, apply(state, prefix, "--check", b.toString()).exit());
            Run drift = apply(state, prefix, "--check", a.toString());
            assertEquals(3, drift.exit(), drift.all());
            assertTrue(drift.out().contains("zone cluster.local: serves serial " + s2 + ", not " + s1), drift.out());

            // A zone kzonecheck refuses: exit 1 with its message, nothing swapped or reloaded, the old answer stays.
            Path bad = DnsOut.compile(dir, "bad", lab.replace("clusterIP: 10.96.10.20", "clusterIP: 10.96.10.22"));
            DnsOut.tamper(bad, "zones/cluster.local.zone", Files.readString(DnsOut.zone(bad, "cluster.local")).replace("10.96.10.22", "10.96.10.322"));
            Run refused = apply(state, prefix, bad.toString());
            assertEquals(1, refused.exit(), refused.all());
            assertTrue(refused.err().contains("kzonecheck refused zone cluster.local") && refused.err().contains("invalid IPv4 address"), refused.err());
            assertEquals(loads, knotd.loads());
            assertEquals(Set.of("10.96.10.21"), web(ns).data("A"));
            assertEquals(v2, Files.readString(prefix.resolve("current/zones/cluster.local.zone")));

            // A zone file that would make the loader read another file is refused before any tool sees it (exit 5).
            Path include = DnsOut.compile(dir, "include", lab.replace("clusterIP: 10.96.10.20", "clusterIP: 10.96.10.23"));
            DnsOut.tamper(include, "zones/cluster.local.zone", Files.readString(DnsOut.zone(include, "cluster.local")) + "$INCLUDE /etc/passwd\n");
            long includeLine = Files.readAllLines(DnsOut.zone(include, "cluster.local")).size();
            Run guarded = apply(state, prefix, include.toString());
            assertEquals(5, guarded.exit(), guarded.all());
            assertTrue(guarded.err().contains("dns/zones/cluster.local.zone:" + includeLine + ": '$INCLUDE /etc/passwd'"), guarded.err());

            Run back = apply(state, prefix, "--rollback");
            assertEquals(0, back.exit(), back.all());
            assertTrue(back.out().contains("(reloaded)"), back.out());
            assertEquals(Set.of("10.96.10.20"), web(ns).data("A"));
        } finally {
            if (knotd != null) knotd.close();
            Sh.run(null, List.of("ip", "netns", "del", ns));
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static Dig web(String ns) {
        return Dig.query(ns, "127.0.0.1", 15353, "web.shop.svc.cluster.local.", "A");
    }

    static Run apply(Path state, Path prefix, String... more) {
        List<String> args = new ArrayList<>(List.of("apply", "--node", "n1", "--backend", "dns", "--dns-prefix", prefix.toString(),
                "--state-dir", state.toString(), "--lock-timeout", "30"));
        args.addAll(List.of(more));
        return netc(args);
    }

    static Run netc(List<String> args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

}
