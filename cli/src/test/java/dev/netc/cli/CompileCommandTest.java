package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netc.backends.plan.PlanDumpBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompileCommandTest {
    static final Path SHOP = Path.of("..", "samples", "shop");

    @TempDir
    Path tmp;

    @Test
    void writesTheLayoutAndIsByteIdenticalTwice() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        CliRunner r1 = CliRunner.run("compile", SHOP.toString(), "-o", a.toString());
        assertEquals(0, r1.exit(), r1.err());
        assertEquals(0, CliRunner.run("compile", SHOP.toString(), "-o", b.toString()).exit());
        Map<String, String> fa = tree(a);
        assertTrue(fa.containsKey("netc-manifest.json"), fa.keySet().toString());
        assertTrue(fa.containsKey("plan.txt"), fa.keySet().toString());
        assertEquals(fa, tree(b));
        // every artifact is listed in the manifest with its real digest
        JsonNode manifest = new ObjectMapper().readTree(fa.get("netc-manifest.json"));
        List<String> listed = new ArrayList<>();
        for (JsonNode art : manifest.get("artifacts")) {
            String path = art.get("path").asText();
            listed.add(path);
            assertEquals(Manifest.sha256(Files.readAllBytes(a.resolve(path))), art.get("sha256").asText(), path);
        }
        List<String> expected = new ArrayList<>(fa.keySet());
        expected.remove("netc-manifest.json");
        assertEquals(expected, listed);
        assertEquals(List.of("n1", "n2"), names(manifest.get("nodes")));
    }

    @Test
    void theModelDigestIsTheSameWhateverBackendsAndNodesAreWritten() throws IOException {
        // With the plan backend the digest is taken from its plan.txt; without it, or with --node, from a dump
        // made for the digest: the same model must give the same digest either way.
        List<String> digests = new ArrayList<>();
        List<List<String>> runs = List.of(List.of(), List.of("--backend", "nftables"), List.of("--node", "n1"),
                List.of("--backend", "plan", "--node", "n2"));
        for (int i = 0; i < runs.size(); i++) {
            Path out = tmp.resolve("digest-" + i);
            List<String> args = new ArrayList<>(List.of("compile", SHOP.toString(), "-o", out.toString()));
            args.addAll(runs.get(i));
            assertEquals(0, CliRunner.run(args.toArray(String[]::new)).exit(), runs.get(i).toString());
            digests.add(new ObjectMapper().readTree(out.resolve("netc-manifest.json").toFile()).get("model").asText());
        }
        assertEquals(1, digests.stream().distinct().count(), digests.toString());
        assertEquals(64, digests.get(0).length());
    }

    @Test
    void orderOfFilesAndDocumentsDoesNotShow() throws IOException {
        Path ref = tmp.resolve("ref");
        assertEquals(0, CliRunner.run("compile", SHOP.toString(), "-o", ref.toString()).exit());
        // every document of the sample, shuffled and dealt into three files given in reverse order
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(SHOP)) {
            for (Path f : files.sorted().toList()) {
                for (String d : Files.readString(f).split("(?m)^---\\s*$")) {
                    if (!d.isBlank()) docs.add(d.strip() + "\n");
                }
            }
        }
        Collections.shuffle(docs, new Random(42));
        Path in = Files.createDirectories(tmp.resolve("shuffled"));
        List<String> args = new ArrayList<>(List.of("compile"));
        for (int i = 0; i < 3; i++) {
            StringBuilder b = new StringBuilder();
            for (int j = i; j < docs.size(); j += 3) b.append("---\n").append(docs.get(j));
            Path f = in.resolve("part" + i + ".yaml");
            Files.writeString(f, b.toString());
            args.add(1, f.toString());
        }
        Path out = tmp.resolve("out");
        args.addAll(List.of("-o", out.toString()));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        Map<String, String> a = tree(ref);
        Map<String, String> b = tree(out);
        JsonNode ma = new ObjectMapper().readTree(a.remove("netc-manifest.json"));
        JsonNode mb = new ObjectMapper().readTree(b.remove("netc-manifest.json"));
        // plan.txt says where each thing was written, and nothing else differs
        String planA = a.remove("plan.txt");
        String planB = b.remove("plan.txt");
        assertNotEquals(planA, planB);
        assertEquals(PlanDumpBackend.withoutOrigins(planA), PlanDumpBackend.withoutOrigins(planB));
        assertEquals(a, b);
        assertEquals(ma.get("model"), mb.get("model"), "the model digest leaves the origins out");
        assertEquals(withoutPlan(ma.get("artifacts")), withoutPlan(mb.get("artifacts")));
        assertEquals(ma.get("nodes"), mb.get("nodes"));
        assertNotEquals(ma.get("inputs"), mb.get("inputs"), "inputs list the files actually read");
    }

    @Test
    void addingAnUnrelatedServiceMovesNoAllocation() throws IOException {
        Path before = tmp.resolve("before");
        assertEquals(0, CliRunner.run("compile", SHOP.toString(), "--backend", "plan", "-o", before.toString()).exit());
        Path extra = tmp.resolve("extra.yaml");
        Files.writeString(extra, """
                apiVersion: v1
                kind: Service
                metadata: {name: newcomer, namespace: ops}
                spec:
                  type: NodePort
                  selector: {app: newcomer}
                  ports: [{port: 8080}]
                """);
        Path after = tmp.resolve("after");
        CliRunner r = CliRunner.run("compile", SHOP.toString(), extra.toString(), "--backend", "plan", "-o", after.toString());
        assertEquals(0, r.exit(), r.err());
        Map<String, String> ipsBefore = allocations(Files.readString(before.resolve("plan.txt")));
        Map<String, String> ipsAfter = allocations(Files.readString(after.resolve("plan.txt")));
        assertTrue(ipsAfter.containsKey("ops/newcomer"), ipsAfter.toString());
        ipsAfter.remove("ops/newcomer");
        assertEquals(ipsBefore, ipsAfter);
        assertFalse(ipsBefore.isEmpty());
    }

    /** Service name to its clusterIPs and node ports, read from plan.txt. */
    private static Map<String, String> allocations(String plan) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^service (\\S+) .*clusterIPs=(\\[[^]]*])").matcher(plan);
        while (m.find()) out.put(m.group(1), m.group(2));
        Matcher p = Pattern.compile("(?m)^service (\\S+) [^\\n]*\\n((?:  port [^\\n]*\\n)*)").matcher(plan);
        while (p.find()) out.merge(p.group(1), p.group(2).replaceAll("(?m)^  port \\S+ (\\S+) .*?(nodePort=\\d+)?$", "$1 $2"), String::concat);
        return out;
    }

    @Test
    void failedCompileLeavesThePreviousOutputUntouched() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, CliRunner.run("compile", SHOP.toString(), "-o", out.toString()).exit());
        Map<String, String> good = tree(out);
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: a}\nspec:\n  ports: [{port: 70000}]\n");
        CliRunner r = CliRunner.run("compile", SHOP.toString(), bad.toString(), "-o", out.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(bad + ":5:"), r.err());
        assertTrue(r.err().contains("error[NETC015]"), r.err());
        assertEquals(good, tree(out));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("bad.yaml", "out"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary folders left behind");
        }
    }

    @Test
    void jsonDiagnostics() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: a}\nspec:\n  type: NodePrt\n  ports: [{port: 80}]\n");
        CliRunner r = CliRunner.run("compile", bad.toString(), "-o", tmp.resolve("o").toString(), "--format", "json");
        assertEquals(1, r.exit());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("errors").asInt());
        JsonNode d = j.get("diagnostics").get(0);
        assertEquals("NETC014", d.get("code").asText());
        assertEquals(5, d.get("line").asInt());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, CliRunner.run("compile", SHOP.toString()).exit(), "missing -o");
        assertEquals(2, CliRunner.run("compile", SHOP.toString(), "-o", tmp.resolve("x").toString(), "--backend", "nope").exit());
        assertEquals(2, CliRunner.run("compile", SHOP.toString(), "-o", tmp.resolve("x").toString(), "--node", "nope").exit());
        assertEquals(2, CliRunner.run("frobnicate").exit());
        assertFalse(Files.exists(tmp.resolve("x")));
    }

    @Test
    void missingInputIsAPositionedError() {
        CliRunner r = CliRunner.run("compile", tmp.resolve("nothing-here").toString(), "-o", tmp.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("error[NETC006]: no such file or directory"), r.err());
    }

    @Test
    void standardInputIsAnInput() throws IOException {
        java.io.InputStream saved = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(Files.readAllBytes(Path.of("..", "samples", "minimal", "hello.yaml"))));
            Path out = tmp.resolve("o");
            CliRunner r = CliRunner.run("compile", "-", "-o", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(Files.readString(out.resolve("plan.txt")).contains("service default/hello "));
        } finally {
            System.setIn(saved);
        }
    }

    private static List<String> names(JsonNode arr) {
        List<String> l = new ArrayList<>();
        arr.forEach(n -> l.add(n.asText()));
        return l;
    }

    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The manifest's artifact entries but plan.txt's. */
    static List<JsonNode> withoutPlan(JsonNode artifacts) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : artifacts) if (!a.get("path").asText().equals("plan.txt")) out.add(a);
        return out;
    }
}
