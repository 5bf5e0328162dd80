package dev.netc.applier.xt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.Change;
import dev.netc.applier.Script;
import dev.netc.applier.xt.XtPlanner.Way;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** The iptables planner without root: the way an apply goes, and the incremental change between two artifacts. */
class XtPlannerTest {
    static final String A = """
            *nat
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-ONE - [0:0]
            :KUBE-SEP-1 - [0:0]
            :KUBE-SEP-2 - [0:0]
            :KUBE-SVC-OLD - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-ONE
            -A KUBE-SERVICES -d 10.96.0.2/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-OLD
            -A KUBE-SVC-ONE -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-1
            -A KUBE-SVC-ONE -j KUBE-SEP-2
            -A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination 10.244.1.1:8080
            -A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination 10.244.1.2:8080
            -A KUBE-SVC-OLD -j KUBE-SEP-1
            COMMIT
            """;

    /** One endpoint more for KUBE-SVC-ONE; KUBE-SVC-OLD gone with its Service. */
    static final String B = """
            *nat
            :KUBE-SERVICES - [0:0]
            :KUBE-SVC-ONE - [0:0]
            :KUBE-SEP-1 - [0:0]
            :KUBE-SEP-2 - [0:0]
            :KUBE-SEP-3 - [0:0]
            -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
            -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-ONE
            -A KUBE-SVC-ONE -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1
            -A KUBE-SVC-ONE -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2
            -A KUBE-SVC-ONE -j KUBE-SEP-3
            -A KUBE-SEP-1 -p tcp -m tcp -j DNAT --to-destination 10.244.1.1:8080
            -A KUBE-SEP-2 -p tcp -m tcp -j DNAT --to-destination 10.244.1.2:8080
            -A KUBE-SEP-3 -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:8080
            COMMIT
            """;

    @Test
    void incrementalOnlyForANewBundleAfterAnApplyThatFinished() {
        assertEquals(Way.INCREMENTAL, XtPlanner.route(false, false, false, true, true).way());
        assertEquals(Way.SAVE, XtPlanner.route(true, false, false, true, true).way(), "a re-apply looks at the kernel");
        assertEquals(Way.SAVE, XtPlanner.route(false, true, false, true, true).way(), "--full");
        assertEquals(Way.SAVE, XtPlanner.route(false, false, true, true, true).way(), "--dry-run");
        assertEquals(Way.SAVE, XtPlanner.route(false, false, false, false, true).way(), "first apply");
        XtPlanner.Route killed = XtPlanner.route(false, false, false, true, false);
        assertEquals(Way.SAVE, killed.way());
        assertEquals("the last apply did not finish", killed.why());
    }

    @Test
    void anEndpointChangeRewritesTheServiceChainAddsTheEndpointAndRemovesTheStaleChain() throws Exception {
        XtRules a = XtRules.parse(A);
        XtRules b = XtRules.parse(B);
        SortedMap<String, XtPlanner.TableDelta> d = XtPlanner.deltas(a, b);
        XtPlanner.TableDelta nat = d.get("nat");
        assertEquals(Set.of("KUBE-SEP-3"), nat.added());
        assertEquals(Set.of("KUBE-SVC-OLD"), nat.removed());
        assertEquals(Set.of("KUBE-SERVICES", "KUBE-SVC-ONE"), nat.changed());
        assertFalse(nat.jumpsDiffer());
        assertEquals(List.of("+ iptables nat KUBE-SEP-3: 1 rules", "~ iptables nat KUBE-SERVICES: 1 rules (was 2)",
                "- iptables nat KUBE-SVC-OLD: 1 rules", "~ iptables nat KUBE-SVC-ONE: 3 rules (was 2)"),
                XtPlanner.plan(Map.of("iptables", d)).stream().map(Change::toString).toList());

        // Read from the kernel: the chains rewritten or removed that the last apply made, and the built-in chains with jumps.
        assertEquals(Map.of("nat", Set.of("KUBE-SERVICES", "KUBE-SVC-ONE", "KUBE-SVC-OLD", "PREROUTING", "OUTPUT")), XtPlanner.chainsToRead(a, d));

        Script s = XtPlanner.script(b, XtPlanner.kernelView(a, Map.of()), Optional.of(d));
        assertEquals("""
                *nat
                :KUBE-SEP-3 - [0:0]
                :KUBE-SERVICES - [0:0]
                :KUBE-SVC-ONE - [0:0]
                -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-ONE
                -A KUBE-SVC-ONE -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1
                -A KUBE-SVC-ONE -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2
                -A KUBE-SVC-ONE -j KUBE-SEP-3
                -A KUBE-SEP-3 -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:8080
                :KUBE-SVC-OLD - [0:0]
                -X KUBE-SVC-OLD
                COMMIT
                """, s.text());
        assertEquals(9, s.origin(5), "a rule keeps its artifact line");

        // The scratch namespace gets the rewritten chains and, declared empty, the chains they jump to.
        assertEquals("""
                *nat
                :KUBE-SEP-1 - [0:0]
                :KUBE-SEP-2 - [0:0]
                :KUBE-SEP-3 - [0:0]
                :KUBE-SERVICES - [0:0]
                :KUBE-SVC-ONE - [0:0]
                -A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-ONE
                -A KUBE-SVC-ONE -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-1
                -A KUBE-SVC-ONE -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-2
                -A KUBE-SVC-ONE -j KUBE-SEP-3
                -A KUBE-SEP-3 -p tcp -m tcp -j DNAT --to-destination 10.244.1.3:8080
                COMMIT
                """, XtPlanner.validation(b, d).text());
    }

    @Test
    void changedJumpsAreDeletedAsTheKernelListsThem() throws Exception {
        String b = B.replace("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n", "");
        XtRules a = XtRules.parse(A);
        SortedMap<String, XtPlanner.TableDelta> d = XtPlanner.deltas(a, XtRules.parse(b));
        assertTrue(d.get("nat").jumpsDiffer());
        // iptables -S prints matches its own way: the jumps deleted are the kernel's text, compared by chain and target
        List<XtRules.Rule> listed = XtablesApplier.listedJumps("nat", """
                -P PREROUTING ACCEPT
                -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
                -A PREROUTING -s 192.0.2.0/24 -j ACCEPT
                """);
        assertEquals(1, listed.size(), "a foreign rule is not netc's jump");
        assertTrue(XtPlanner.sameJumpTargets(a.tables().get("nat").ownedJumps().stream().filter(r -> r.chain().equals("PREROUTING")).toList(), listed));
        assertFalse(XtPlanner.sameJumpTargets(a.tables().get("nat").ownedJumps(), listed));
        List<XtRules.Rule> kernelJumps = List.of(new XtRules.Rule("PREROUTING", "-m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES", false, 0),
                new XtRules.Rule("OUTPUT", "-m comment --comment kernel-form -j KUBE-SERVICES", false, 0));
        String text = XtPlanner.script(XtRules.parse(b), XtPlanner.kernelView(a, Map.of("nat", kernelJumps)), Optional.of(d)).text();
        assertTrue(text.contains("-D PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
                + "-D OUTPUT -m comment --comment kernel-form -j KUBE-SERVICES\n"), text);
        assertTrue(text.contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"), text);
        assertFalse(text.contains("-A OUTPUT"), text);
    }
}
