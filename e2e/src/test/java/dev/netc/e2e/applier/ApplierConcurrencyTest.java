package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.StateDir;
import dev.netc.applier.StateLock;
import dev.netc.applier.nft.NftRuleset;
import dev.netc.applier.xt.XtRules;
import dev.netc.e2e.lab.Lab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Appliers killed with SIGKILL at random moments, and two appliers at once. Each applier runs as its own JVM
 * (as on a node), so the kill and the lock are real.
 */
class ApplierConcurrencyTest {
    static final int KILLS = 50;

    @BeforeAll
    static void tools() {
        Lab.require();
    }

    /** A {@code netc apply} in a JVM of its own, for the namespace and state of {@code lab}. */
    static Process spawn(ApplyLab lab, Path out, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.netc.cli.Netc",
                "apply", "--node", "n1", "--netns", lab.ns, "--state-dir", lab.state.toString(), "--lock-timeout", "60"));
        cmd.addAll(List.of(more));
        cmd.add(out.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    static String nftState(ApplyLab lab) throws Exception {
        return NftRuleset.parse(lab.sh("nft", "-s", "list", "ruleset")).canonical();
    }

    static String xtState(ApplyLab lab, String save) throws Exception {
        return XtRules.parse(lab.sh(save)).ownedListing();
    }

    /** Waits until no tool the killed applier started is still running in the namespace. */
    static void settle(ApplyLab lab) throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            String pids = dev.netc.e2e.lab.Sh.run(null, List.of("ip", "netns", "pids", lab.ns)).output().strip();
            if (pids.isEmpty()) return;
            Thread.sleep(20);
        }
        throw new AssertionError("tools of a killed applier still run in " + lab.ns + " after 30 s");
    }

    @Test
    void fiftyKilledNftablesAppliesLeaveTheOldOrTheNewRuleset() throws Exception {
        killed("nftables");
    }

    @Test
    void fiftyKilledIptablesAppliesLeaveTheOldOrTheNewRules() throws Exception {
        killed("iptables");
    }

    private void killed(String backend) throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            boolean nft = backend.equals("nftables");
            // The two states a kill may leave, as the kernel prints them.
            assertEquals(0, lab.apply("--backend", backend, b.toString()).exit());
            List<String> stateB = states(lab, nft);
            assertEquals(0, lab.apply("--backend", backend, a.toString()).exit());
            List<String> stateA = states(lab, nft);
            // How long one apply takes here, so that kills land before, during and after the transaction.
            long t0 = System.nanoTime();
            Process timing = spawn(lab, b, "--backend", backend);
            java.io.BufferedReader timingOut = timing.inputReader(StandardCharsets.UTF_8);
            long planned = awaitPlan(timingOut) ? (System.nanoTime() - t0) / 1_000_000 : 0;
            assertTrue(timing.waitFor(120, TimeUnit.SECONDS));
            long full = (System.nanoTime() - t0) / 1_000_000;
            long tail = Math.max(20, full - planned); // from the printed plan to the end: where the kernel changes
            assertEquals(0, timing.exitValue(), "the timing apply failed");
            long seed = System.nanoTime();
            Random random = new Random(seed);
            int old = 0;
            int now = 0;
            int finished = 0;
            for (int i = 0; i < KILLS; i++) {
                Path target = i % 2 == 0 ? a : b;
                List<String> before = states(lab, nft);
                Process p = spawn(lab, target, "--backend", backend);
                if (i % 4 < 2) {
                    // right after the plan is printed, up to a little past the end: kills during the transaction
                    awaitPlan(p.inputReader(StandardCharsets.UTF_8));
                    Thread.sleep(random.nextInt((int) (tail * 12 / 10)));
                } else {
                    // anywhere from the start (JVM start, verification, planning) to a little past the end
                    Thread.sleep(random.nextInt((int) Math.max(50, full * 11 / 10)));
                }
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
                if (p.exitValue() == 0) finished++;
                settle(lab);
                List<String> after = states(lab, nft);
                String which = after.equals(stateA) ? "a" : after.equals(stateB) ? "b" : null;
                assertTrue(which != null, "kill " + i + " (seed " + seed + ") left neither artifact:\n" + String.join("\n", after));
                if (after.equals(before)) old++;
                else now++;
            }
            System.out.printf("%s: %d SIGKILLed applies (one apply takes %d ms, %d ms after its plan): %d left the old rules,"
                    + " %d the new, %d had finished%n", backend, KILLS, full, tail, old, now, finished);
            ApplyLab.Run next = lab.apply("--backend", backend, b.toString());
            assertEquals(0, next.exit(), next.all());
            assertEquals(0, lab.apply("--backend", backend, "--check", b.toString()).exit());
            assertEquals(stateB, states(lab, nft));
        }
    }

    /** Reads the applier's output up to its plan line; false when it ended first. */
    static boolean awaitPlan(java.io.BufferedReader out) throws java.io.IOException {
        for (String l = out.readLine(); l != null; l = out.readLine()) if (l.contains("plan for node")) return true;
        return false;
    }

    /** The kernel's netc state: for nftables one ruleset (one transaction); for iptables each family's file. */
    private static List<String> states(ApplyLab lab, boolean nft) throws Exception {
        if (nft) return List.of(nftState(lab));
        return List.of(xtState(lab, "iptables-save"), xtState(lab, "ip6tables-save"));
    }

    @Test
    void twoAppliersAtOnceEndWithOneOfTheTwoArtifacts() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            for (int round = 0; round < 3; round++) {
                Process p1 = spawn(lab, a, "--backend", "nftables");
                Process p2 = spawn(lab, b, "--backend", "nftables");
                assertTrue(p1.waitFor(120, TimeUnit.SECONDS) && p2.waitFor(120, TimeUnit.SECONDS));
                String o1 = new String(p1.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String o2 = new String(p2.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, p1.exitValue(), o1);
                assertEquals(0, p2.exitValue(), o2);
                int checkA = lab.apply("--check", a.toString()).exit();
                int checkB = lab.apply("--check", b.toString()).exit();
                assertTrue(checkA == 0 ^ checkB == 0, "exactly one artifact is in place: " + checkA + " " + checkB);
            }
        }
    }

    @Test
    void anApplierThatCannotGetTheLockFailsCleanly() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            String before = lab.nftRuleset();
            try (StateLock held = new StateDir(lab.state).lock(Duration.ofSeconds(1))) {
                ApplyLab.Run r = lab.netc(List.of("apply", "--node", "n1", "--netns", lab.ns, "--state-dir", lab.state.toString(),
                        "--lock-timeout", "1", a.toString()));
                assertEquals(4, r.exit(), r.all());
                assertTrue(r.err().contains("another netc apply holds") && r.err().contains("Nothing was changed"), r.err());
                assertTrue(held != null);
            }
            assertEquals(before, lab.nftRuleset());
            assertEquals(0, lab.apply(a.toString()).exit(), "once the lock is free the apply goes through");
        }
    }
}
