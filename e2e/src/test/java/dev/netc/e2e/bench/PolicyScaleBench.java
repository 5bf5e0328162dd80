package dev.netc.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.backends.Artifact;
import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.testing.NetnsTool;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a benchmark (tag "bench"; bench/policy-scale.sh). 1000 pods in 100 namespaces on two nodes, with
 * 1000 and 5000 NetworkPolicies; prints compile time, rule and set counts per node, and load times.
 */
@Tag("bench")
class PolicyScaleBench {
    static String manifest(int policies) {
        StringBuilder b = new StringBuilder("""
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: scale}
                spec:
                  serviceCIDRs: [10.96.0.0/12]
                  clusterCIDRs: [10.244.0.0/16]
                  nodes:
                    - {name: n1, addresses: [192.168.77.11], podCIDRs: [10.244.0.0/20]}
                    - {name: n2, addresses: [192.168.77.12], podCIDRs: [10.244.16.0/20]}
                """);
        for (int n = 0; n < 100; n++) {
            b.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns").append(n).append(", labels: {team: t").append(n % 10).append("}}\n");
            for (int p = 0; p < 10; p++) {
                int i = n * 10 + p;
                String node = i % 2 == 0 ? "n1" : "n2";
                String ip = (i % 2 == 0 ? "10.244." + (i / 2 / 250) : "10.244." + (16 + i / 2 / 250)) + "." + (1 + (i / 2) % 250);
                b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p").append(p).append(", namespace: ns").append(n)
                        .append(", labels: {app: a").append(p % 5).append("}}\nspec:\n  nodeName: ").append(node)
                        .append("\n  containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]\nstatus: {podIP: ")
                        .append(ip).append("}\n");
            }
        }
        Random rnd = new Random(1);
        for (int i = 0; i < policies; i++) {
            b.append("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: pol").append(i).append(", namespace: ns")
                    .append(i % 100).append("}\nspec:\n  podSelector: {matchLabels: {app: a").append(rnd.nextInt(5)).append("}}\n  ingress:\n")
                    .append("    - from:\n        - namespaceSelector: {matchLabels: {team: t").append(rnd.nextInt(10)).append("}}\n")
                    .append("          podSelector: {matchLabels: {app: a").append(rnd.nextInt(5)).append("}}\n")
                    .append("        - ipBlock: {cidr: 172.16.").append(rnd.nextInt(256)).append(".0/24}\n")
                    .append("      ports: [{port: ").append(rnd.nextBoolean() ? "http" : String.valueOf(8000 + rnd.nextInt(100))).append("}]\n");
        }
        return b.toString();
    }

    @Test
    void rulesAndSetsForThousandsOfPolicies() throws Exception {
        for (int n : List.of(1000, 5000)) {
            long t0 = System.nanoTime();
            Compiler.Result r = new Compiler().compile(List.of(new InputSource("scale.yaml", manifest(n).getBytes(StandardCharsets.UTF_8))));
            NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics()));
            long t1 = System.nanoTime();
            var node = plan.node("n1").orElseThrow();
            String nft = new NftablesBackend().emit(plan, Set.of("n1")).get(0).text();
            List<Artifact> ipt = new IptablesBackend().emit(plan, Set.of("n1"));
            String rules = ipt.stream().filter(a -> a.path().endsWith("/iptables.rules")).findFirst().orElseThrow().text();
            String sets = ipt.stream().filter(a -> a.path().endsWith("/ipset.rules")).findFirst().orElseThrow().text();
            long allows = node.policy().pods().stream().mapToLong(p -> p.ingress().size()).sum();
            long nftRules = nft.lines().filter(l -> l.startsWith("\t\t") && (l.contains(" return") || l.contains("reject"))).count();
            long iptRules = rules.lines().filter(l -> l.startsWith("-A NETC-")).count();
            long setEntries = sets.lines().filter(l -> l.startsWith("add ")).count();
            long nftLoad;
            long iptLoad;
            NetnsTool.require("ip", "nft", "iptables-restore", "ipset");
            try (NetnsTool ns = new NetnsTool()) {
                long a = System.nanoTime();
                NetnsTool.Result rn = ns.run(nft, "nft", "-f", "-");
                assertEquals(0, rn.exit(), rn.output().lines().limit(5).toList().toString());
                nftLoad = (System.nanoTime() - a) / 1_000_000;
                ns.run(null, "nft", "flush", "ruleset");
                a = System.nanoTime();
                NetnsTool.Result rs = ns.run(sets, "ipset", "restore");
                assertEquals(0, rs.exit(), rs.output());
                NetnsTool.Result rr = ns.run(rules, "iptables-restore");
                assertEquals(0, rr.exit(), rr.output());
                iptLoad = (System.nanoTime() - a) / 1_000_000;
            }
            System.out.printf("BENCH policies=%d compile=%d ms node n1: isolated pods=%d allow entries=%d address sets=%d "
                            + "nft policy rules=%d iptables policy rules=%d ipset entries=%d load nft=%d ms iptables+ipset=%d ms%n",
                    n, (t1 - t0) / 1_000_000, node.policy().pods().size(), allows, node.policy().addressSets().size(), nftRules,
                    iptRules, setEntries, nftLoad, iptLoad);
        }
    }
}
