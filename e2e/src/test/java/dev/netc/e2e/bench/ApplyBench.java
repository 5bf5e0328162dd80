package dev.netc.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.cli.Netc;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a benchmark (tag "bench"; run it with bench/apply.sh). For 10,000 Services of 3 endpoints (and
 * one more Service, whose endpoints change) it prints the wall time of {@code netc apply} on a namespace: the
 * first (full) apply, then a change of one endpoint (added, then removed) applied incrementally and with
 * {@code --full}, over several rounds, for nftables and iptables; the medians and their ratio (issue 14:
 * incremental at most 5% of full for nftables, 10% for iptables). Ratios compare runs of one process on one
 * machine: read them, not the absolute times, on a shared machine. One round of each kind runs first, unmeasured,
 * so that the medians are of code the JIT has compiled (the first apply compiles only the full way's); a node's
 * applier is a new process each time, whose incremental apply the note measures apart with bin/netc.
 */
@Tag("bench")
class ApplyBench {
    static final int SERVICES = Integer.getInteger("netc.bench.services", 10000);
    static final int RUNS = Integer.getInteger("netc.bench.rounds", 3);
    /** The backends measured, comma-separated (default both). */
    static final String[] BACKENDS = System.getProperty("netc.bench.backends", "nftables,iptables").split(",");

    @Test
    void fullVersusIncrementalApply() throws Exception {
        Lab.require();
        Path dir = Files.createTempDirectory("netc-apply-bench-");
        String id = UUID.randomUUID().toString().substring(0, 8);
        List<String> namespaces = new ArrayList<>();
        try {
            Path a = compile(dir, "a", ServicesDatapathBench.manifest(SERVICES) + oneService(2));
            Path b = compile(dir, "b", ServicesDatapathBench.manifest(SERVICES) + oneService(3));
            System.out.printf("BENCH apply: %d Services x 3 endpoints; nftables.nft %d KB, iptables.rules %d KB%n", SERVICES,
                    dev.netc.e2e.lab.OutFiles.composed(a).get("nodes/n1/nftables.nft").length / 1024,
                    dev.netc.e2e.lab.OutFiles.composed(a).get("nodes/n1/iptables.rules").length / 1024);
            for (String backend : BACKENDS) {
                // A namespace per backend: iptables-nft reads every table of its family, a large netc nft table
                // left in the same namespace would slow iptables-save tenfold.
                String ns = "netc-ab-" + backend.charAt(0) + "-" + id;
                Sh.ok("ip", "netns", "add", ns);
                namespaces.add(ns);
                Path state = dir.resolve("state-" + backend);
                long first = apply(ns, state, backend, a, true);
                System.out.printf("BENCH apply %s: first apply %d ms%n", backend, first);
                List<Long> inc = new ArrayList<>();
                List<Long> full = new ArrayList<>();
                transactions.clear();
                apply(ns, state, backend, b, false); // the warm-up round
                apply(ns, state, backend, a, false);
                apply(ns, state, backend, b, true);
                apply(ns, state, backend, a, true);
                transactions.clear();
                for (int r = 0; r < RUNS; r++) {
                    inc.add(apply(ns, state, backend, b, false));
                    inc.add(apply(ns, state, backend, a, false));
                    full.add(apply(ns, state, backend, b, true));
                    full.add(apply(ns, state, backend, a, true));
                }
                System.out.printf("BENCH apply %s: one endpoint added or removed at %d Services, wall time of netc apply: full %s ms, incremental %s ms%n",
                        backend, SERVICES, full, inc);
                if (!transactions.isEmpty()) System.out.printf("BENCH apply %s: of which the kernel transaction (nftables) or the ipset + iptables-restore unit: %s%n", backend, transactions);
                long fm = median(full);
                long im = median(inc);
                System.out.printf("BENCH apply %s: median full %d ms, median incremental %d ms: incremental = %.1f%% of full (goal: at most %d%%)%n",
                        backend, fm, im, 100.0 * im / fm, backend.equals("nftables") ? 5 : 10);
            }
        } finally {
            for (String ns : namespaces) Sh.run(null, List.of("ip", "netns", "del", ns));
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A Service "one" in namespace bench with {@code endpoints} pods (app: one), so that a change of one is one endpoint. */
    static String oneService(int endpoints) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < endpoints; i++) {
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: one-").append(i).append(", namespace: bench, labels: {app: one}}\n")
                    .append("spec:\n  nodeName: n1\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\n")
                    .append("status: {podIP: 10.244.1.").append(20 + i).append("}\n");
        }
        return b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: one, namespace: bench}\n")
                .append("spec:\n  clusterIP: 10.100.0.1\n  selector: {app: one}\n  ports: [{port: 80, targetPort: 8080}]\n").toString();
    }

    static long median(List<Long> xs) {
        List<Long> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    static Path compile(Path dir, String name, String yaml) throws Exception {
        Path in = dir.resolve(name + ".yaml");
        Files.writeString(in, yaml);
        Path out = dir.resolve(name);
        assertEquals(0, Netc.run(new String[] {"compile", in.toString(), "-o", out.toString(), "--backend", "nftables,iptables"},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        return out;
    }

    /** The transaction times netc apply reports, in the order of the applies. */
    private final List<String> transactions = new ArrayList<>();

    long apply(String ns, Path state, String backend, Path out, boolean full) {
        List<String> args = new ArrayList<>(List.of("apply", "--node", "n1", "--netns", ns, "--state-dir", state.toString(),
                "--backend", backend, out.toString()));
        if (full) args.add("--full");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        long t0 = System.nanoTime();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, code, o + "\n" + e);
        String mode = o.toString().contains("(incremental") || o.toString().contains("(changed chains") ? "incremental" : "full";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) ms transaction|restore (\\d+) ms").matcher(o.toString());
        if (m.find()) transactions.add(mode + " " + (m.group(1) != null ? m.group(1) : m.group(2)) + " ms");
        if (!full && !mode.equals("incremental")) throw new AssertionError("expected an incremental apply: " + o);
        return ms;
    }
}
