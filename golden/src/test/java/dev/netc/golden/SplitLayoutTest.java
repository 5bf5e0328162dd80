package dev.netc.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netc.cli.Netc;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output layout of a whole compile: node files composed of a shared part and the node's own. What {@code --node N}
 * writes is byte for byte the composition of N's parts in a whole compile, and a change that touches every node
 * alike changes a few files of OUT, however many nodes there are.
 */
class SplitLayoutTest {
    @TempDir
    Path tmp;

    static int compile(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("compile"));
        args.addAll(Arrays.asList(more));
        args.addAll(List.of("-o", out.toString()));
        StringWriter err = new StringWriter();
        int exit = Netc.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(0, exit, err.toString());
        return exit;
    }

    /** Every node file of OUT, composed files composed (by the manifest), parts left out. */
    static Map<String, byte[]> nodeFiles(Path out) throws IOException {
        JsonNode m = new ObjectMapper().readTree(out.resolve("netc-manifest.json").toFile());
        Map<String, byte[]> files = new TreeMap<>();
        TreeSet<String> parts = new TreeSet<>();
        for (JsonNode c : m.path("composed")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (JsonNode p : c.path("parts")) {
                parts.add(p.asText());
                b.writeBytes(Files.readAllBytes(out.resolve(p.asText())));
            }
            assertEquals(c.path("sha256").asText(), dev.netc.ir.ContentHash.hex(b.toByteArray()), c.path("path").asText());
            files.put(c.path("path").asText(), b.toByteArray());
        }
        for (JsonNode a : m.path("artifacts")) {
            String p = a.path("path").asText();
            if (p.startsWith("nodes/") && !parts.contains(p)) files.put(p, Files.readAllBytes(out.resolve(p)));
        }
        return files;
    }

    @Test
    void nodeCompileIsByteIdenticalToTheCompositionOfAWholeCompile() throws IOException {
        // shop: two nodes, iTP and eTP Local Services, node ports, load-balancer IPs, NetworkPolicy, both families
        for (String sample : GoldenTest.samples()) {
            Path whole = tmp.resolve(sample + "-whole");
            compile(whole, GoldenTest.SAMPLES.resolve(sample).toString());
            Map<String, byte[]> composed = nodeFiles(whole);
            JsonNode m = new ObjectMapper().readTree(whole.resolve("netc-manifest.json").toFile());
            assertFalse(m.path("composed").isEmpty(), sample + ": node files are composed");
            for (JsonNode node : m.path("nodes")) {
                String n = node.asText();
                Path single = tmp.resolve(sample + "-" + n);
                compile(single, GoldenTest.SAMPLES.resolve(sample).toString(), "--node", n);
                TreeSet<String> singleFiles = GoldenTest.files(single.resolve("nodes"));
                TreeSet<String> expected = new TreeSet<>();
                composed.keySet().stream().filter(p -> p.startsWith("nodes/" + n + "/")).forEach(p -> expected.add(p.substring("nodes/".length())));
                assertEquals(expected, singleFiles, sample + "/" + n + ": the same files");
                assertFalse(Files.exists(single.resolve("shared")), "--node writes whole files only");
                for (String f : singleFiles) {
                    assertArrayEquals(composed.get("nodes/" + f), Files.readAllBytes(single.resolve("nodes").resolve(f)), sample + "/" + f);
                }
            }
        }
    }

    /** A generated cluster: {@code nodes} nodes, 20 Services (one eTP Local NodePort), two pods per Service. */
    static String cluster(int nodes, String extraEndpointIp) {
        StringBuilder b = new StringBuilder("""
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: gen}
                spec:
                  serviceCIDRs: [10.96.0.0/12]
                  clusterCIDRs: [10.244.0.0/16]
                  nodes:
                """);
        for (int i = 0; i < nodes; i++) {
            b.append("    - {name: n").append(i).append(", addresses: [192.168.7.").append(10 + i).append("], podCIDRs: [10.244.")
                    .append(i).append(".0/24]}\n");
        }
        b.append("""
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: db, namespace: default}
                spec:
                  podSelector: {matchLabels: {app: s0}}
                  ingress:
                    - from: [{podSelector: {matchLabels: {app: s1}}}]
                """);
        for (int s = 0; s < 20; s++) {
            b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: s").append(s).append(", namespace: default}\nspec:\n")
                    .append("  clusterIP: 10.96.1.").append(10 + s).append('\n')
                    .append(s == 3 ? "  type: NodePort\n  externalTrafficPolicy: Local\n" : "")
                    .append("  selector: {app: s").append(s).append("}\n  ports: [{port: 80, targetPort: 8080")
                    .append(s == 3 ? ", nodePort: 30080" : "").append("}]\n");
            for (int p = 0; p < 2; p++) {
                int node = (s * 2 + p) % nodes;
                b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: s").append(s).append("-").append(p)
                        .append(", namespace: default, labels: {app: s").append(s).append("}}\nspec:\n  nodeName: n").append(node)
                        .append("\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\nstatus:\n  phase: Running\n")
                        .append("  podIP: 10.244.").append(node).append('.').append(10 + s * 2 + p)
                        .append("\n  conditions: [{type: Ready, status: 'True'}]\n");
            }
        }
        if (extraEndpointIp != null) {
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: s5-extra, namespace: default, labels: {app: s5}}\nspec:\n")
                    .append("  nodeName: n0\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\nstatus:\n")
                    .append("  phase: Running\n  podIP: ").append(extraEndpointIp).append("\n  conditions: [{type: Ready, status: 'True'}]\n");
        }
        return b.toString();
    }

    /** The files of OUT whose bytes differ between two compiles, or that only one has. */
    static TreeSet<String> changed(Path a, Path b) throws IOException {
        TreeSet<String> all = new TreeSet<>(GoldenTest.files(a));
        all.addAll(GoldenTest.files(b));
        TreeSet<String> out = new TreeSet<>();
        for (String f : all) {
            Path x = a.resolve(f);
            Path y = b.resolve(f);
            if (!Files.exists(x) || !Files.exists(y) || !Arrays.equals(Files.readAllBytes(x), Files.readAllBytes(y))) out.add(f);
        }
        return out;
    }

    /** The extensions of the files of OUT that one endpoint more changes (the manifest left out), sorted. */
    List<String> changedFiles(int nodes, String backend) throws IOException {
        Path inA = tmp.resolve("a" + nodes + ".yaml");
        Path inB = tmp.resolve("b" + nodes + ".yaml");
        Files.writeString(inA, cluster(nodes, null));
        Files.writeString(inB, cluster(nodes, "10.244.0.250"));
        Path a = tmp.resolve("out-a" + nodes + backend);
        Path b = tmp.resolve("out-b" + nodes + backend);
        compile(a, inA.toString(), "--backend", backend);
        compile(b, inB.toString(), "--backend", backend);
        TreeSet<String> changed = changed(a, b);
        assertTrue(changed.remove("netc-manifest.json"), changed.toString());
        assertTrue(changed.stream().allMatch(f -> f.startsWith("shared/" + backend + "/")), "no node's own part changes: " + changed);
        return changed.stream().map(f -> f.substring(f.lastIndexOf('.'))).sorted().toList();
    }

    @Test
    void oneEndpointMoreChangesOneSharedPartWhateverTheNodeCount() throws IOException {
        // the old shared part gone, the new one in (and the manifest)
        assertEquals(List.of(".nft", ".nft"), changedFiles(3, "nftables"));
        assertEquals(changedFiles(3, "nftables"), changedFiles(12, "nftables"), "the same files change with 3 and with 12 nodes");
        // ipvs: the virtual servers (a real server more) and the sets (a loop-back member more)
        assertEquals(List.of(".ipset", ".ipset", ".ipvsadm", ".ipvsadm"), changedFiles(3, "ipvs"));
        assertEquals(changedFiles(3, "ipvs"), changedFiles(12, "ipvs"), "the same ipvs files change with 3 and with 12 nodes");
    }

    @Test
    void theOutputIsTheSameWhateverTheNumberOfThreads() throws IOException {
        Path in = tmp.resolve("threads.yaml");
        Files.writeString(in, cluster(12, null));
        Path one = tmp.resolve("one");
        Path four = tmp.resolve("four");
        compile(one, in.toString(), "--threads", "1");
        compile(four, in.toString(), "--threads", "4");
        assertEquals(new TreeSet<>(), changed(one, four));
        assertTrue(GoldenTest.files(one).size() > 12 * 3, "every backend wrote every node");
    }

    /**
     * nodePortAddresses naming one subnet: nodes outside it open no node port (the family is closed for them), see the
     * Service table otherwise than the others and get their whole file as their own part; --node still gives the
     * same bytes, and the nodes inside the subnet share the shared part.
     */
    @Test
    void aNodeThatSeesTheServicesOtherwiseHasItsWholeFileAsItsOwnPart() throws IOException {
        String in = cluster(4, null).replace("  clusterCIDRs: [10.244.0.0/16]\n",
                "  clusterCIDRs: [10.244.0.0/16]\n  proxy: {nodePortAddresses: [192.168.7.10/31]}\n");
        Path input = tmp.resolve("closed.yaml");
        Files.writeString(input, in);
        Path whole = tmp.resolve("closed-whole");
        compile(whole, input.toString());
        JsonNode m = new ObjectMapper().readTree(whole.resolve("netc-manifest.json").toFile());
        Map<String, List<String>> parts = new TreeMap<>();
        for (JsonNode c : m.path("composed")) {
            List<String> p = new ArrayList<>();
            c.path("parts").forEach(x -> p.add(x.asText()));
            parts.put(c.path("path").asText(), p);
        }
        assertEquals(2, parts.get("nodes/n0/nftables.nft").size(), "n0 (192.168.7.10) opens node ports: shared + own");
        assertEquals(List.of("nodes/n3/nftables.node.nft"), parts.get("nodes/n3/nftables.nft"), "n3 opens none: all its own");
        assertEquals(List.of("nodes/n3/iptables.node.rules"), parts.get("nodes/n3/iptables.rules"));
        assertEquals(2, parts.get("nodes/n0/ipvs/ipvsadm.rules").size(), "ipvs: n0 shared + own");
        assertEquals(List.of("nodes/n3/ipvs/ipvsadm.node.rules"), parts.get("nodes/n3/ipvs/ipvsadm.rules"), "ipvs: n3 all its own");
        Map<String, byte[]> composed = nodeFiles(whole);
        for (String n : List.of("n0", "n3")) {
            Path single = tmp.resolve("closed-" + n);
            compile(single, input.toString(), "--node", n);
            for (String f : List.of("nftables.nft", "iptables.rules", "ipvs/ipvsadm.rules", "ipvs/ipset.rules", "ipvs/iptables.rules",
                    "ipvs/kube-ipvs0.addresses")) {
                assertArrayEquals(composed.get("nodes/" + n + "/" + f), Files.readAllBytes(single.resolve("nodes/" + n + "/" + f)), n + "/" + f);
            }
        }
        String n3 = new String(composed.get("nodes/n3/nftables.nft"), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(n3.contains("node port\" : goto"), "no node port on n3");
        assertTrue(new String(composed.get("nodes/n0/nftables.nft"), java.nio.charset.StandardCharsets.UTF_8).contains("node port\" : goto"));
    }
}
