package dev.netc.e2e.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.PolicyEvaluator;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Probe;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.e2e.lab.VirtualCluster.ProbeSpec;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Service;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream e2e NetworkPolicy cases, by traffic: namespaces x, y, z with pods a, b, c on two nodes, TCP and
 * UDP servers on 80 and 81, a NodePort Service per pod. Each case compiles the model with its policies, loads a
 * backend into the nodes and probes every pair directly, through the destination's cluster IP and through its
 * node port on n1; the kernel must give the case's expected matrix (directly and by cluster IP), and the policy
 * evaluator ({@code netc explain}, following the Service's DNAT to the endpoint) must agree with every probe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkPolicyMatrixTest {
    record Case(String name, String policies, List<String> probes, Supplier<Map<String, Reachability>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** How a probe reaches its destination pod. */
    enum Via { DIRECT, CLUSTER_IP, NODE_PORT }

    String model;
    VirtualCluster vc;

    @BeforeAll
    void build() throws IOException {
        Lab.require();
        try (InputStream in = getClass().getResourceAsStream("/policy/model.yaml")) {
            model = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        vc = VirtualCluster.build(compile(""));
    }

    @AfterAll
    void tearDown() {
        if (vc != null) vc.close();
    }

    NetworkPlan compile(String policies) {
        List<InputSource> in = new ArrayList<>(List.of(new InputSource("policy/model.yaml", model.getBytes(StandardCharsets.UTF_8))));
        if (!policies.isBlank()) in.add(new InputSource("policy/case.yaml", policies.getBytes(StandardCharsets.UTF_8)));
        Compiler.Result r = new Compiler().compile(in);
        return r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
    }

    static String np(String ns, String name, String spec) {
        return "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n"
                + spec.indent(2);
    }

    static Map<String, Reachability> only(String probe, Reachability r) {
        return Map.of(probe, r);
    }

    static Reachability all() {
        return new Reachability(true);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("default deny ingress", np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]"), List.of("TCP/80", "UDP/81"),
                () -> {
                    Reachability r = all();
                    for (String p : List.of("x/a", "x/b", "x/c")) r.allIngress(p, false);
                    return Map.of("TCP/80", r, "UDP/81", r);
                }));
        c.add(new Case("default deny all", np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress, Egress]"), List.of("TCP/80"),
                () -> {
                    Reachability r = all();
                    for (String p : List.of("x/a", "x/b", "x/c")) r.allIngress(p, false).allEgress(p, false);
                    return only("TCP/80", r);
                }));
        c.add(new Case("pod selector", np("x", "allow-b", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).expect("x/b", "x/a", true))));
        c.add(new Case("namespace selector", np("x", "allow-y", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).fromNamespace("y", "x/a", true))));
        c.add(new Case("namespace AND pod selector", np("x", "allow-yb", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n"
                + "      - namespaceSelector: {matchLabels: {ns: y}}\n        podSelector: {matchLabels: {pod: b}}"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).expect("y/b", "x/a", true))));
        c.add(new Case("namespace OR pod selector", np("x", "allow-y-or-b", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n"
                + "      - namespaceSelector: {matchLabels: {ns: y}}\n      - podSelector: {matchLabels: {pod: b}}"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).fromNamespace("y", "x/a", true).expect("x/b", "x/a", true))));
        c.add(new Case("match expressions", np("x", "not-y", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n"
                + "      - namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [y]}]}"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).fromNamespace("x", "x/a", true).fromNamespace("z", "x/a", true))));
        c.add(new Case("port number", np("x", "only-81", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - ports: [{port: 81, protocol: TCP}]"),
                List.of("TCP/80", "TCP/81"), () -> Map.of("TCP/80", all().allIngress("x/a", false), "TCP/81", all())));
        c.add(new Case("named port ingress", np("x", "named", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - ports: [{port: serve-81-tcp}]"),
                List.of("TCP/80", "TCP/81"), () -> Map.of("TCP/80", all().allIngress("x/a", false), "TCP/81", all())));
        c.add(new Case("port range", np("x", "range", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {ns: y}}}]\n    ports: [{port: 80, endPort: 81}]"),
                List.of("TCP/80", "TCP/81"), () -> {
                    Reachability r = all().allIngress("x/a", false).fromNamespace("y", "x/a", true);
                    return Map.of("TCP/80", r, "TCP/81", r);
                }));
        c.add(new Case("egress deny", np("x", "no-egress", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]"),
                List.of("TCP/80", "UDP/80"), () -> {
                    Reachability r = all().allEgress("x/a", false);
                    return Map.of("TCP/80", r, "UDP/80", r);
                }));
        c.add(new Case("egress to a namespace on a port", np("x", "to-y-80", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n"
                + "  - to: [{namespaceSelector: {matchLabels: {ns: y}}}]\n    ports: [{port: 80}]"),
                List.of("TCP/80", "TCP/81"), () -> Map.of("TCP/80", all().allEgress("x/a", false).toNamespace("x/a", "y", true),
                "TCP/81", all().allEgress("x/a", false))));
        c.add(new Case("named port egress", np("x", "egress-named", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n"
                + "  - ports: [{port: serve-81-udp, protocol: UDP}]"),
                List.of("UDP/81", "UDP/80"), () -> Map.of("UDP/81", all(), "UDP/80", all().allEgress("x/a", false))));
        c.add(new Case("protocol only", np("x", "udp-only", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - ports: [{protocol: UDP}]"),
                List.of("TCP/80", "UDP/80"), () -> Map.of("TCP/80", all().allIngress("x/a", false), "UDP/80", all())));
        c.add(new Case("ipBlock with except", np("x", "block", "podSelector: {matchLabels: {pod: a}}\ningress:\n"
                + "  - from: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.1.21/32]}}]"),
                List.of("TCP/80"), () -> only("TCP/80", all().expect("y/b", "x/a", false))));
        c.add(new Case("stacked policies", np("x", "from-b", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]")
                + np("x", "from-z", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {ns: z}}}]"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).expect("x/b", "x/a", true).fromNamespace("z", "x/a", true))));
        c.add(new Case("ingress and egress together", np("x", "both", "podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress, Egress]\n"
                + "ingress:\n  - from: [{podSelector: {matchLabels: {pod: b}}}]\negress:\n  - to: [{podSelector: {matchLabels: {pod: c}}}]"),
                List.of("TCP/80"), () -> only("TCP/80", all().allIngress("x/a", false).allEgress("x/a", false)
                .expect("x/b", "x/a", true).expect("x/a", "x/c", true))));
        c.add(new Case("multiple policies with allow all", np("x", "deny", "podSelector: {}\npolicyTypes: [Ingress]")
                + np("x", "allow-all", "podSelector: {}\ningress:\n  - {}"), List.of("TCP/80"), () -> only("TCP/80", all())));
        c.add(new Case("client-side egress deny", np("y", "deny-egress", "podSelector: {}\npolicyTypes: [Egress]"),
                List.of("TCP/80"), () -> {
                    Reachability r = all();
                    for (String p : List.of("y/a", "y/b", "y/c")) r.allEgress(p, false);
                    return only("TCP/80", r);
                }));
        c.add(new Case("admin and baseline tiers", """
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: y-refuses-x}
                spec:
                  priority: 10
                  subject: {namespaces: {matchLabels: {ns: y}}}
                  ingress:
                    - {name: from-x, action: Deny, from: [{namespaces: {matchLabels: {ns: x}}}]}
                    - {name: pass-z-a, action: Pass, from: [{pods: {namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: a}}}}]}
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: {namespaces: {matchLabels: {ns: y}}}
                  ingress:
                    - {name: only-y, action: Deny, from: [{namespaces: {matchExpressions: [{key: ns, operator: NotIn, values: [y]}]}}]}
                """ + np("y", "allow-za-to-a", "podSelector: {matchLabels: {pod: a}}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {ns: z}}, podSelector: {matchLabels: {pod: a}}}]"),
                List.of("TCP/80"), () -> {
                    // x -> y: denied by the admin tier; z/a -> y/a: passed on to NetworkPolicy, which allows it;
                    // other traffic from outside y: the baseline denies it where NetworkPolicy does not isolate
                    // (y/b, y/c), and y/a's own NetworkPolicy denies the rest, its own namespace included
                    Reachability r = all();
                    for (String to : List.of("y/a", "y/b", "y/c")) r.fromNamespace("x", to, false).fromNamespace("z", to, false);
                    r.expect("z/a", "y/a", true).expect("y/b", "y/a", false).expect("y/c", "y/a", false);
                    return only("TCP/80", r.selfAllowed());
                }));
        return c;
    }

    static Stream<Arguments> casesAndBackends() {
        return BackendUnderTest.all().flatMap(b -> cases().stream().map(c -> Arguments.of(c, b)));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("casesAndBackends")
    void matrix(Case c, BackendUnderTest b) throws IOException {
        check(c, b);
    }

    /** Updates: a policy added and then removed takes effect both ways on a running node. */
    @ParameterizedTest(name = "{0}: update")
    @MethodSource("dev.netc.e2e.lab.BackendUnderTest#all")
    void updates(BackendUnderTest b) throws IOException {
        Case deny = cases().get(0);
        check(deny, b);
        check(new Case("policy removed", "", List.of("TCP/80"), () -> only("TCP/80", all())), b);
    }

    private void check(Case c, BackendUnderTest b) throws IOException {
        NetworkPlan plan = compile(c.policies());
        for (String n : vc.nodes()) {
            vc.inNode(n, null, "nft", "flush", "ruleset");
            vc.inNode(n, null, "ipset", "destroy");
        }
        b.install(vc, plan);
        for (String n : vc.nodes()) vc.inNode(n, null, "conntrack", "-F");
        PolicyEvaluator eval = new PolicyEvaluator(plan.cluster());
        Map<String, IpAddress> ip = new TreeMap<>();
        Map<String, IpAddress> svc = new TreeMap<>();
        Map<String, Integer> nodePort = new TreeMap<>();
        for (Pod p : plan.cluster().pods()) ip.put(p.meta().qualifiedName(), p.ips().get(0));
        for (Service s : plan.cluster().services()) {
            svc.put(s.namespace() + "/" + s.name().substring(2), s.clusterIPs().get(0));
            nodePort.put(s.namespace() + "/" + s.name().substring(2), s.ports().get(0).nodePort());
        }
        IpAddress n1 = plan.cluster().node("n1").orElseThrow().addresses().get(0);
        StringBuilder failures = new StringBuilder();
        Map<String, Reachability> expected = c.expected().get();
        for (String probe : c.probes()) {
            Protocol proto = Protocol.valueOf(probe.split("/")[0]);
            int port = Integer.parseInt(probe.split("/")[1]);
            // direct, through the cluster IP, and through the node port on n1 (masqueraded to endpoints on n2)
            for (Via via : proto == Protocol.TCP && port == 80 ? Via.values() : new Via[] {Via.DIRECT}) {
                boolean viaService = via != Via.DIRECT;
                List<ProbeSpec> specs = new ArrayList<>();
                for (String from : Reachability.PODS) {
                    for (String to : Reachability.PODS) {
                        specs.add(switch (via) {
                            case DIRECT -> new ProbeSpec(from, null, ip.get(to), port, proto, 1500);
                            case CLUSTER_IP -> new ProbeSpec(from, null, svc.get(to), port, proto, 1500);
                            case NODE_PORT -> new ProbeSpec(from, null, n1, nodePort.get(to), proto, 1500);
                        });
                    }
                }
                List<Probe> got = vc.probeAll(specs);
                Reachability observed = new Reachability(false);
                int k = 0;
                for (int i = 0; i < Reachability.PODS.size(); i++) {
                    for (int j = 0; j < Reachability.PODS.size(); j++) {
                        Probe p = got.get(k++);
                        observed.allowed[i][j] = p.answered();
                        String to = Reachability.PODS.get(j);
                        if (p.answered() && !p.answeredBy().equals(to)) failures.append("answered by the wrong pod: " + p + "\n");
                        IpAddress src = ip.get(Reachability.PODS.get(i));
                        boolean model;
                        if (viaService) {
                            // the explain path: the Service frontend followed through DNAT to its one endpoint
                            IpAddress front = via == Via.CLUSTER_IP ? svc.get(to) : n1;
                            int frontPort = via == Via.CLUSTER_IP ? port : nodePort.get(to);
                            List<PolicyEvaluator.Hop> hops = eval.throughService(src, front, frontPort, proto);
                            if (hops.size() != 1 || !hops.get(0).endpoint().equals(ip.get(to))) {
                                failures.append("explain follows " + front + ":" + frontPort + " to " + hops + ", not to " + to + "\n");
                            }
                            model = hops.size() == 1 && hops.get(0).verdict().allowed();
                        } else {
                            model = eval.evaluate(src, ip.get(to), port, proto).allowed();
                        }
                        if (model != p.answered()) {
                            failures.append("evaluator says " + model + " but the kernel " + p + " for " + Reachability.PODS.get(i) + " -> " + to
                                    + " " + probe + " " + via + "\n");
                        }
                    }
                }
                // the case's matrix holds for pod addresses and cluster IPs; through a node port the endpoint sees a
                // masqueraded source when it runs on n2, so there only the agreement with explain is checked
                if (via == Via.NODE_PORT) continue;
                Reachability want = expected.get(probe);
                String title = b.name() + " " + c.name() + " " + probe + (viaService ? " via Service" : " direct");
                String table = Reachability.table(title, want, observed);
                if (!table.endsWith("\n0 of 81 wrong\n") && !table.contains("\n0 of 81 wrong")) failures.append(table);
            }
        }
        if (failures.length() > 0) fail(failures.toString());
        assertEquals("", failures.toString());
    }
}
