package dev.netc.backends.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.PolicyEvaluator;
import dev.netc.ir.Cidr;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link TrafficDiff} against {@link PolicyEvaluator}, the policy model read straight from the objects (written apart
 * from the passes and the programs): on the shop (two families), for edits of its policies, every connection between
 * its pods, its nodes and outside addresses of both families, on TCP, UDP and SCTP and on ports at and around every
 * port the policies name, whose verdict the evaluator says changed lies in exactly one policy row, which says so, and
 * no other connection lies in one. The lab (IPv4, no SCTP module) checks the same against the kernel.
 */
class TrafficDiffTest {
    static final Path SHOP = Path.of("..", "samples", "shop");

    static List<InputSource> shop(UnaryOperator<String> edit, String extra) throws IOException {
        List<InputSource> in = new ArrayList<>();
        try (Stream<Path> s = Files.list(SHOP)) {
            for (Path f : s.sorted().toList()) {
                in.add(new InputSource("shop/" + f.getFileName(), edit.apply(Files.readString(f)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        if (!extra.isEmpty()) in.add(new InputSource("shop/extra.yaml", extra.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return in;
    }

    static NetworkPlan plan(List<InputSource> in) {
        Compiler.Result r = new Compiler().compile(in);
        return r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
    }

    static String np(String ns, String name, String spec) {
        return "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n"
                + spec.indent(2);
    }

    @Test
    void theSamePlanHasNoRows() throws IOException {
        NetworkPlan p = plan(shop(t -> t, ""));
        assertEquals(List.of(), TrafficDiff.of(p, p));
        assertEquals(List.of(), TrafficDiff.of(p, plan(shop(t -> "# moved\n\n" + t, ""))), "a line moved is no traffic");
    }

    @Test
    void aPortChange() throws IOException {
        check(shop(t -> t, ""), shop(t -> t.replace("- {port: 5432}", "- {port: 5433}"), ""));
    }

    @Test
    void aNewEgressPolicyWithAnIpBlockAndSctp() throws IOException {
        check(shop(t -> t, ""), shop(t -> t, np("storefront", "egress", """
                podSelector: {}
                policyTypes: [Egress]
                egress:
                  - to: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}, {ipBlock: {cidr: "2001:db8::/32"}}]
                    ports: [{protocol: SCTP, port: 9000}, {protocol: TCP, port: 443, endPort: 450}]
                  - to: [{namespaceSelector: {}}]
                """)));
    }

    @Test
    void anIngressPolicyRemovedAndOneAllowingEveryPodOfANamespace() throws IOException {
        check(shop(t -> t, np("payments", "from-ops", "podSelector: {}\ningress:\n  - from: [{namespaceSelector: {matchLabels: {name: ops}}}]")),
                shop(t -> t.replace("name: default-deny-ingress", "name: was-default-deny"), np("payments", "all-sctp",
                        "podSelector: {}\ningress:\n  - ports: [{protocol: SCTP}]")));
    }

    /** Every sample connection: the evaluator's verdict changed exactly where one row says it did. */
    static void check(List<InputSource> a, List<InputSource> b) {
        NetworkPlan before = plan(a);
        NetworkPlan after = plan(b);
        List<TrafficRow> rows = TrafficDiff.of(before, after).stream().filter(r -> r.kind().equals(TrafficRow.POLICY)).toList();
        PolicyEvaluator ea = new PolicyEvaluator(before.cluster());
        PolicyEvaluator eb = new PolicyEvaluator(after.cluster());
        Map<IpAddress, String> who = new TreeMap<>();
        for (Pod p : after.cluster().pods()) if (!p.hostNetwork()) for (IpAddress ip : p.ips()) who.put(ip, "pod " + p.meta().qualifiedName());
        for (Node n : after.cluster().nodes()) for (IpAddress ip : n.addresses()) who.put(ip, "node " + n.name());
        for (String outside : List.of("203.0.113.5", "203.0.113.200", "198.51.100.7", "10.244.3.3", "2001:db8::5", "2001:db9::1")) {
            who.put(IpAddress.parse(outside), "outside");
        }
        StringBuilder failures = new StringBuilder();
        int changed = 0;
        for (IpAddress src : who.keySet()) {
            for (IpAddress dst : who.keySet()) {
                if (src.equals(dst) || src.family() != dst.family()) continue;
                if (who.get(src).equals("outside") && who.get(dst).equals("outside")) continue;
                if (!who.get(src).startsWith("pod") && !who.get(dst).startsWith("pod")) continue;
                for (Protocol proto : Protocol.values()) {
                    for (int port : List.of(1, 80, 442, 443, 450, 451, 5432, 5433, 8080, 8081, 9000, 65535)) {
                        boolean x = ea.evaluate(src, dst, port, proto).allowed();
                        boolean y = eb.evaluate(src, dst, port, proto).allowed();
                        List<TrafficRow> in = rows.stream().filter(r -> holds(r, src, dst, proto, port, who)).toList();
                        String what = who.get(src) + " " + src + " -> " + who.get(dst) + " " + dst + " " + proto + "/" + port;
                        if (x != y) {
                            changed++;
                            if (in.size() != 1) failures.append(what).append(": ").append(x).append(" -> ").append(y).append(" in ").append(in).append('\n');
                            else if (in.get(0).before().reaches() != x || in.get(0).after().reaches() != y) {
                                failures.append(what).append(": the row says otherwise: ").append(in.get(0)).append('\n');
                            }
                        } else if (!in.isEmpty()) {
                            failures.append(what).append(": unchanged (").append(x).append(") but in ").append(in).append('\n');
                        }
                    }
                }
            }
        }
        assertEquals("", failures.toString());
        assertTrue(changed > 0, "the edit changes some connection");
    }

    static boolean holds(TrafficRow r, IpAddress src, IpAddress dst, Protocol proto, int port, Map<IpAddress, String> who) {
        if (r.family().isPresent() && r.family().get() != src.family()) return false;
        if (r.protocol().isPresent() && r.protocol().get() != proto) return false;
        if (!r.ports().isEmpty() && r.ports().stream().noneMatch(p -> p.contains(port))) return false;
        return side(r.from(), src, who) && side(r.to(), dst, who);
    }

    static boolean side(TrafficRow.Peer p, IpAddress ip, Map<IpAddress, String> who) {
        String w = who.get(ip);
        if (w.startsWith("pod ")) return p.pods().contains(w.substring(4));
        if (w.startsWith("node ")) return p.nodes().contains(w.substring(5));
        return p.cidrs().stream().map(Cidr::parse).anyMatch(c -> c.contains(ip));
    }
}
