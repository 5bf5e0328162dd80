package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.PolicyEvaluator;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
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
                List.of(), List.of(), List.of());
    }

    static NetworkPlan plan(Cluster c) {
        List<NodePlan> nodes = c.nodes().stream().map(n -> new NodePlan(n, List.of(), false, List.of(), List.of())).toList();
        return new Policy().apply(new NetworkPlan(c, List.of(), nodes), new Diagnostics());
    }

    /** What the plan says, read the way a backend enforces it. */
    static boolean planAllows(NetworkPlan plan, IpAddress src, IpAddress dst, int port, Protocol proto) {
        return direction(plan, src, dst, port, proto, true) && direction(plan, dst, src, port, proto, false);
    }

    /** Egress of the pod at {@code self} (egress = true) or ingress of the pod at {@code self} from {@code peer}. */
    private static boolean direction(NetworkPlan plan, IpAddress self, IpAddress peer, int port, Protocol proto,
                                     boolean egress) {
        for (NodePlan n : plan.nodes()) {
            PolicyPlan pp = n.policy();
            for (PodPolicy p : pp.pods()) {
                if (!p.ips().contains(self)) continue;
                boolean isolated = egress ? p.egressIsolated() : p.ingressIsolated();
                if (!isolated) return true;
                if (!egress && n.node().addresses().contains(peer)) return true;
                for (PolicyAllow a : egress ? p.egress() : p.ingress()) {
                    boolean peerOk = a.peers().isEmpty() || pp.set(a.peers().get()).map(AddressSet::cidrs)
                            .orElseThrow().stream().anyMatch(cidr -> cidr.contains(peer));
                    boolean portOk = a.ports().isEmpty() || a.ports().stream().anyMatch(r -> r.contains(proto, port));
                    if (peerOk && portOk) return true;
                }
                return false;
            }
        }
        return true; // not on any node's list: not isolated
    }

    static void assertAgree(List<NetworkPolicy> policies) {
        Cluster c = model(policies);
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
                                + v.reasons() + "\npolicies: " + policies);
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
