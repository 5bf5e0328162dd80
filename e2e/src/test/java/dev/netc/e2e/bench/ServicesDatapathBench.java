package dev.netc.e2e.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Probe;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a benchmark (tag "bench", left out of {@code mvn verify}; run it with bench/services-datapath.sh).
 * For N = 10, 1000, 10000 Services of 3 endpoints each it prints: compile time and rule counts, load time with
 * the real tool, and new TCP connections per second from a pod to the last Service, for iptables and nftables.
 */
@Tag("bench")
class ServicesDatapathBench {
    static final int CONNECTS = Integer.getInteger("netc.bench.connects", 2000);

    static String manifest(int services) {
        StringBuilder b = new StringBuilder("""
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: bench}
                spec:
                  serviceCIDRs: [10.96.0.0/12]
                  clusterCIDRs: [10.244.0.0/16]
                  nodes: [{name: n1, addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]}]
                """);
        for (String[] p : new String[][] {{"client", "10.244.1.5", "client"}, {"ep-0", "10.244.1.10", "web"},
                {"ep-1", "10.244.1.11", "web"}, {"ep-2", "10.244.1.12", "web"}}) {
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ").append(p[0]).append(", namespace: bench, labels: {app: ")
                    .append(p[2]).append("}}\nspec:\n  nodeName: n1\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\n")
                    .append("status: {podIP: ").append(p[1]).append("}\n");
        }
        for (int i = 0; i < services; i++) {
            b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: s").append(i).append(", namespace: bench}\n")
                    .append("spec:\n  clusterIP: ").append(vip(i)).append("\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n");
        }
        return b.toString();
    }

    static String vip(int i) {
        return "10.96." + (i / 250) + "." + (1 + i % 250);
    }

    @Test
    void connectRateStaysFlatWithNftables() throws Exception {
        Lab.require();
        Map<String, Map<Integer, Double>> rates = new LinkedHashMap<>();
        for (BackendUnderTest b : BackendUnderTest.all().toList()) {
            for (int n : List.of(10, 1000, 10000)) {
                long t0 = System.nanoTime();
                Compiler.Result r = new Compiler().compile(List.of(new InputSource("bench.yaml", manifest(n).getBytes(StandardCharsets.UTF_8))));
                NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics()));
                long t1 = System.nanoTime();
                List<Artifact> arts = b.backend().emit(plan, Set.of());
                long t2 = System.nanoTime();
                String main = arts.stream().filter(a -> a.path().endsWith("iptables.rules") || a.path().endsWith("nftables.nft"))
                        .findFirst().orElseThrow().text();
                long lines = main.lines().filter(l -> l.startsWith("-A ") || l.startsWith("\t\t")).count();
                try (VirtualCluster vc = VirtualCluster.build(plan)) {
                    long l0 = System.nanoTime();
                    b.install(vc, plan);
                    long l1 = System.nanoTime();
                    IpAddress target = IpAddress.parse(vip(n - 1));
                    for (int w = 0; w < 200; w++) vc.probe("bench/client", null, target, 80, Protocol.TCP, 2000); // warm up
                    int ok = 0;
                    long c0 = System.nanoTime();
                    for (int i = 0; i < CONNECTS; i++) {
                        Probe p = vc.probe("bench/client", null, target, 80, Protocol.TCP, 2000);
                        if (p.answered()) ok++;
                    }
                    long c1 = System.nanoTime();
                    assertEquals(CONNECTS, ok, "every connection answered");
                    double rate = CONNECTS / ((c1 - c0) / 1e9);
                    rates.computeIfAbsent(b.name(), k -> new LinkedHashMap<>()).put(n, rate);
                    System.out.printf("BENCH %-8s services=%5d compile=%6d ms emit=%5d ms rules/lines=%7d load=%6d ms connects/s=%8.0f ratio-to-10=%.2f%n",
                            b.name(), n, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, lines, (l1 - l0) / 1_000_000, rate,
                            rate / rates.get(b.name()).get(10));
                }
            }
        }
        double nftRatio = rates.get("nftables").get(10000) / rates.get("nftables").get(10);
        assertTrue(nftRatio >= 0.9, "nftables connect rate at 10k Services is " + nftRatio + " of its rate at 10");
    }
}
