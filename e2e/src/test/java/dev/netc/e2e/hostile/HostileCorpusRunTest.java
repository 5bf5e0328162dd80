package dev.netc.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netc.backends.testing.NetnsTool;
import dev.netc.cli.Netc;
import dev.netc.ir.ContentHash;
import dev.netc.e2e.lab.Trees;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.VirtualCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs every compile case of the hostile corpus ({@link HostileCorpus}) through {@code netc compile} in-process,
 * into an OUT that holds a previous compile.
 *
 * <p>Rejected (exit 1): every line on stderr is a diagnostic {@code file[:line:col]: severity[NETCnnn]: …} (or
 * netc's summary line), no stack trace, OUT byte for byte as before and no temporary sibling left. Accepted
 * (exit 0): the outputs load with the real tools ({@code nft -c -f}, {@code ipset restore} then
 * {@code iptables-restore --test}/{@code ip6tables-restore --test} in a scratch network namespace,
 * {@code nginx -t} with a prefix in a temporary folder), and no output holds a forbidden string of the case, a
 * raw control, C1 or format (bidi) character, or a line that starts with an injected marker. Every compile
 * takes under 10 s. The applier cases ({@code refuse}) run in {@code dev.netc.e2e.applier.HostileApplierTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileCorpusRunTest {
    static final Pattern DIAGNOSTIC = Pattern.compile("^[^:\\n]+(:\\d+:\\d+)?: (error|warning|note)\\[NETC\\d{3}\\]: .*");
    static final Pattern SUMMARY = Pattern.compile("^netc: (\\d+ errors?, \\d+ warnings?.*|wrote \\d+ files to .*)$");
    static final Pattern STACK = Pattern.compile("Exception|\\tat |at dev\\.netc|at java\\.");
    static final Pattern FORGED_LINE = Pattern.compile("(?m)^\\s*FORGED");
    static final long LIMIT_MS = 10_000;

    private Path work;
    private Path baseline;
    private Path out;
    private Map<String, byte[]> baselineFiles;
    private final Map<String, Path> accepted = new LinkedHashMap<>();
    private final Map<String, String> toolCache = new HashMap<>();
    private String netns;

    @BeforeAll
    void compileBaseline() throws IOException {
        work = Files.createTempDirectory("netc-hostile-");
        Path in = work.resolve("baseline.yaml");
        Files.writeString(in, HostileCorpus.world());
        baseline = work.resolve("baseline");
        // node n1's files whole (--node n1): the tamper cases edit them by path
        Run r = compile(List.of(in.toString(), "--node", "n1"), baseline);
        assertEquals(0, r.exit, "the base world compiles: " + r.err);
        baselineFiles = tree(baseline);
        out = work.resolve("out");
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (netns != null) Sh.run(null, List.of("ip", "netns", "del", netns));
        Trees.delete(work);
    }

    record Run(int exit, String out, String err, long ms) {
    }

    private static Run compile(List<String> inputs, Path to) {
        List<String> args = new ArrayList<>(List.of("compile"));
        args.addAll(inputs);
        args.addAll(List.of("-o", to.toString()));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        long start = System.nanoTime();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        List<Corpus.Entry> cases = Corpus.read().stream().filter(e -> !e.expect().equals("refuse")).toList();
        assertTrue(cases.size() >= 500, "corpus has " + cases.size() + " compile cases");
        Stream<DynamicTest> compiles = cases.stream().map(c -> DynamicTest.dynamicTest(c.id() + " (" + c.attacks() + ")", () -> runCase(c)));
        // generated after the compiles ran (JUnit pulls dynamic tests lazily): the tool loads of accepted outputs
        Stream<DynamicTest> tools = Stream.of(0).flatMap(x -> accepted.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest("tools load " + e.getKey(), () -> toolsLoad(e.getKey(), e.getValue()))));
        return Stream.concat(compiles, tools);
    }

    private void runCase(Corpus.Entry c) throws Exception {
        List<String> inputs;
        try (Stream<Path> s = Files.list(c.dir())) {
            inputs = s.sorted().map(Path::toString).toList();
        }
        // every case starts from the previous compile, whatever the case before it did
        Trees.delete(out);
        try (Stream<Path> s = Files.list(work)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) Trees.delete(p);
        }
        Trees.copy(baseline, out);
        Run r = withinLimit(c.id(), () -> compile(inputs, out));
        String all = r.out + r.err;
        assertTrue(r.ms < LIMIT_MS, c.id() + ": took " + r.ms + " ms");
        assertFalse(STACK.matcher(all).find(), () -> c.id() + ": stack trace or exception in the output:\n" + clip(all));
        assertNoRawControls(c.id() + " stderr", r.err);
        assertFalse(FORGED_LINE.matcher(r.err).find(), () -> c.id() + ": a forged line on stderr:\n" + clip(r.err));
        for (String line : r.err.split("\n", -1)) {
            if (line.isEmpty()) continue;
            assertTrue(DIAGNOSTIC.matcher(line).matches() || SUMMARY.matcher(line).matches(),
                    () -> c.id() + ": not a diagnostic line: " + clip(line) + "\n(stderr:\n" + clip(r.err) + ")");
        }
        switch (c.expect()) {
            case "reject" -> assertEquals(1, r.exit, () -> c.id() + ": expected exit 1 (rejected), got " + r.exit + "\n" + clip(all));
            case "accept" -> assertEquals(0, r.exit, () -> c.id() + ": expected exit 0 (accepted), got " + r.exit + "\n" + clip(all));
            default -> assertTrue(r.exit == 0 || r.exit == 1, () -> c.id() + ": exit " + r.exit + "\n" + clip(all));
        }
        if (c.checks().containsKey("warns")) {
            String code = c.checks().get("warns");
            assertTrue(r.err.contains(": warning[" + code + "]: "), () -> c.id() + ": no " + code + " warning:\n" + clip(r.err));
        }
        if (r.exit == 1) {
            assertTrue(r.err.lines().anyMatch(l -> l.contains(": error[NETC")), () -> c.id() + ": exit 1 without an error diagnostic");
            assertEquals(baselineFiles.keySet(), tree(out).keySet(), c.id() + ": OUT's files changed");
            Map<String, byte[]> now = tree(out);
            for (Map.Entry<String, byte[]> e : baselineFiles.entrySet()) {
                assertTrue(java.util.Arrays.equals(e.getValue(), now.get(e.getKey())), c.id() + ": OUT/" + e.getKey() + " changed");
            }
            assertLeftoverFree(c.id());
            if (c.checks().containsKey("did-you-mean")) {
                assertTrue(r.err.contains("did you mean"), () -> c.id() + ": no did-you-mean:\n" + clip(r.err));
            }
            return;
        }
        assertLeftoverFree(c.id());
        Path kept = work.resolve("accepted").resolve(c.id());
        Files.createDirectories(kept.getParent());
        Files.move(out, kept);
        accepted.put(c.id(), kept);
        checkAcceptedText(c, kept);
    }

    /**
     * Runs {@code task} on a thread of its own and fails when it takes more than {@link #LIMIT_MS}. A compile that
     * hangs is stopped (Thread.stop: the compiler keeps no shared state), so that it cannot slow every later case.
     */
    @SuppressWarnings("deprecation")
    private static Run withinLimit(String id, java.util.concurrent.Callable<Run> task) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(task.call());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "hostile-compile-" + id);
        t.setDaemon(true);
        t.start();
        t.join(LIMIT_MS);
        if (t.isAlive()) {
            t.stop();
            fail(id + ": netc compile took more than " + LIMIT_MS + " ms (stopped)");
        }
        if (result.get() instanceof Throwable e) throw new AssertionError(id + ": netc compile threw " + e, e);
        return (Run) result.get();
    }

    private void assertLeftoverFree(String id) throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            List<String> extra = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertTrue(extra.isEmpty(), id + ": temporary folders left next to OUT: " + extra);
        }
    }

    /** The text checks of an accepted output, and the case's named checks. */
    private void checkAcceptedText(Corpus.Entry c, Path dir) throws IOException {
        Map<String, byte[]> files = tree(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            String text = new String(f.getValue(), StandardCharsets.UTF_8);
            assertNoRawControls(c.id() + ": " + name, name);
            if (name.endsWith(".key") || name.endsWith(".crt")) continue;
            assertNoRawControls(c.id() + ": " + name, text);
            assertFalse(FORGED_LINE.matcher(text).find(), () -> c.id() + ": a forged line in " + name);
            boolean ruleset = !name.equals("plan.txt") && !name.equals("netc-manifest.json");
            if (!ruleset) continue;
            for (String bad : c.forbid()) {
                assertFalse(text.contains(bad), () -> c.id() + ": " + name + " holds the injected string " + HostileCorpus.escape(bad));
            }
        }
        String conf = files.containsKey("ingress/nginx.conf") ? new String(files.get("ingress/nginx.conf"), StandardCharsets.UTF_8) : "";
        for (Map.Entry<String, String> check : c.checks().entrySet()) {
            switch (check.getKey()) {
                case "distinct-upstreams" -> {
                    Set<String> used = new TreeSet<>();
                    Matcher m = Pattern.compile("proxy_pass https?://([^;/]+)").matcher(conf);
                    while (m.find()) used.add(m.group(1));
                    assertEquals(Integer.parseInt(check.getValue()), used.size(),
                            c.id() + ": the hosts must proxy to distinct upstreams, got " + used + "\n" + conf);
                }
                case "distinct-certs" -> assertEquals(Integer.parseInt(check.getValue()),
                        files.keySet().stream().filter(n -> n.endsWith(".crt")).count(), c.id() + ": distinct certificate files: " + files.keySet());
                case "nginx-has" -> assertTrue(conf.contains(check.getValue()), c.id() + ": nginx.conf lacks '" + check.getValue() + "'");
                case "same-nodes-as" -> {
                    // compiled on its own, so the order of the cases never matters
                    Corpus.Entry twin = Corpus.read().stream().filter(e -> e.id().equals(check.getValue())).findFirst().orElseThrow();
                    Path twinOut = work.resolve("twin-" + c.id());
                    try (Stream<Path> s = Files.list(twin.dir())) {
                        Run r = compile(s.sorted().map(Path::toString).toList(), twinOut);
                        assertEquals(0, r.exit, twin.id() + " compiles: " + r.err);
                    }
                    Map<String, byte[]> a = nodeFiles(dev.netc.e2e.lab.OutFiles.composed(dir));
                    Map<String, byte[]> b = nodeFiles(dev.netc.e2e.lab.OutFiles.composed(twinOut));
                    assertEquals(b.keySet(), a.keySet(), c.id() + ": node files");
                    for (String k : a.keySet()) {
                        assertEquals(new String(b.get(k), StandardCharsets.UTF_8), new String(a.get(k), StandardCharsets.UTF_8),
                                c.id() + ": " + k + " must be what " + twin.id() + " gives");
                    }
                    Trees.delete(twinOut);
                }
                case "did-you-mean" -> fail(c.id() + ": accepted, but it must be an error with a did-you-mean");
                case "warns" -> { } // checked with the exit code
                default -> fail("unknown check " + check.getKey());
            }
        }
    }

    private static Map<String, byte[]> nodeFiles(Map<String, byte[]> files) {
        Map<String, byte[]> m = new TreeMap<>();
        files.forEach((k, v) -> {
            if (k.startsWith("nodes/")) m.put(k, v);
        });
        return m;
    }

    /** C0 controls other than newline and tab, DEL, C1 controls, line/paragraph separators and format characters. */
    static void assertNoRawControls(String where, String text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            boolean bad = (ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029
                    || Character.getType(ch) == Character.FORMAT;
            if (bad) {
                int at = i;
                fail(where + ": raw U+" + String.format("%04X", (int) ch) + " at offset " + at + ": "
                        + HostileCorpus.escape(text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 40))));
            }
        }
    }

    // --------------------------------------------------------------------------------------------------------

    private void toolsLoad(String id, Path dir) throws Exception {
        NetnsTool.require("ip", "nft", "ipset", "iptables-restore", "ip6tables-restore", "nginx");
        if (netns == null) {
            netns = VirtualCluster.scratchName("hostile");
            Sh.ok("ip", "netns", "add", netns);
        }
        List<String> problems = new ArrayList<>();
        // node files composed of parts are loaded composed, as the applier loads them
        Map<String, byte[]> files = dev.netc.e2e.lab.OutFiles.composed(dir);
        for (String name : files.keySet()) {
            String base = name.substring(name.lastIndexOf('/') + 1);
            String text = new String(files.get(name), StandardCharsets.UTF_8);
            String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : "";
            if (base.endsWith(".nft")) {
                check(problems, name, digest(files.get(name)), () -> inNs(text, "nft", "-c", "-f", "-"));
            } else if (base.equals("iptables.rules") || base.equals("ip6tables.rules")) {
                String tool = base.startsWith("ip6") ? "ip6tables-restore" : "iptables-restore";
                byte[] sets = files.getOrDefault(folder + "/ipset.rules", new byte[0]);
                check(problems, name, digest(files.get(name)) + digest(sets), () -> {
                    inNs(null, "ipset", "destroy");
                    String r = inNs(new String(sets, StandardCharsets.UTF_8), "ipset", "restore");
                    if (r != null) return "ipset restore: " + r;
                    return inNs(text, tool, "--test");
                });
            } else if (base.equals("ipset.rules")) {
                check(problems, name, digest(files.get(name)) + "set", () -> {
                    inNs(null, "ipset", "destroy");
                    return inNs(text, "ipset", "restore");
                });
            } else if (name.equals("ingress/nginx.conf")) {
                StringBuilder key = new StringBuilder();
                files.forEach((k, v) -> {
                    if (k.startsWith("ingress/")) key.append(k).append(digest(v));
                });
                check(problems, name, digest(key.toString().getBytes(StandardCharsets.UTF_8)), () -> nginxTest(dir.resolve("ingress")));
            }
        }
        assertTrue(problems.isEmpty(), id + ": the real tools refuse the output:\n" + String.join("\n", problems));
    }

    interface ToolCheck {
        String run() throws Exception;
    }

    /** Runs a check once per distinct content; null = loaded. */
    private void check(List<String> problems, String name, String key, ToolCheck c) throws Exception {
        String r = toolCache.containsKey(key) ? toolCache.get(key) : c.run();
        toolCache.put(key, r);
        if (r != null) problems.add(name + ": " + r);
    }

    /** null when the tool exits 0, else its exit and output. */
    private String inNs(String stdin, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(cmd));
        Sh.Result r = Sh.run(stdin, full);
        if (cmd[0].equals("ipset") && cmd.length == 2 && cmd[1].equals("destroy")) return null;
        return r.exit() == 0 ? null : "exit " + r.exit() + ": " + clip(r.output());
    }

    private String nginxTest(Path ingress) throws IOException {
        Path prefix = Files.createTempDirectory(work, "nginx-");
        Trees.copy(ingress, prefix);
        Sh.Result r = Sh.run(null, List.of("nginx", "-t", "-q", "-p", prefix + "/", "-c", "nginx.conf"));
        Trees.delete(prefix);
        return r.exit() == 0 ? null : "nginx -t exit " + r.exit() + ": " + clip(r.output());
    }

    // --------------------------------------------------------------------------------------------------------

    static Map<String, byte[]> tree(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        if (!Files.exists(root)) return m;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static String digest(byte[] b) {
        return ContentHash.hex(b);
    }

    static String clip(String s) {
        return HostileCorpus.escape(s.length() > 1500 ? s.substring(0, 1500) + "..." : s).replace("\\u000a", "\n");
    }
}
