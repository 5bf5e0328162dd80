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
 * Crash safety: 50 appliers, each in a child JVM, killed with SIGKILL at a random moment of their apply, alternating
 * between two plans; after each kill the route set the winning netc rule names is exactly the old one or the new
 * one, lookups agree with it, and the next apply succeeds and leaves no drift.
 */
class PodnetKillTest {
    static final int ROUTES = 600;
    static final int RUNS = 50;
    /**
     * When the child is killed: from the moment it prints its plan, right before the first request, within the time its
     * requests take (~0.35 s here: 601 replaces, the switch and 601 deletes), so that most kills land among them and a
     * few after the apply.
     */
    static final int KILL_WINDOW_US = Integer.getInteger("netc.podnet.killWindowUs", 450_000);

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

    @Test
    void everyKilledApplyLeavesTheOldOrTheNewSetAndTheNextApplySucceeds() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (PodnetLab lab = new PodnetLab()) {
            List<Path> outs = List.of(lab.out(plan(0)), lab.out(plan(1)));
            List<Set<String>> sets = List.of(expected(plan(0)), expected(plan(1)));
            assertEquals(0, lab.apply(outs.get(0)).exit());
            int current = 0;
            int sawNew = 0;
            int sawTransition = 0;
            int sawFinished = 0;
            String cp = System.getProperty("java.class.path");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int run = 0; run < RUNS; run++) {
                int target = 1 - current;
                Process child = new ProcessBuilder(java, "-cp", cp, PodnetChild.class.getName(), outs.get(target).toString(),
                        lab.dir.resolve("state").toString(), lab.ns).redirectErrorStream(true).start();
                BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("start", r.readLine(), "the child started");
                String line;
                while ((line = r.readLine()) != null && !line.startsWith("podnet: plan for node")) {
                    // the applier's lines before its plan
                }
                assertTrue(line != null, "the child printed its plan");
                TimeUnit.MICROSECONDS.sleep(random.nextInt(KILL_WINDOW_US));
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                String rules = lab.in("ip", "-4", "rule", "show");
                if (rules.contains("99:")) sawTransition++;
                boolean finished = child.exitValue() == 0;
                if (finished) sawFinished++;
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
            assertTrue(RUNS - sawFinished >= RUNS / 2, (RUNS - sawFinished) + " of " + RUNS + " kills interrupted an apply");
            System.out.println("PodnetKillTest: " + RUNS + " kills (seed " + seed + "): " + sawNew + " left the new set (" + sawFinished
                    + " of them had finished), " + (RUNS - sawNew) + " the old one, " + sawTransition + " in the middle of the rule switch");
            List<String> leftover = new ArrayList<>(lab.table(lab.activeTable() == PodnetPlanner.TABLE_A ? PodnetPlanner.TABLE_B : PodnetPlanner.TABLE_A));
            assertEquals(List.of(), leftover, "the inactive table is empty after a complete apply");
        }
    }
}
