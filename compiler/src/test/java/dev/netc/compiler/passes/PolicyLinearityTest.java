package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Pass;
import dev.netc.compiler.WorkCounters;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.plan.NetworkPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy passes are linear, proved by counting their work, not by timing it: doubling the namespaces of a
 * generated cluster (every namespace of the same shape: pods, Services, policies with podSelector,
 * namespaceSelector, ipBlock and named-port rules, plus one AdminNetworkPolicy and the baseline over all of them)
 * at most doubles each pass's counter. The cluster's fixed part (kube-system, the nodes, the two admin policies)
 * does not double, so a linear pass stays under twice its count with no slack; a pass that scans every pod per
 * rule or per pod grows about four times (the former single pass: 39,244, 148,876 and 579,340 selector
 * evaluations at 8, 16 and 32 namespaces of 12 pods).
 */
class PolicyLinearityTest {
    private static final List<String> COUNTERS = List.of(ResolveNetworkPolicies.COUNTER, ResolveAdminTiers.COUNTER,
            MergePolicy.COUNTER);

    private static WorkCounters work(int namespaces) {
        NetworkPlan compiled = PolicyClusterGenerator.compile(namespaces, 12, 4);
        WorkCounters counters = new WorkCounters();
        NetworkPlan plan = compiled;
        for (Pass<NetworkPlan, NetworkPlan> p : List.of(new ResolveNetworkPolicies(counters),
                new ResolveAdminTiers(counters), new MergePolicy(counters))) {
            plan = p.apply(plan, new Diagnostics());
        }
        assertEquals(compiled, plan, "the passes run again give the pipeline's plan");
        return counters;
    }

    @Test
    void doublingTheNamespacesAtMostDoublesTheWorkOfEachPolicyPass() {
        WorkCounters previous = work(10);
        for (int namespaces : new int[] {20, 40}) {
            WorkCounters doubled = work(namespaces);
            for (String c : COUNTERS) {
                long before = previous.get(c);
                long after = doubled.get(c);
                assertTrue(before > 0, c + " counts nothing");
                assertTrue(after <= 2 * before, c + ": " + before + " at " + namespaces / 2 + " namespaces, " + after
                        + " at " + namespaces + " (more than twice)");
            }
            previous = doubled;
        }
    }

    @Test
    void theGeneratedClusterExercisesEveryKindOfRule() {
        NetworkPlan plan = PolicyClusterGenerator.compile(4, 12, 4);
        var pods = plan.nodes().stream().flatMap(n -> n.policy().pods().stream()).toList();
        assertEquals(4 * 12 + 2, pods.size(), "every pod is isolated or an admin subject");
        assertTrue(pods.stream().anyMatch(p -> !p.adminIngress().isEmpty() && !p.adminEgress().isEmpty()), "admin tier");
        assertTrue(pods.stream().anyMatch(p -> !p.baselineIngress().isEmpty()), "baseline tier");
        assertTrue(pods.stream().anyMatch(p -> p.ingress().size() >= 3), "several ingress entries");
        assertTrue(pods.stream().anyMatch(p -> p.egress().size() >= 3), "several egress entries");
    }
}
