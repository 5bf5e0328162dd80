package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.e2e.hostile.Corpus;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The applier-tampering cases of the hostile corpus ({@code expect = refuse}): the shop sample compiled, then
 * changed as the case's {@code tamper.txt} says, the manifest re-hashed (anyone who can write OUT can do that),
 * and {@code netc apply --dry-run} then {@code netc apply} run in a fresh namespace. Both must exit 5 (refused),
 * within 10 s, without a stack trace, and leave a foreign nft table and the namespace's rules as they were.
 */
class HostileApplierTest {
    static final long LIMIT_MS = 10_000;

    @TestFactory
    Stream<DynamicTest> tampering() throws IOException {
        List<Corpus.Entry> cases = Corpus.read().stream().filter(e -> e.expect().equals("refuse")).toList();
        assertFalse(cases.isEmpty());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.id() + " (" + c.attacks() + ")", () -> run(c)));
    }

    private void run(Corpus.Entry c) throws Exception {
        Lab.require();
        Lab.requireNginx();
        List<String> ops = Files.readAllLines(c.dir().resolve("tamper.txt"));
        String backend = ops.get(0).replaceFirst("^backend ", "");
        try (ApplyLab lab = new ApplyLab()) {
            lab.sh("nft", "add table inet filter");
            lab.sh("nft", "add chain inet filter input { type filter hook input priority 0; policy accept; }");
            String nftBefore = lab.nftRuleset();
            String iptBefore = lab.iptablesSave();
            Path out = lab.compile("base", null);
            ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "hostile-apply");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Path> fifos = new ArrayList<>();
                for (String op : ops.subList(1, ops.size())) apply(out, op, fifos);
                Path prefix = lab.dir.resolve("nginx-prefix");
                List<String> args = new ArrayList<>(List.of("--backend", backend, "--nginx-prefix", prefix.toString()));
                for (boolean dry : backend.equals("nginx") ? List.of(true) : List.of(true, false)) {
                    List<String> a = new ArrayList<>(args);
                    if (dry) a.add("--dry-run");
                    a.add(out.toString());
                    long start = System.nanoTime();
                    Future<ApplyLab.Run> f = ex.submit(() -> lab.apply(a.toArray(String[]::new)));
                    ApplyLab.Run r;
                    try {
                        r = f.get(LIMIT_MS, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        for (Path fifo : fifos) unblock(fifo);
                        f.cancel(true);
                        fail(c.id() + ": netc apply" + (dry ? " --dry-run" : "") + " took more than " + LIMIT_MS + " ms");
                        return;
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    String mode = dry ? "apply --dry-run" : "apply";
                    assertFalse(r.all().contains("Exception") || r.all().contains("at dev.netc"), c.id() + ": stack trace: " + r.all());
                    assertEquals(5, r.exit(), c.id() + ": " + mode + " must refuse (exit 5), got " + r.exit() + ": " + r.all());
                    assertTrue(ms < LIMIT_MS, c.id() + ": took " + ms + " ms");
                    assertEquals(nftBefore, lab.nftRuleset(), c.id() + ": " + mode + " changed the namespace's nftables");
                    assertEquals(iptBefore, lab.iptablesSave(), c.id() + ": " + mode + " changed the namespace's iptables");
                }
                if (backend.equals("nginx")) {
                    for (String p : List.of("/tmp/netc-evil-error.log", "/tmp/netc-evil.pid", "/tmp/netc-evil-access.log")) {
                        assertFalse(Files.exists(Path.of(p)), c.id() + ": --dry-run created " + p);
                    }
                }
            } finally {
                ex.shutdownNow();
                for (String p : List.of("/tmp/netc-evil-error.log", "/tmp/netc-evil.pid", "/tmp/netc-evil-access.log")) Files.deleteIfExists(Path.of(p));
            }
        }
    }

    /** Opening a FIFO for writing and closing it gives its blocked reader end-of-file. */
    private static void unblock(Path fifo) {
        Sh.run(null, List.of("sh", "-c", "timeout 2 sh -c ': > \"$0\"' " + "'" + fifo + "'"));
    }

    /** One line of tamper.txt: {@code OP FILE [ARG…]}; the manifest is re-hashed where a file's content changed. */
    private static void apply(Path out, String line, List<Path> fifos) throws IOException {
        String[] w = line.split(" ", 3);
        String op = w[0];
        String file = w[1];
        String arg = w.length > 2 ? w[2].replace("\\n", "\n") : "";
        Path f = out.resolve(file);
        switch (op) {
            case "append" -> write(out, file, read(f) + arg + "\n");
            case "prepend" -> write(out, file, arg + "\n" + read(f));
            case "before-commit" -> {
                String t = read(f);
                // the filter table's COMMIT: that is where INPUT and FORWARD live
                int i = t.indexOf("COMMIT", Math.max(0, t.indexOf("*filter")));
                assertTrue(t.contains("*filter") && i >= 0, file + " has a filter table");
                write(out, file, t.substring(0, i) + arg + "\n" + t.substring(i));
            }
            case "before-last-brace" -> {
                String t = read(f);
                int i = t.lastIndexOf('}');
                write(out, file, t.substring(0, i) + "    " + arg + "\n" + t.substring(i));
            }
            case "replace" -> {
                String[] p = arg.split(" ", 2);
                String[] q = p[1].split(" ", 2);
                String from = p[0] + " " + q[0];
                String to = q[1];
                String t = read(f);
                assertTrue(t.contains(from), file + " holds " + from);
                write(out, file, t.replace(from, to));
            }
            case "regex" -> {
                int split = arg.indexOf("; ");
                String pattern = arg.substring(0, split + 1);
                String to = arg.substring(split + 2);
                String t = read(f);
                assertTrue(t.matches("(?s).*" + pattern + ".*"), file + " matches " + pattern);
                write(out, file, t.replaceAll(pattern, Matcher.quoteReplacement(to)));
            }
            case "fifo" -> {
                Files.delete(f);
                Sh.ok("mkfifo", f.toString());
                fifos.add(f);
            }
            case "symlink" -> {
                Files.delete(f);
                Path target = Path.of(arg);
                Files.createSymbolicLink(f, target);
                if (Files.isRegularFile(target)) ApplyLab.rehash(out, file);
            }
            case "mknod-zero" -> {
                Files.delete(f);
                Sh.ok("mknod", f.toString(), "c", "1", "5");
            }
            case "symlink-dir" -> {
                Path moved = out.resolveSibling(out.getFileName() + "-moved-" + f.getFileName());
                Files.move(f, moved);
                Files.createSymbolicLink(f, moved);
            }
            case "huge" -> {
                long size = Long.parseLong(arg);
                try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) {
                    r.setLength(size);
                }
                ApplyLab.rehash(out, file);
            }
            case "manifest-path" -> {
                ObjectMapper m = new ObjectMapper();
                Path manifest = out.resolve("netc-manifest.json");
                ObjectNode root = (ObjectNode) m.readTree(manifest.toFile());
                root.get("artifacts").forEach(a -> {
                    if (a.get("path").asText().equals(file)) ((ObjectNode) a).put("path", arg);
                });
                Files.writeString(manifest, root.toPrettyString());
            }
            default -> fail("unknown tamper op " + op);
        }
    }

    private static String read(Path f) throws IOException {
        return Files.readString(f);
    }

    private static void write(Path out, String file, String text) throws IOException {
        Files.writeString(out.resolve(file), text);
        ApplyLab.rehash(out, file);
    }
}
