package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Pass;
import dev.netc.compiler.PolicyEvaluator;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The policy pass against the policy evaluator: two independent readings of the API (one aggregating into
 * sets, one judging connection by connection) must agree on every pod pair, port and protocol.
 */
class PolicyTest {
    static final SourcePos POS = new SourcePos("p.yaml", 1, 1);
    static final List<String> NAMESPACES = List.of("x", "y", "z");
    static final List<String> PODS = List.of("a", "b", "c");

    /** The upstream e2e model: namespaces x, y, z; pods a, b, c; a gives port 80 the name "serve-80". */
    static Cluster model(List<NetworkPolicy> policies) {
        return model(policies, List.of());
    }

    static Cluster model(List<NetworkPolicy> policies, List<AdminNetworkPolicy> admin) {
        List<Namespace> nss = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        for (int n = 0; n < NAMESPACES.size(); n++) {
            String ns = NAMESPACES.get(n);
            nss.add(new Namespace(ObjectMeta.of("Namespace", "", ns, POS)
                    .withLabels(Map.of("ns", ns, "kubernetes.io/metadata.name", ns))));
            for (int p = 0; p < PODS.size(); p++) {
                String pod = PODS.get(p);
                // pod c gives the name serve-80 to port 81: named ports differ between pods
                List<ContainerPort> ports = List.of(
                        new ContainerPort(pod.equals("c") ? "serve-81" : "serve-80", 80, Protocol.TCP, POS),
                        new ContainerPort(pod.equals("c") ? "serve-80" : "serve-81", 81, Protocol.TCP, POS),
                        new ContainerPort("serve-80-udp", 80, Protocol.UDP, POS),
                        new ContainerPort("serve-81-udp", 81, Protocol.UDP, POS));
                pods.add(new Pod(ObjectMeta.of("Pod", ns, pod, POS).withLabels(Map.of("pod", pod)),
                        p % 2 == 0 ? "n1" : "n2", List.of(IpAddress.parse("10.244." + (p % 2 + 1) + "." + (10 + n * 10 + p))),
                        ports, true, false, false, Optional.empty()));
            }
        }
        List<Node> nodes = List.of(
                new Node(ObjectMeta.of("Node", "", "n1", POS), List.of(IpAddress.parse("192.168.77.11")), List.of(Cidr.parse("10.244.1.0/24"))),
                new Node(ObjectMeta.of("Node", "", "n2", POS), List.of(IpAddress.parse("192.168.77.12")), List.of(Cidr.parse("10.244.2.0/24"))));
        return new Cluster(ClusterProfile.defaults(), nss, nodes, pods, List.of(), List.of(), List.of(), policies,
                List.of(), List.of(), List.of(), admin);
    }

    static NetworkPlan plan(Cluster c) {
        List<NodePlan> nodes = c.nodes().stream().map(n -> new NodePlan(n, List.of(), false, List.of(), List.of())).toList();
        NetworkPlan plan = new NetworkPlan(c, List.of(), nodes);
        for (Pass<NetworkPlan, NetworkPlan> p : List.of(new ResolveNetworkPolicies(), new ResolveAdminTiers(), new MergePolicy())) {
            plan = p.apply(plan, new Diagnostics());
        }
        return plan;
    }

    /** What the plan says, read the way a backend enforces it. */
    static boolean planAllows(NetworkPlan plan, IpAddress src, IpAddress dst, int port, Protocol proto) {
        if (src.equals(dst)) return true; // the renderers let a pod's own address pair through before any program: a pod may reach itself
        return direction(plan, src, dst, port, proto, true) && direction(plan, dst, src, port, proto, false);
    }

    /** Egress of the pod at {@code self} (egress = true) or ingress of the pod at {@code self} from {@code peer}. */
    private static boolean direction(NetworkPlan plan, IpAddress self, IpAddress peer, int port, Protocol proto,
                                     boolean egress) {
        for (NodePlan n : plan.nodes()) {
            PolicyPlan pp = n.policy();
            for (PodPolicy p : pp.pods()) {
                if (!p.ips().contains(self)) continue;
                if (n.node().addresses().contains(peer)) return true; // own node: never through the forward path
                for (TierRule t : egress ? p.adminEgress() : p.adminIngress()) {
                    if (!matches(pp, t.peers(), t.ports(), peer, port, proto)) continue;
                    if (t.action() == TierRule.Action.PASS) break;
                    return t.action() == TierRule.Action.ALLOW;
                }
                boolean isolated = egress ? p.egressIsolated() : p.ingressIsolated();
                if (isolated) {
                    for (PolicyAllow a : egress ? p.egress() : p.ingress()) {
                        if (matches(pp, a.peers(), a.ports(), peer, port, proto)) return true;
                    }
                    return false;
                }
                for (TierRule t : egress ? p.baselineEgress() : p.baselineIngress()) {
                    if (matches(pp, t.peers(), t.ports(), peer, port, proto)) return t.action() == TierRule.Action.ALLOW;
                }
                return true;
            }
        }
        return true; // not on any node's list: nothing restricts it
    }

    private static boolean matches(PolicyPlan pp, Optional<String> set, List<PortRange> ports, IpAddress peer, int port,
                                   Protocol proto) {
        boolean peerOk = set.isEmpty() || pp.set(set.get()).map(AddressSet::cidrs).orElseThrow().stream()
                .anyMatch(cidr -> cidr.contains(peer));
        return peerOk && (ports.isEmpty() || ports.stream().anyMatch(r -> r.contains(proto, port)));
    }

    static void assertAgree(List<NetworkPolicy> policies) {
        assertAgree(policies, List.of());
    }

    static void assertAgree(List<NetworkPolicy> policies, List<AdminNetworkPolicy> admin) {
        Cluster c = model(policies, admin);
        NetworkPlan plan = plan(c);
        PolicyEvaluator eval = new PolicyEvaluator(c);
        List<IpAddress> addrs = new ArrayList<>(c.pods().stream().map(p -> p.ips().get(0)).toList());
        addrs.add(IpAddress.parse("192.168.77.11"));
        addrs.add(IpAddress.parse("203.0.113.9"));
        for (IpAddress s : addrs) {
            for (IpAddress d : addrs) {
                for (int port : new int[] {80, 81}) {
                    for (Protocol proto : new Protocol[] {Protocol.TCP, Protocol.UDP}) {
                        boolean byPlan = planAllows(plan, s, d, port, proto);
                        PolicyEvaluator.Verdict v = eval.evaluate(s, d, port, proto);
                        assertEquals(v.allowed(), byPlan, () -> s + " -> " + d + " " + proto + "/" + port + " "
                                + v.reasons() + "\npolicies: " + policies + "\nadmin: " + admin);
                    }
                }
            }
        }
    }

    static NetworkPolicy policy(String ns, String name, LabelSelector target, boolean ing, boolean eg,
                                List<NetworkPolicy.Rule> ingress, List<NetworkPolicy.Rule> egress) {
        return new NetworkPolicy(ObjectMeta.of("NetworkPolicy", ns, name, POS), target, ing, eg, ingress, egress);
    }

    static NetworkPolicy.Rule rule(List<NetworkPolicy.Peer> peers, List<NetworkPolicy.Port> ports) {
        return new NetworkPolicy.Rule(peers, ports, POS);
    }

    static NetworkPolicy.Peer pods(LabelSelector pod, LabelSelector ns) {
        return new NetworkPolicy.Peer(Optional.ofNullable(pod), Optional.ofNullable(ns), Optional.empty(), POS);
    }

    static NetworkPolicy.Peer block(String cidr, String... except) {
        return new NetworkPolicy.Peer(Optional.empty(), Optional.empty(), Optional.of(new NetworkPolicy.IpBlock(
                Cidr.parse(cidr), List.of(except).stream().map(Cidr::parse).toList(), POS)), POS);
    }

    static NetworkPolicy.Port port(Protocol p, Object port, int end) {
        Optional<PortRef> ref = port == null ? Optional.empty()
                : Optional.of(port instanceof Integer i ? PortRef.of(i) : PortRef.of((String) port));
        return new NetworkPolicy.Port(p, ref, end, POS);
    }

    static LabelSelector labels(String k, String v) {
        return LabelSelector.ofLabels(Map.of(k, v));
    }

    @Test
    void defaultDenyIngressIsolatesEveryPodOfTheNamespace() {
        NetworkPolicy deny = policy("x", "deny", LabelSelector.EVERYTHING, true, false, List.of(), List.of());
        Cluster c = model(List.of(deny));
        NetworkPlan plan = plan(c);
        long isolated = plan.nodes().stream().flatMap(n -> n.policy().pods().stream()).filter(PodPolicy::ingressIsolated).count();
        assertEquals(3, isolated);
        assertFalse(new PolicyEvaluator(c).evaluate(IpAddress.parse("10.244.1.20"), IpAddress.parse("10.244.1.10"), 80, Protocol.TCP).allowed());
        assertTrue(new PolicyEvaluator(c).evaluate(IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.1.20"), 80, Protocol.TCP).allowed());
        assertAgree(List.of(deny));
    }

    @Test
    void identicalPeerSetsAreSharedAndPortsCoalesced() {
        NetworkPolicy p1 = policy("x", "p1", labels("pod", "a"), true, false,
                List.of(rule(List.of(pods(labels("pod", "b"), null)), List.of(port(Protocol.TCP, 80, 0))),
                        rule(List.of(pods(labels("pod", "b"), null)), List.of(port(Protocol.TCP, 81, 0)))), List.of());
        NetworkPolicy p2 = policy("x", "p2", labels("pod", "c"), true, false,
                List.of(rule(List.of(pods(labels("pod", "b"), null)), List.of(port(Protocol.TCP, 80, 81)))), List.of());
        NetworkPlan plan = plan(model(List.of(p1, p2)));
        NodePlan n1 = plan.node("n1").orElseThrow();
        PodPolicy a = n1.policy().pods().stream().filter(p -> p.name().equals("a")).findFirst().orElseThrow();
        PodPolicy c = n1.policy().pods().stream().filter(p -> p.name().equals("c")).findFirst().orElseThrow();
        assertEquals(1, a.ingress().size());
        assertEquals(List.of(new PortRange(Protocol.TCP, 80, 81)), a.ingress().get(0).ports());
        assertEquals(a.ingress().get(0).peers(), c.ingress().get(0).peers(), "one set for both pods");
        assertEquals(1, n1.policy().addressSets().size());
        assertEquals(List.of("x/p1"), a.ingress().get(0).policies());
    }

    @Test
    void ipBlockExceptsAreSubtractedIntoMinimalPrefixes() {
        NetworkPolicy p = policy("x", "blocks", labels("pod", "a"), true, false, List.of(rule(List.of(
                block("10.0.0.0/8", "10.128.0.0/9", "10.1.0.0/16"), block("11.0.0.0/8")), List.of())), List.of());
        NetworkPlan plan = plan(model(List.of(p)));
        AddressSet set = plan.node("n1").orElseThrow().policy().addressSets().get(0);
        assertEquals("[10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, 11.0.0.0/8]",
                set.cidrs().toString());
        assertTrue(set.name().matches("peers-[0-9a-f]{12}"), set.name());
    }

    @Test
    void namedPortsResolvePerDestinationPodForEgress() {
        NetworkPolicy p = policy("x", "egress-named", labels("pod", "a"), false, true, List.of(),
                List.of(rule(List.of(pods(LabelSelector.EVERYTHING, null)), List.of(port(Protocol.TCP, "serve-80", 0)))));
        assertAgree(List.of(p));
        PolicyEvaluator eval = new PolicyEvaluator(model(List.of(p)));
        // x/b names port 80 serve-80; x/c names port 81 serve-80
        assertTrue(eval.evaluate(IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.2.11"), 80, Protocol.TCP).allowed());
        assertFalse(eval.evaluate(IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.2.11"), 81, Protocol.TCP).allowed());
        assertTrue(eval.evaluate(IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.1.12"), 81, Protocol.TCP).allowed());
        assertFalse(eval.evaluate(IpAddress.parse("10.244.1.10"), IpAddress.parse("10.244.1.12"), 80, Protocol.TCP).allowed());
    }

    @Test
    void ownNodeMayAlwaysReachItsPods() {
        NetworkPolicy deny = policy("x", "deny", LabelSelector.EVERYTHING, true, false, List.of(), List.of());
        PolicyEvaluator eval = new PolicyEvaluator(model(List.of(deny)));
        assertTrue(eval.evaluate(IpAddress.parse("192.168.77.11"), IpAddress.parse("10.244.1.10"), 80, Protocol.TCP).allowed());
        assertFalse(eval.evaluate(IpAddress.parse("192.168.77.11"), IpAddress.parse("10.244.2.11"), 80, Protocol.TCP).allowed());
    }

    static AdminNetworkPolicy admin(String name, boolean baseline, int priority, AdminNetworkPolicy.Subject subject,
                                    List<AdminNetworkPolicy.Rule> ingress, List<AdminNetworkPolicy.Rule> egress) {
        return new AdminNetworkPolicy(ObjectMeta.of(baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy", "",
                name, POS), baseline, priority, subject, ingress, egress);
    }

    static AdminNetworkPolicy.Rule adminRule(String name, AdminNetworkPolicy.Action action,
                                             List<AdminNetworkPolicy.Peer> peers, List<AdminNetworkPolicy.Port> ports) {
        return new AdminNetworkPolicy.Rule(name, action, peers, ports, POS);
    }

    static AdminNetworkPolicy.Peer podPeer(LabelSelector ns, LabelSelector pod) {
        return new AdminNetworkPolicy.Peer(AdminNetworkPolicy.Peer.Kind.PODS, ns, Optional.ofNullable(pod),
                LabelSelector.EVERYTHING, List.of());
    }

    @Test
    void adminTiersComeBeforeAndBaselineAfterNetworkPolicy() {
        // NetworkPolicy in y allows everything into y/a; an admin Deny from x wins over it
        NetworkPolicy allowAll = policy("y", "allow-all", labels("pod", "a"), true, false, List.of(rule(List.of(), List.of())), List.of());
        AdminNetworkPolicy denyX = admin("deny-x", false, 10, new AdminNetworkPolicy.Subject(labels("ns", "y"), Optional.empty()),
                List.of(adminRule("from-x", AdminNetworkPolicy.Action.Deny, List.of(podPeer(labels("ns", "x"), null)), List.of())),
                List.of());
        // a Pass for z at higher precedence sends z's traffic to NetworkPolicy
        AdminNetworkPolicy passZ = admin("pass-z", false, 5, new AdminNetworkPolicy.Subject(labels("ns", "y"), Optional.empty()),
                List.of(adminRule("z", AdminNetworkPolicy.Action.Pass, List.of(podPeer(labels("ns", "z"), null)), List.of())),
                List.of());
        // the baseline denies everything into y: applies only where NetworkPolicy does not isolate
        AdminNetworkPolicy baseline = admin("default", true, 0, new AdminNetworkPolicy.Subject(labels("ns", "y"), Optional.empty()),
                List.of(adminRule("deny-all", AdminNetworkPolicy.Action.Deny, List.of(podPeer(LabelSelector.EVERYTHING, null)), List.of())),
                List.of());
        List<AdminNetworkPolicy> admin = List.of(denyX, passZ, baseline);
        PolicyEvaluator eval = new PolicyEvaluator(model(List.of(allowAll), admin));
        IpAddress xa = IpAddress.parse("10.244.1.10");
        IpAddress ya = IpAddress.parse("10.244.1.20");
        IpAddress yb = IpAddress.parse("10.244.2.21");
        IpAddress za = IpAddress.parse("10.244.1.30");
        assertFalse(eval.evaluate(xa, ya, 80, Protocol.TCP).allowed(), "admin deny beats NetworkPolicy allow");
        // each deciding rule is named by its origin: object, part, and where it was written
        assertEquals("ingress: denied by rule from-x of AdminNetworkPolicy/deny-x spec.ingress[0] (" + POS + ")",
                eval.evaluate(xa, ya, 80, Protocol.TCP).reasons().get(1));
        assertEquals(List.of("egress: z/a is not isolated for egress",
                "ingress: rule z of AdminNetworkPolicy/pass-z spec.ingress[0] (" + POS + ") passes to NetworkPolicy",
                "ingress: allowed by NetworkPolicy/y/allow-all spec.ingress[0] (" + POS + ")"),
                eval.evaluate(za, ya, 80, Protocol.TCP).reasons());
        assertTrue(eval.evaluate(za, yb, 80, Protocol.TCP).reasons()
                .contains("ingress: denied by rule deny-all of BaselineAdminNetworkPolicy/default spec.ingress[0] (" + POS + ")"));
        assertTrue(eval.evaluate(za, ya, 80, Protocol.TCP).allowed(), "pass, then NetworkPolicy allows");
        assertFalse(eval.evaluate(za, yb, 80, Protocol.TCP).allowed(), "y/b: not isolated by NetworkPolicy: baseline denies");
        assertTrue(eval.evaluate(ya, xa, 80, Protocol.TCP).allowed(), "x is not a subject");
        assertAgree(List.of(allowAll), admin);
    }

    @Test
    void randomAdminPoliciesAgreeWithTheEvaluator() {
        Random rnd = new Random(7);
        for (int round = 0; round < 150; round++) {
            List<NetworkPolicy> ps = new ArrayList<>();
            for (int i = 0; i < rnd.nextInt(3); i++) ps.add(randomPolicy(rnd, "r" + i));
            List<AdminNetworkPolicy> admin = new ArrayList<>();
            for (int i = 0; i < 1 + rnd.nextInt(2); i++) admin.add(randomAdmin(rnd, "a" + i, false));
            if (rnd.nextBoolean()) admin.add(randomAdmin(rnd, "default", true));
            assertAgree(ps, admin);
        }
    }

    private static AdminNetworkPolicy randomAdmin(Random rnd, String name, boolean baseline) {
        LabelSelector ns = rnd.nextBoolean() ? LabelSelector.EVERYTHING : labels("ns", NAMESPACES.get(rnd.nextInt(3)));
        Optional<LabelSelector> pods = rnd.nextBoolean() ? Optional.empty() : Optional.of(labels("pod", PODS.get(rnd.nextInt(3))));
        return admin(name, baseline, baseline ? 0 : rnd.nextInt(4), new AdminNetworkPolicy.Subject(ns, pods),
                adminRules(rnd, baseline, true), adminRules(rnd, baseline, false));
    }

    private static List<AdminNetworkPolicy.Rule> adminRules(Random rnd, boolean baseline, boolean ingress) {
        List<AdminNetworkPolicy.Rule> out = new ArrayList<>();
        for (int i = 0; i < rnd.nextInt(3); i++) {
            AdminNetworkPolicy.Action[] actions = AdminNetworkPolicy.Action.values();
            AdminNetworkPolicy.Action action = actions[rnd.nextInt(baseline ? 2 : 3)];
            List<AdminNetworkPolicy.Peer> peers = new ArrayList<>();
            for (int j = 0; j < 1 + rnd.nextInt(2); j++) {
                int kind = rnd.nextInt(ingress ? 1 : 3);
                peers.add(switch (kind) {
                    case 1 -> new AdminNetworkPolicy.Peer(AdminNetworkPolicy.Peer.Kind.NODES, LabelSelector.EVERYTHING,
                            Optional.empty(), LabelSelector.EVERYTHING, List.of());
                    case 2 -> new AdminNetworkPolicy.Peer(AdminNetworkPolicy.Peer.Kind.NETWORKS, LabelSelector.EVERYTHING,
                            Optional.empty(), LabelSelector.EVERYTHING, List.of(Cidr.parse(rnd.nextBoolean() ? "10.244.2.0/24" : "203.0.113.0/24")));
                    default -> podPeer(rnd.nextBoolean() ? LabelSelector.EVERYTHING : labels("ns", NAMESPACES.get(rnd.nextInt(3))),
                            rnd.nextBoolean() ? null : labels("pod", PODS.get(rnd.nextInt(3))));
                });
            }
            List<AdminNetworkPolicy.Port> ports = new ArrayList<>();
            for (int j = 0; j < rnd.nextInt(3); j++) {
                Protocol proto = rnd.nextInt(3) == 0 ? Protocol.UDP : Protocol.TCP;
                ports.add(switch (rnd.nextInt(3)) {
                    case 0 -> new AdminNetworkPolicy.Port(proto, 80, 80, Optional.empty());
                    case 1 -> new AdminNetworkPolicy.Port(proto, 80, 81, Optional.empty());
                    default -> new AdminNetworkPolicy.Port(proto, 0, 0, Optional.of(proto == Protocol.UDP ? "serve-81-udp" : "serve-80"));
                });
            }
            out.add(adminRule("rule" + i, action, peers, ports));
        }
        return out;
    }

    @Test
    void randomPoliciesAgreeWithTheEvaluator() {
        Random rnd = new Random(20261125);
        for (int round = 0; round < 150; round++) {
            List<NetworkPolicy> ps = new ArrayList<>();
            int count = 1 + rnd.nextInt(3);
            for (int i = 0; i < count; i++) ps.add(randomPolicy(rnd, "r" + i));
            assertAgree(ps);
        }
    }

    private static NetworkPolicy randomPolicy(Random rnd, String name) {
        String ns = NAMESPACES.get(rnd.nextInt(3));
        LabelSelector target = rnd.nextBoolean() ? LabelSelector.EVERYTHING : labels("pod", PODS.get(rnd.nextInt(3)));
        boolean ing = rnd.nextInt(4) != 0;
        boolean eg = !ing || rnd.nextBoolean();
        return policy(ns, name, target, ing, eg, rules(rnd, ing), rules(rnd, eg));
    }

    private static List<NetworkPolicy.Rule> rules(Random rnd, boolean present) {
        if (!present) return List.of();
        List<NetworkPolicy.Rule> out = new ArrayList<>();
        int n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            List<NetworkPolicy.Peer> peers = new ArrayList<>();
            int np = rnd.nextInt(3);
            for (int j = 0; j < np; j++) peers.add(randomPeer(rnd));
            List<NetworkPolicy.Port> ports = new ArrayList<>();
            int nports = rnd.nextInt(3);
            for (int j = 0; j < nports; j++) ports.add(randomPort(rnd));
            out.add(rule(peers, ports));
        }
        return out;
    }

    private static NetworkPolicy.Peer randomPeer(Random rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> pods(labels("pod", PODS.get(rnd.nextInt(3))), null);
            case 1 -> pods(null, labels("ns", NAMESPACES.get(rnd.nextInt(3))));
            case 2 -> pods(labels("pod", PODS.get(rnd.nextInt(3))), rnd.nextBoolean() ? LabelSelector.EVERYTHING
                    : new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("ns", LabelSelector.Operator.NotIn,
                    List.of(NAMESPACES.get(rnd.nextInt(3)))))));
            case 3 -> block("10.244.0.0/16", "10.244.1.0/24");
            default -> block(rnd.nextBoolean() ? "10.244.2.0/24" : "0.0.0.0/0", "10.244.2.11/32");
        };
    }

    private static NetworkPolicy.Port randomPort(Random rnd) {
        Protocol proto = rnd.nextInt(4) == 0 ? Protocol.UDP : rnd.nextInt(8) == 0 ? Protocol.SCTP : Protocol.TCP;
        return switch (rnd.nextInt(5)) {
            case 0 -> port(proto, null, 0);
            case 1 -> port(proto, 80, 0);
            case 2 -> port(proto, 80, 81);
            case 3 -> port(proto, proto == Protocol.UDP ? "serve-80-udp" : "serve-80", 0);
            default -> port(proto, 81, 0);
        };
    }
}
