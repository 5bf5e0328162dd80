package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.OutFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code netc apply --backend ipvs} through its whole flow on a namespace: the dummy interface and its
 * addresses, ipsets and iptables are real; IPVS itself is not (this kernel has no ip_vs module), so
 * {@code ipvsadm} is a stand-in on PATH that prints a recorded {@code ipvsadm -Sn} and records what
 * {@code ipvsadm -R} is given. What the real ipvsadm does with that input is not proven here.
 */
class IpvsApplyTest {
    static final String FAKE_IPVSADM = """
            #!/bin/sh
            # stand-in for ipvsadm (no ip_vs module in this kernel): -Sn prints a recorded state, -R records its input
            case "$1" in
              -Sn) cat "$NETC_FAKE_IPVS/state" ;;
              -R) cat >> "$NETC_FAKE_IPVS/restored" ;;
              *) echo "fake ipvsadm: $*" >&2; exit 2 ;;
            esac
            """;

    /** What the node had: a netc service in another state, one netc no longer has, one of somebody else. */
    static final String RECORDED = """
            -A -t 10.99.180.51:7000 -s rr
            -a -t 10.99.180.51:7000 -r 10.244.1.238:7000 -m -w 1
            -A -t 10.96.123.26:443 -s rr
            -a -t 10.96.123.26:443 -r 192.168.50.10:443 -m -w 1
            -a -t 10.96.123.26:443 -r 192.168.50.11:443 -m -w 1
            -a -t 10.96.123.26:443 -r 192.168.50.99:443 -m -w 1
            -A -t 172.16.0.9:8080 -s wrr
            -a -t 172.16.0.9:8080 -r 172.16.0.20:8080 -g -w 3
            """;

    @BeforeAll
    static void tools() {
        Lab.require();
    }

    @Test
    void addressesIpsetsIptablesAndTheIpvsDifference() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path fake = lab.dir.resolve("fake");
            Files.createDirectories(fake.resolve("bin"));
            Path ipvsadm = fake.resolve("bin/ipvsadm");
            Files.writeString(ipvsadm, FAKE_IPVSADM);
            Files.setPosixFilePermissions(ipvsadm, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(fake.resolve("state"), RECORDED);
            // This kernel has no dummy module either: the interface is made as a bridge beforehand, and the
            // applier (which creates a dummy when the interface is missing) uses the one it finds.
            lab.sh("ip", "link", "add", "kube-ipvs0", "type", "bridge");

            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.netc.cli.Netc", "apply",
                    "--node", "n1", "--netns", lab.ns, "--state-dir", lab.state.toString(), "--backend", "ipvs", a.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("PATH", fake.resolve("bin") + ":" + System.getenv("PATH"));
            pb.environment().put("NETC_FAKE_IPVS", fake.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("ipvs: plan for node n1"), out);

            String restored = Files.readString(fake.resolve("restored"));
            List<String> lines = restored.lines().toList();
            assertTrue(lines.contains("-E -t 10.99.180.51:7000 -s rr -p 600"), restored);
            assertTrue(lines.contains("-a -t 10.101.99.107:80 -r 10.244.1.146:8080 -m -w 1"), restored);
            assertTrue(lines.contains("-d -t 10.96.123.26:443 -r 192.168.50.99:443"), restored);
            assertFalse(restored.contains("-a -t 10.96.123.26:443 -r 192.168.50.10:443"), "kept servers are not re-added: " + restored);
            assertFalse(restored.contains("172.16.0.9"), "a service netc does not own is left alone: " + restored);
            assertTrue(lines.indexOf("-E -t 10.99.180.51:7000 -s rr -p 600") < lines.indexOf("-d -t 10.96.123.26:443 -r 192.168.50.99:443"));

            String addrs = lab.sh("ip", "-o", "addr", "show", "dev", "kube-ipvs0");
            String wanted = new String(OutFiles.composed(a).get("nodes/n1/ipvs/kube-ipvs0.addresses"), StandardCharsets.UTF_8);
            for (String want : wanted.strip().split("\n")) {
                assertTrue(addrs.contains(" " + want.strip() + " "), want + " on kube-ipvs0: " + addrs);
            }
            assertTrue(lab.sh("ipset", "list", "-n").contains("KUBE-CLUSTER-IP"));
            assertTrue(lab.sh("iptables-save", "-t", "nat").contains(":KUBE-SERVICES"));
            assertTrue(lab.sh("iptables-save", "-t", "filter").contains("-j NETC-POLICY"));
        }
    }
}
