package dev.netc.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.testing.NetnsTool;
import dev.netc.cli.Netc;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.Trees;
import dev.netc.e2e.lab.VirtualCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Public manifests, unchanged from upstream (each folder under {@code src/test/resources/public/} holds the
 * upstream file(s), the upstream LICENSE and a SOURCE.txt naming repository, path and commit), compiled
 * in-process with no profile. Each must exit 0 with exactly the warning and error lines of its
 * {@code expected-diagnostics.txt} (notes are not compared), its outputs must load with {@code nft -c -f},
 * {@code ipset restore} + {@code iptables-restore --test} in a scratch network namespace and {@code nginx -t},
 * and the Service named in its {@code expected-endpoints.txt} (one {@code namespace/name} a line) must have
 * endpoints in plan.txt, and every line of its {@code expected-nginx.txt} must be in ingress/nginx.conf.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublicManifestsTest {
    private Path work;
    private String netns;

    @BeforeAll
    void setUp() throws IOException {
        work = Files.createTempDirectory("netc-public-");
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (netns != null) Sh.run(null, List.of("ip", "netns", "del", netns));
        Trees.delete(work);
    }

    static Path root() {
        try {
            return Path.of(PublicManifestsTest.class.getResource("/public").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> manifests() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(root())) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertTrue(dirs.size() >= 2, "public corpus folders: " + dirs);
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runOne(d)));
    }

    private void runOne(Path dir) throws Exception {
        String name = dir.getFileName().toString();
        for (String required : List.of("LICENSE", "SOURCE.txt", "expected-diagnostics.txt")) {
            assertTrue(Files.isRegularFile(dir.resolve(required)), name + ": no " + required);
        }
        List<String> inputs;
        try (Stream<Path> s = Files.list(dir)) {
            inputs = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().map(Path::toString).toList();
        }
        assertFalse(inputs.isEmpty(), name + ": no manifests");
        Path out = work.resolve(name);
        List<String> args = new ArrayList<>(List.of("compile"));
        args.addAll(inputs);
        args.addAll(List.of("-o", out.toString()));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        String err = e.toString();
        assertEquals(0, code, () -> name + ": exit " + code + "\n" + HostileCorpusRunTest.clip(err));
        // the warning/error lines, with the input folder replaced by a stable prefix
        String prefix = dir.toString() + "/";
        List<String> got = err.lines().filter(l -> l.contains(": warning[NETC") || l.contains(": error[NETC"))
                .map(l -> l.startsWith(prefix) ? l.substring(prefix.length()) : l).sorted().toList();
        List<String> want = Files.readAllLines(dir.resolve("expected-diagnostics.txt")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).sorted().toList();
        assertEquals(String.join("\n", want), String.join("\n", got), name + ": warnings/errors");

        Path endpoints = dir.resolve("expected-endpoints.txt");
        if (Files.exists(endpoints)) {
            String plan = Files.readString(out.resolve("plan.txt"));
            for (String svc : Files.readAllLines(endpoints)) {
                if (svc.isBlank() || svc.startsWith("#")) continue;
                String[] nsName = svc.trim().split("/");
                // an endpointslice of the Service with a port (a pod without the Service's port, such as Helm's
                // test hook, lands in a slice with none) and at least one ready address
                Matcher m = Pattern.compile("(?m)^endpointslice " + Pattern.quote(nsName[0]) + "/\\S+ service="
                        + Pattern.quote(nsName[1]) + " .*ports=\\[[^\\]].*\\n((?:  .*\\n)*)").matcher(plan);
                boolean ready = false;
                while (m.find()) ready |= Pattern.compile("(?m)^  \\[[^\\]]+\\] ready").matcher(m.group(1)).find();
                assertTrue(ready, name + ": Service " + svc + " has no ready endpoints in plan.txt");
            }
        }
        Path nginxFacts = dir.resolve("expected-nginx.txt");
        if (Files.exists(nginxFacts)) {
            Path conf = out.resolve("ingress/nginx.conf");
            assertTrue(Files.exists(conf), name + ": no ingress/nginx.conf written");
            String text = Files.readString(conf);
            for (String want2 : Files.readAllLines(nginxFacts)) {
                if (want2.isBlank() || want2.startsWith("#")) continue;
                assertTrue(text.contains(want2.trim()), () -> name + ": nginx.conf lacks '" + want2.trim() + "'\n" + text);
            }
        }
        toolsLoad(name, out);
    }

    private void toolsLoad(String id, Path dir) throws Exception {
        NetnsTool.require("ip", "nft", "ipset", "iptables-restore", "ip6tables-restore", "nginx");
        if (netns == null) {
            netns = VirtualCluster.scratchName("public");
            Sh.ok("ip", "netns", "add", netns);
        }
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> files = dev.netc.e2e.lab.OutFiles.composed(dir); // node files composed, as the applier loads them
        int loaded = 0;
        for (String name : files.keySet()) {
            String base = name.substring(name.lastIndexOf('/') + 1);
            String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
            String text = new String(files.get(name), StandardCharsets.UTF_8);
            String r = null;
            if (base.endsWith(".nft")) {
                r = inNs(text, "nft", "-c", "-f", "-");
            } else if (base.equals("iptables.rules") || base.equals("ip6tables.rules")) {
                inNs(null, "ipset", "destroy");
                byte[] sets = files.getOrDefault(folder + "/ipset.rules", new byte[0]);
                r = inNs(new String(sets, StandardCharsets.UTF_8), "ipset", "restore");
                if (r == null) r = inNs(text, base.startsWith("ip6") ? "ip6tables-restore" : "iptables-restore", "--test");
            } else if (name.equals("ingress/nginx.conf")) {
                Path p = Files.createTempDirectory(work, "nginx-");
                Trees.copy(dir.resolve("ingress"), p);
                Sh.Result n = Sh.run(null, List.of("nginx", "-t", "-q", "-p", p + "/", "-c", "nginx.conf"));
                Trees.delete(p);
                r = n.exit() == 0 ? null : "nginx -t exit " + n.exit() + ": " + HostileCorpusRunTest.clip(n.output());
            } else {
                continue;
            }
            loaded++;
            if (r != null) problems.add(name + ": " + r);
        }
        assertTrue(loaded > 0, id + ": no ruleset was written: " + files.keySet());
        assertTrue(problems.isEmpty(), id + ": the real tools refuse the output:\n" + String.join("\n", problems));
    }

    private String inNs(String stdin, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(cmd));
        Sh.Result r = Sh.run(stdin, full);
        if (cmd[0].equals("ipset") && cmd.length == 2 && cmd[1].equals("destroy")) return null;
        return r.exit() == 0 ? null : "exit " + r.exit() + ": " + HostileCorpusRunTest.clip(r.output());
    }
}
