package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The podnet backend: each node's route plan (the others' pod CIDRs, never its own), its CNI configuration, the egress masquerade. */
class PodNetworkTest {
    @TempDir
    Path tmp;

    /** A cluster of {@code n} nodes, n1..nN at 192.168.77.(10+i) with 10.244.i.0/24; {@code podNetwork} as given (null: none). */
    static String cluster(int n, String podNetwork) {
        StringBuilder b = new StringBuilder("""
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: lab}
                spec:
                  clusterCIDRs: [10.244.0.0/16]
                """);
        if (podNetwork != null) b.append("  podNetwork: ").append(podNetwork).append('\n');
        b.append("  nodes:\n");
        for (int i = 1; i <= n; i++) {
            b.append("    - {name: n").append(i).append(", addresses: [192.168.77.").append(10 + i).append("], podCIDRs: [10.244.").append(i).append(".0/24]}\n");
        }
        return b.toString();
    }

    private Path compile(String yaml, String... extra) throws IOException {
        Path in = Files.writeString(tmp.resolve("cluster-" + yaml.hashCode() + ".yaml"), yaml);
        Path out = tmp.resolve("out-" + yaml.hashCode() + "-" + extra.length);
        List<String> args = new ArrayList<>(List.of("compile", in.toString(), "-o", out.toString()));
        args.addAll(List.of(extra));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    /** The entries of a node's route plan it installs: the lines of the other members (its own are tagged with its name). */
    static List<String> installed(String plan) {
        String self = plan.lines().filter(l -> l.startsWith("self ")).findFirst().orElseThrow().substring(5);
        return plan.lines().filter(l -> !l.startsWith("#") && !l.isBlank() && !l.endsWith(" node " + self)).toList();
    }

    @Test
    void hostGwRoutesEveryOtherNodesPodCidrThroughItsAddress() throws IOException {
        Path out = compile(cluster(4, "{mode: host-gw}"), "--node", "n2");
        List<String> lines = installed(Files.readString(out.resolve("nodes/n2/podnet/routes")));
        assertEquals(List.of("mode host-gw", "self n2",
                "route 10.244.1.0/24 via 192.168.77.11 node n1",
                "route 10.244.3.0/24 via 192.168.77.13 node n3",
                "route 10.244.4.0/24 via 192.168.77.14 node n4"), lines);
    }

    @Test
    void vxlanHasFlannelsTriplePerRemoteNodeAndTheDeviceTakesFiftyBytes() throws IOException {
        Path out = compile(cluster(3, "{mode: vxlan, vni: 7, mtu: 9000}"), "--node", "n1");
        List<String> lines = installed(Files.readString(out.resolve("nodes/n1/podnet/routes")));
        assertEquals("mode vxlan", lines.get(0));
        String device = lines.stream().filter(l -> l.startsWith("device ")).findFirst().orElseThrow();
        assertTrue(device.matches("device netc\\.7 vni 7 port 8472 local 192\\.168\\.77\\.11 mtu 8950 mac ([0-9a-f]{2}:){5}[0-9a-f]{2}"), device);
        assertTrue(lines.contains("address 10.244.1.0/32"), lines.toString());
        for (int i : List.of(2, 3)) {
            String mac = macOf(lines, "n" + i);
            assertTrue(lines.contains("route 10.244." + i + ".0/24 via 10.244." + i + ".0 onlink node n" + i), lines.toString());
            assertTrue(lines.contains("fdb " + mac + " dst 192.168.77." + (10 + i) + " node n" + i), lines.toString());
            // locally administered, unicast
            int first = Integer.parseInt(mac.substring(0, 2), 16);
            assertEquals(2, first & 3, mac);
        }
        assertEquals(2, lines.stream().filter(l -> l.startsWith("route ")).count());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("neigh ")).count());
        assertEquals(2, lines.stream().filter(l -> l.startsWith("fdb ")).count());
        assertFalse(device.contains(macOf(lines, "n2")), "each node its own MAC");
    }

    private static String macOf(List<String> lines, String node) {
        return lines.stream().filter(l -> l.startsWith("neigh ") && l.endsWith(" node " + node)).findFirst().orElseThrow().split(" ")[3];
    }

    @Test
    void theConflistIsCni100BridgeHostLocalOfTheNodesPodCidrWithoutMasquerade() throws IOException {
        Path out = compile(cluster(2, "{mode: vxlan}"));
        JsonNode c = new ObjectMapper().readTree(Files.readString(out.resolve("nodes/n2/cni/10-netc.conflist")));
        assertEquals("1.0.0", c.get("cniVersion").asText());
        JsonNode bridge = c.get("plugins").get(0);
        assertEquals("bridge", bridge.get("type").asText());
        assertFalse(bridge.get("ipMasq").asBoolean(true), "the bridge plugin's masquerade would rewrite pod-to-pod traffic across nodes");
        assertTrue(bridge.get("isGateway").asBoolean());
        assertEquals(1450, bridge.get("mtu").asInt());
        JsonNode range = bridge.get("ipam").get("ranges").get(0).get(0);
        assertEquals("10.244.2.0/24", range.get("subnet").asText());
        assertEquals("10.244.2.1", range.get("gateway").asText());
        assertEquals("host-local", bridge.get("ipam").get("type").asText());
        assertEquals("portmap", c.get("plugins").get(1).get("type").asText());
    }

    @Test
    void podsLeaveTheClusterMasqueradedOnlyWhenNetcBuildsThePodNetwork() throws IOException {
        Path with = compile(cluster(2, "{mode: host-gw}"), "--node", "n1");
        String ipt = Files.readString(with.resolve("nodes/n1/iptables.rules"));
        assertTrue(ipt.contains("-A NETC-POD-EGRESS -d 10.244.0.0/16 -j RETURN\n-A NETC-POD-EGRESS -d 192.168.77.11/32 -j RETURN\n"
                + "-A NETC-POD-EGRESS -d 192.168.77.12/32 -j RETURN\n-A NETC-POD-EGRESS -s 10.244.0.0/16 -j MASQUERADE --random-fully\n"), ipt);
        String nft = Files.readString(with.resolve("nodes/n1/nftables.nft"));
        assertTrue(nft.contains("ip daddr { 10.244.0.0/16, 192.168.77.11/32, 192.168.77.12/32 } return"), nft);
        assertTrue(nft.contains("jump pod-egress"), nft);

        Path without = compile(cluster(2, null), "--node", "n1");
        assertFalse(Files.readString(without.resolve("nodes/n1/iptables.rules")).contains("NETC-POD-EGRESS"));
        assertFalse(Files.readString(without.resolve("nodes/n1/nftables.nft")).contains("pod-egress"));
        assertFalse(Files.exists(without.resolve("nodes/n1/podnet")), "no pod network asked for, none written");
    }

    @Test
    void theRoutePlanGrowsWithTheNodesNotTheirSquare() throws IOException {
        Path out = compile(cluster(200, "{mode: vxlan}"));
        long shared;
        try (Stream<Path> s = Files.list(out.resolve("shared/podnet"))) {
            List<Path> files = s.toList();
            assertEquals(1, files.size());
            shared = Files.size(files.get(0));
        }
        long own = Files.size(out.resolve("nodes/n17/podnet/routes.node"));
        assertTrue(shared < 200 * 200, "one shared part of " + shared + " bytes");
        assertTrue(own < 400, "a node's own part is a few lines: " + own);
    }

    @Test
    void badSettingsAndLeftOutNodesArePositioned() throws IOException {
        Path in = Files.writeString(tmp.resolve("bad.yaml"), """
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: lab}
                spec:
                  podNetwork: {mode: ipip, vni: 0}
                """);
        CliRunner r = CliRunner.run("compile", in.toString(), "-o", tmp.resolve("x").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("bad.yaml:5:22: error[NETC014]: podNetwork mode \"ipip\" is not one of host-gw, vxlan"), r.err());
        assertTrue(r.err().contains("bad.yaml:5:33: error[NETC014]: podNetwork vni 0 is out of range 1-16777215"), r.err());

        Path v4only = Files.writeString(tmp.resolve("v4only.yaml"), """
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: lab}
                spec:
                  clusterCIDRs: [10.244.0.0/16, "fd00:244::/56"]
                  podNetwork: {mode: host-gw}
                  nodes:
                    - {name: n1, addresses: [192.168.77.11, "fd00::11"], podCIDRs: [10.244.1.0/24, "fd00:244:0:1::/64"]}
                    - {name: n2, addresses: [192.168.77.12], podCIDRs: [10.244.2.0/24, "fd00:244:0:2::/64"]}
                """);
        CliRunner w = CliRunner.run("compile", v4only.toString(), "-o", tmp.resolve("y").toString(), "--node", "n1");
        assertEquals(0, w.exit(), w.err());
        assertTrue(w.err().contains("v4only.yaml:9:46: warning[NETC085]: node \"n2\" has no IPv6 address for its pod CIDR fd00:244:0:2::/64: no node routes it"), w.err());
        List<String> n1 = installed(Files.readString(tmp.resolve("y/nodes/n1/podnet/routes")));
        assertEquals(List.of("mode host-gw", "self n1", "route 10.244.2.0/24 via 192.168.77.12 node n2"), n1);
    }
}
