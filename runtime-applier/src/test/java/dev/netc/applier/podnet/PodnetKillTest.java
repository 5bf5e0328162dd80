package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.Request;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety: 50 appliers, each in a child JVM, killed with SIGKILL at a random moment of their requests (from the
 * plan printed right before the first one to the time an unkilled child's take, measured first), alternating
 * between two plans; after each kill the route set the winning netc rule names is exactly the old one or the new
 * one, lookups agree with it, and the next apply succeeds and leaves no drift.
 */
class PodnetKillTest {
    static final int ROUTES = 600;
    static final int RUNS = 50;
    /** Attempts at most: a kill that comes after the child finished is not counted, and the next attempt made. */
    static final int ATTEMPTS = 4 * RUNS;

    @BeforeAll
    static void lab() {
        PodnetLab.require();
    }

    /** Plan {@code which} (0 or 1): the same pod CIDRs through node .12 or .13, and one CIDR only each plan has. */
    static String plan(int which) {
        StringBuilder b = new StringBuilder("mode host-gw\n");
        String gw = which == 0 ? "192.168.77.12" : "192.168.77.13";
        for (int i = 0; i < ROUTES; i++) b.append("route 10.").append(100 + i / 250).append('.').append(i % 250).append(".0/24 via ").append(gw).append('\n');
        b.append("route 10.99.").append(which).append(".0/24 via ").append(gw).append('\n');
        return b.toString();
    }

    /** The routes of {@code plan} as {@code ip route show} prints them (dev eth0, where the kernel resolved the gateway). */
    static Set<String> expected(String plan) {
        Set<String> out = new TreeSet<>();
        plan.lines().filter(l -> l.startsWith("route ")).forEach(l -> {
            String[] t = l.split(" ");
            out.add(t[1] + " via " + t[3] + " dev eth0");
        });
        return out;
    }

    /** A child JVM applying {@code out} ({@link PodnetChild}). */
    static Process child(PodnetLab lab, Path out) throws java.io.IOException {
        String cp = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", cp, PodnetChild.class.getName(), out.toString(), lab.dir.resolve("state").toString(), lab.ns)
                .redirectErrorStream(true).start();
    }

    static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads the child's lines up to its plan, printed right before its first request. */
    static void untilPlan(BufferedReader r) throws java.io.IOException {
        assertEquals("start", r.readLine(), "the child started");
        String line;
        do {
            line = r.readLine();
        } while (line != null && !line.startsWith("podnet: plan for node"));
        assertTrue(line != null, "the child printed its plan");
    }

    @Test
    void everyKilledApplyLeavesTheOldOrTheNewSetAndTheNextApplySucceeds() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (PodnetLab lab = new PodnetLab()) {
            List<Path> outs = List.of(lab.out(plan(0)), lab.out(plan(1)));
            List<Set<String>> sets = List.of(expected(plan(0)), expected(plan(1)));
            assertEquals(0, lab.apply(outs.get(0)).exit());
            // how long the requests of a whole apply take here: from the plan printed to an unkilled child's exit
            Process timed = child(lab, outs.get(1));
            BufferedReader tr = reader(timed);
            untilPlan(tr);
            long planAt = System.nanoTime();
            tr.transferTo(java.io.Writer.nullWriter());
            assertTrue(timed.waitFor(60, TimeUnit.SECONDS) && timed.exitValue() == 0, "an unkilled child applies");
            int windowUs = (int) Math.max(20_000, (System.nanoTime() - planAt) / 1000);
            assertEquals(0, lab.apply(outs.get(0)).exit());
            int current = 0;
            int sawNew = 0;
            int sawTransition = 0;
            int sawFinished = 0;
            int interrupted = 0;
            int run = 0;
            for (; run < ATTEMPTS && interrupted < RUNS; run++) {
                int target = 1 - current;
                Process child = child(lab, outs.get(target));
                untilPlan(reader(child));
                TimeUnit.MICROSECONDS.sleep(random.nextInt(windowUs));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                String rules = lab.in("ip", "-4", "rule", "show");
                if (rules.contains("99:")) sawTransition++;
                boolean finished = child.exitValue() == 0;
                if (finished) sawFinished++;
                else interrupted++;
                int active = lab.activeTable();
                Set<String> seen = new TreeSet<>(lab.table(active));
                String msg = "run " + run + " (seed " + seed + "), rules:\n" + rules;
                assertTrue(seen.equals(sets.get(current)) || seen.equals(sets.get(target)), msg + "\nactive table " + active + " is neither set");
                int holds = seen.equals(sets.get(target)) ? target : current;
                if (holds == target) sawNew++;
                // A lookup uses that set: both plans' common CIDRs go where the active set says.
                for (String probe : List.of("10.100.0.9", "10.101.99.9", "10.102.99.9")) {
                    String via = lab.in("ip", "route", "get", probe);
                    assertTrue(via.contains(holds == 0 ? "via 192.168.77.12" : "via 192.168.77.13"), msg + via);
                }
                PodnetLab.Run next = lab.apply(outs.get(target));
                assertEquals(0, next.exit(), msg + next.all());
                assertEquals(sets.get(target), new TreeSet<>(lab.table(lab.activeTable())), msg);
                assertEquals(0, lab.apply(outs.get(target), Request.Mode.CHECK).exit(), msg);
                current = target;
            }
            // the kills must land among the requests, not after the apply: else the test would prove nothing
            assertEquals(RUNS, interrupted, interrupted + " of " + run + " kills interrupted an apply (window " + windowUs + " µs)");
            System.out.println("PodnetKillTest: " + run + " kills (seed " + seed + ", window " + windowUs + " µs): " + interrupted
                    + " interrupted an apply, " + sawFinished + " came after it; " + sawNew + " left the new set, " + (run - sawNew)
                    + " the old one, " + sawTransition + " in the middle of the rule switch");
            List<String> leftover = new ArrayList<>(lab.table(lab.activeTable() == PodnetPlanner.TABLE_A ? PodnetPlanner.TABLE_B : PodnetPlanner.TABLE_A));
            assertEquals(List.of(), leftover, "the inactive table is empty after a complete apply");
        }
    }
}
