package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.cli.Netc;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.Trees;
import dev.netc.ir.ContentHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One node for applier tests: a fresh network namespace, a state directory, and helpers to compile the shop
 * sample (optionally with extra YAML) and to run {@code netc apply} against the namespace. Closing removes
 * the namespace and the files, also after a failed test.
 */
final class ApplyLab implements AutoCloseable {
    static final Path SHOP = Path.of("..", "samples", "shop");

    final String ns = "netc-ap-" + UUID.randomUUID().toString().substring(0, 8);
    final Path dir;
    final Path state;

    ApplyLab() throws IOException {
        dir = Files.createTempDirectory("netc-apply-");
        state = dir.resolve("state");
        Sh.ok("ip", "netns", "add", ns);
        Sh.in(ns, null, "ip", "link", "set", "lo", "up");
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /**
     * Compiles the shop sample plus {@code extraYaml} (may be null) into {@code dir/name}, node n1's files whole
     * ({@code --node n1}: one file per ruleset, as the tests that edit an artifact expect).
     */
    Path compile(String name, String extraYaml) throws IOException {
        return compile(name, extraYaml, List.of("--node", "n1"));
    }

    /** A whole compile of the shop sample: node files composed of a shared part and the node's own, as in production. */
    Path compileWhole(String name) throws IOException {
        return compile(name, null, List.of());
    }

    Path compile(String name, String extraYaml, List<String> options) throws IOException {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("compile", SHOP.toString()));
        args.addAll(options);
        if (extraYaml != null) {
            Path extra = dir.resolve(name + "-extra.yaml");
            Files.writeString(extra, extraYaml);
            args.add(extra.toString());
        }
        args.addAll(List.of("-o", out.toString()));
        Run r = netc(args);
        assertEquals(0, r.exit(), () -> "compile failed: " + r.all());
        return out;
    }

    Run netc(List<String> args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    /** {@code netc apply --node n1 --netns NS --state-dir STATE [more…]}. */
    Run apply(String... more) {
        List<String> args = new ArrayList<>(List.of("apply", "--node", "n1", "--netns", ns, "--state-dir", state.toString(),
                "--lock-timeout", "30"));
        args.addAll(List.of(more));
        return netc(args);
    }

    String sh(String... cmd) {
        return Sh.in(ns, null, cmd);
    }

    /** Everything the kernel of the namespace holds, as the tools print it (counters left out). */
    String nftRuleset() {
        return sh("nft", "-s", "list", "ruleset");
    }

    String iptablesSave() {
        return (sh("iptables-save") + sh("ip6tables-save")).replaceAll("(?m)^#.*\\n", "").replaceAll("\\[\\d+:\\d+\\]", "[0:0]");
    }

    /** A copy of {@code out} with {@code line} appended to {@code file}, the manifest updated to match. */
    Path withLastLine(Path out, String name, String file, String line) throws IOException {
        Path copy = dir.resolve(name);
        copyTree(out, copy);
        Path f = copy.resolve(file);
        Files.writeString(f, Files.readString(f) + line + "\n");
        rehash(copy, file);
        return copy;
    }

    static void rehash(Path out, String file) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Path manifest = out.resolve("netc-manifest.json");
        ObjectNode root = (ObjectNode) m.readTree(manifest.toFile());
        byte[] content = Files.readAllBytes(out.resolve(file));
        root.get("artifacts").forEach(a -> {
            if (a.get("path").asText().equals(file)) {
                ((ObjectNode) a).put("sha256", sha256(content));
                ((ObjectNode) a).put("size", content.length);
            }
        });
        Files.writeString(manifest, root.toPrettyString());
    }

    static String sha256(byte[] b) {
        return ContentHash.hex(b);
    }

    static void copyTree(Path from, Path to) throws IOException {
        Trees.copy(from, to);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        Sh.run(null, List.of("ip", "netns", "pids", ns)).output().lines()
                .forEach(pid -> Sh.run(null, List.of("kill", "-9", pid.strip())));
        Sh.run(null, List.of("ip", "netns", "del", ns));
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** An extra pod for storefront/web: one endpoint more, nothing else. */
    static final String EXTRA_WEB_POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-extra
              namespace: storefront
              labels: {app: web, tier: frontend}
            spec:
              nodeName: n1
              containers:
                - name: web
                  image: web
                  ports: [{name: http, containerPort: 8080}, {name: https, containerPort: 8443}]
            status:
              podIP: 10.244.1.77
              conditions: [{type: Ready, status: "True"}]
            """;
}
