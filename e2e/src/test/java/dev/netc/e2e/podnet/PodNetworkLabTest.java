package dev.netc.e2e.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.OutFiles;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.podnet.PodNetworkLab.Mode;
import dev.netc.e2e.podnet.PodNetworkLab.Node;
import dev.netc.e2e.podnet.PodNetworkLab.NodeSpec;
import dev.netc.e2e.podnet.PodNetworkLab.Pod;
import dev.netc.e2e.podnet.PodNetworkLab.Seen;
import dev.netc.ir.Cidr;
import dev.netc.ir.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16's acceptance by traffic (reference C.9): a cluster wired only from netc's output — routes by {@code netc
 * apply --backend podnet}, the egress masquerade by {@code --backend nftables}, pods by the reference CNI plugins
 * running netc's conflist — holds the four rules of the Kubernetes network model, for host-gw and for VXLAN.
 *
 * <p>One lab per mode serves the class (building one takes seconds); the tests run in order, the last two change it
 * (a fourth node) and close it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodNetworkLabTest {
    private static final int NODES = 3;
    private static final int PODS_PER_NODE = 2;
    private static final int STREAM_PORT = 9000;

    private final Map<Mode, PodNetworkLab> labs = new EnumMap<>(Mode.class);

    @BeforeAll
    void tools() {
        Lab.requirePodNetwork();
    }

    @AfterAll
    void closeLabs() {
        labs.values().forEach(PodNetworkLab::close);
        labs.clear();
    }

    private PodNetworkLab lab(Mode mode) throws IOException {
        PodNetworkLab lab = labs.get(mode);
        if (lab == null) {
            lab = PodNetworkLab.start(mode, NODES, PODS_PER_NODE);
            labs.put(mode, lab);
        }
        return lab;
    }

    private static boolean inCidr(String ip, String cidr) {
        return Cidr.parse(cidr).contains(IpAddress.parse(ip));
    }

    /** The first address of a /24's network: where host-local puts the bridge's gateway by default. */
    private static String firstHost(String podNetwork) {
        return podNetwork.substring(0, podNetwork.lastIndexOf('.')) + ".1";
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    /** The global IPv4 addresses on {@code dev} in {@code ns}. */
    private static List<String> globalAddresses(String ns, String dev) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode link : PodNetworkLab.ipJson(ns, "-4", "addr", "show", "dev", dev)) {
            for (JsonNode a : link.path("addr_info")) {
                if (a.path("scope").asText().equals("global")) out.add(a.path("local").asText());
            }
        }
        return out;
    }

    /** Every IPv4 address a namespace holds, on any device. */
    private static List<String> ipv4Addresses(String ns) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode link : PodNetworkLab.ipJson(ns, "-4", "addr", "show")) {
            for (JsonNode a : link.path("addr_info")) out.add(a.path("local").asText());
        }
        return out;
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void theReferencePluginsRunNetcsConflistAddCheckAndDelTwice(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        for (Node n : lab.nodes()) assertEquals("1.0.0", lab.conflist(n).path("cniVersion").asText(), n.name());
        for (Pod p : lab.pods()) {
            JsonNode ip = p.attachment().result().at("/ips/0");
            String podCidr = p.node().spec().podCidr();
            assertTrue(inCidr(p.ip(), podCidr), p.ip() + " outside " + podCidr);
            String gateway = ip.path("gateway").asText();
            assertEquals(firstHost(podCidr), gateway, p.ns());
            assertEquals(List.of(gateway), globalAddresses(p.node().ns(), "cni0"), "the gateway is the bridge's own address");
            for (CniRuntime.Run r : p.cni().check(p.attachment())) assertEquals(0, r.exit(), "CHECK " + r);
        }
        // DEL on a pod of its own, so the other tests keep theirs.
        Node n1 = lab.nodes().get(0);
        Pod extra = lab.addPod(n1, "del", c -> { });
        Path lease = lab.dir().resolve("leases").resolve(n1.name()).resolve("networks").resolve("netc").resolve(extra.ip());
        assertTrue(Files.exists(lease), "host-local's lease in the node's store: " + lease);
        assertEquals(1, PodNetworkLab.ipJson(extra.ns(), "link", "show", "type", "veth").size(), "ADD made eth0");
        for (int round = 1; round <= 2; round++) {
            for (CniRuntime.Run r : extra.cni().del(extra.attachment())) assertEquals(0, r.exit(), "DEL #" + round + ": " + r);
            assertFalse(Files.exists(lease), "DEL #" + round + " released " + extra.ip());
            assertEquals(0, PodNetworkLab.ipJson(extra.ns(), "link", "show", "type", "veth").size(), "DEL #" + round + " removed eth0");
        }
        lab.removePod(extra);
    }

    @Order(2)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void everyPodIsSeenByEveryOtherAsTheAddressItHoldsItself(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        List<Pod> pods = lab.pods();
        assertEquals(NODES * PODS_PER_NODE, pods.size());
        Set<String> all = new HashSet<>();
        for (Pod p : pods) {
            List<String> own = globalAddresses(p.ns(), "eth0");
            assertEquals(List.of(p.ip()), own, p.ns() + ": exactly one global IPv4 on eth0, the one CNI gave");
            assertTrue(inCidr(p.ip(), p.node().spec().podCidr()), p.ip());
            assertTrue(all.add(p.ip()), "unique cluster-wide: " + p.ip());
        }
        List<String> wrong = new ArrayList<>();
        int pairs = 0;
        for (Pod from : pods) {
            for (Pod to : pods) {
                if (from == to) continue;
                Seen s = lab.connect(from.ns(), null, to.ip());
                pairs++;
                if (!s.byServer().equals(from.ip()) || !s.byClient().equals(from.ip())) {
                    wrong.add(from.ns() + " (" + from.ip() + ") -> " + to.ip() + ": server saw " + s.byServer() + ", client is " + s.byClient());
                }
            }
        }
        assertEquals(30, pairs);
        assertEquals(List.of(), wrong);
    }

    @Order(3)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void nodesAndPodsOfOtherNodesSeeEachOtherWithoutNat(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        List<String> wrong = new ArrayList<>();
        for (Node n : lab.nodes()) {
            List<String> own = ipv4Addresses(n.ns());
            for (Pod p : lab.pods()) {
                if (p.node().equals(n)) continue;
                String nodeIp = n.spec().address();
                Seen toPod = lab.connect(n.ns(), nodeIp, p.ip());
                if (!toPod.byServer().equals(nodeIp)) wrong.add(n.name() + " -> " + p.ns() + ": pod saw " + toPod.byServer());
                // Unbound, the kernel picks the source (VXLAN: the device's address, as flannel's nodes do): still the
                // node's own, and what the node's socket holds.
                Seen unbound = lab.connect(n.ns(), null, p.ip());
                if (!own.contains(unbound.byServer()) || !unbound.byServer().equals(unbound.byClient())) {
                    wrong.add(n.name() + " -> " + p.ns() + " unbound: pod saw " + unbound.byServer() + ", node is " + unbound.byClient() + " of " + own);
                }
                Seen toNode = lab.connect(p.ns(), null, nodeIp);
                if (!toNode.byServer().equals(p.ip())) wrong.add(p.ns() + " -> " + n.name() + ": node saw " + toNode.byServer());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Order(4)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void podsReachTheOutsideMasqueradedToTheirNode(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        for (Pod p : lab.pods()) {
            Seen s = lab.connect(p.ns(), null, PodNetworkLab.OUTSIDE);
            assertEquals(p.node().spec().address(), s.byServer(), p.ns() + " -> " + PodNetworkLab.OUTSIDE);
            assertEquals(p.ip(), s.byClient(), "the pod itself still holds its own address");
        }
    }

    @Order(5)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void eachNodeHoldsTheRoutePlanOfEveryOtherNodeAndNoMore(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        assertRoutePlan(lab);
        for (Pod p : lab.pods()) {
            int mtu = lab.conflist(p.node()).at("/plugins/0/mtu").asInt();
            assertEquals(mtu, PodNetworkLab.ipJson(p.ns(), "link", "show", "dev", "eth0").get(0).path("mtu").asInt(), p.ns());
        }
    }

    /** netc's active IPv4 table on a node: the one its rule at priority 100 looks up. */
    private static String activeTable(String ns) throws IOException {
        List<String> tables = list(PodNetworkLab.ipJson(ns, "-4", "rule", "show")).stream()
                .filter(r -> r.path("priority").asInt() == 100).map(r -> r.path("table").asText()).toList();
        assertEquals(1, tables.size(), ns + " rules: " + tables);
        assertTrue(Set.of("2010", "2011").contains(tables.get(0)), tables.toString());
        return tables.get(0);
    }

    /** A node's VXLAN devices (netc's is the only one the lab has). */
    private static List<JsonNode> vxlanDevices(String ns) throws IOException {
        return list(PodNetworkLab.ipJson(ns, "-d", "link", "show", "type", "vxlan"));
    }

    /**
     * Every node of the lab holds, in netc's active table (proto 201), one route per other node of the current profile
     * and nothing else; for VXLAN also one permanent neighbour and one FDB entry per other node, whose MAC is that
     * node's device's (read from its kernel where the lab has it, else from netc's plan), and a device 50 bytes under the
     * underlay.
     */
    private static void assertRoutePlan(PodNetworkLab lab) throws IOException {
        Map<String, byte[]> files = OutFiles.composed(lab.out());
        for (Node n : lab.nodes()) {
            List<NodeSpec> others = lab.profile().nodes().stream().filter(o -> !o.name().equals(n.name())).toList();
            List<JsonNode> devices = vxlanDevices(n.ns());
            assertEquals(lab.mode() == Mode.VXLAN ? 1 : 0, devices.size(), n.name() + "'s VXLAN devices: " + devices);
            String dev = lab.mode() == Mode.VXLAN ? devices.get(0).path("ifname").asText() : "eth0";
            Set<String> want = new TreeSet<>();
            Set<String> wantNeigh = new TreeSet<>();
            Set<String> wantFdb = new TreeSet<>();
            for (NodeSpec o : others) {
                if (lab.mode() == Mode.HOST_GW) {
                    want.add(o.podCidr() + " via " + o.address() + " dev eth0 proto 201");
                } else {
                    want.add(o.podCidr() + " via " + o.podNetwork() + " dev " + dev + " onlink proto 201");
                    String mac = macOf(lab, files, n, o);
                    wantNeigh.add(o.podNetwork() + " lladdr " + mac + " PERMANENT");
                    wantFdb.add(mac + " dst " + o.address() + " self permanent");
                }
            }
            Set<String> got = new TreeSet<>();
            for (JsonNode r : PodNetworkLab.ipJson(n.ns(), "-4", "route", "show", "table", activeTable(n.ns()))) {
                got.add(r.path("dst").asText() + " via " + r.path("gateway").asText() + " dev " + r.path("dev").asText()
                        + (r.path("flags").toString().contains("onlink") ? " onlink" : "") + " proto " + r.path("protocol").asText());
            }
            assertEquals(want, got, n.name() + "'s routes");
            assertEquals(others.size(), got.size());
            if (lab.mode() == Mode.HOST_GW) continue;
            JsonNode d = devices.get(0);
            int underlay = PodNetworkLab.ipJson(n.ns(), "link", "show", "dev", "eth0").get(0).path("mtu").asInt();
            assertEquals(1500, underlay);
            assertEquals(underlay - 50, d.path("mtu").asInt(), n.name() + " " + dev + " MTU");
            assertEquals(n.spec().address(), d.at("/linkinfo/info_data/local").asText());
            for (NodeSpec o : others) {
                // The routed underlay is what VXLAN is here for: no other node is on this node's link, so host-gw's
                // "podCIDR via nodeIP" could not be installed.
                JsonNode hop = PodNetworkLab.ipJson(n.ns(), "-4", "route", "get", o.address()).get(0);
                assertTrue(hop.has("gateway"), n.name() + " reaches " + o.name() + " through a router: " + hop);
            }
            assertEquals("eth0", d.at("/linkinfo/info_data/link").asText(), "the underlay is the device of the node's address");
            Set<String> neigh = new TreeSet<>();
            for (JsonNode e : PodNetworkLab.ipJson(n.ns(), "neigh", "show", "dev", dev)) {
                neigh.add(e.path("dst").asText() + " lladdr " + e.path("lladdr").asText() + " " + String.join(",",
                        list(e.path("state")).stream().map(JsonNode::asText).toList()));
            }
            assertEquals(wantNeigh, neigh, n.name() + "'s neighbours on " + dev);
            Set<String> fdb = new TreeSet<>();
            for (JsonNode e : PodNetworkLab.bridgeJson(n.ns(), "fdb", "show", "dev", dev)) {
                if (!e.has("dst")) continue; // the device's own address entries
                fdb.add(e.path("mac").asText() + " dst " + e.path("dst").asText() + " " + String.join(",",
                        list(e.path("flags")).stream().map(JsonNode::asText).toList()) + " " + e.path("state").asText());
            }
            assertEquals(wantFdb, fdb, n.name() + "'s FDB on " + dev);
        }
    }

    /** Node {@code o}'s VTEP MAC: its device's, when the lab runs it; otherwise what {@code n}'s plan says it is. */
    private static String macOf(PodNetworkLab lab, Map<String, byte[]> files, Node n, NodeSpec o) throws IOException {
        Node running = lab.node(o.name());
        if (running != null) return vxlanDevices(running.ns()).get(0).path("address").asText();
        String plan = new String(files.get("nodes/" + n.name() + "/podnet/routes"), StandardCharsets.UTF_8);
        return plan.lines().filter(l -> l.startsWith("neigh " + o.podNetwork() + " ") && l.endsWith(" node " + o.name()))
                .findFirst().orElseThrow(() -> new AssertionError("no neighbour of " + o.name() + " in " + n.name() + "'s plan"))
                .split(" ")[3];
    }

    @Order(6)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aBridgeThatMasqueradesWouldBeCaughtBySourceChecks(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        Node n1 = lab.nodes().get(0);
        Pod target = lab.pods().stream().filter(p -> !p.node().equals(n1)).findFirst().orElseThrow();
        Pod masq = lab.addPod(n1, "masq", c -> ((ObjectNode) c.get("plugins").get(0)).put("ipMasq", true));
        try {
            Seen s = lab.connect(masq.ns(), null, target.ip());
            assertEquals(masq.ip(), s.byClient());
            assertNotEquals(masq.ip(), s.byServer(), "with ipMasq the bridge plugin rewrites pod-to-pod traffic across nodes");
            List<String> n1Addresses = ipv4Addresses(n1.ns());
            assertTrue(n1Addresses.contains(s.byServer()), "masqueraded to an address of " + n1.name() + ": " + s.byServer() + " in " + n1Addresses);
        } finally {
            for (CniRuntime.Run r : lab.removePod(masq)) assertEquals(0, r.exit(), "DEL " + r);
        }
    }

    @Order(7)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aStreamAcrossNodesRunsOnThroughAnApplyThatAddsANode(Mode mode) throws Exception {
        PodNetworkLab lab = lab(mode);
        Pod from = lab.pods().stream().filter(p -> p.node().name().equals("n1")).findFirst().orElseThrow();
        Pod to = lab.pods().stream().filter(p -> p.node().name().equals("n2")).findFirst().orElseThrow();
        long duringApply;
        long atEnd;
        String applied;
        try (TcpStream stream = TcpStream.start(lab.thread(from.ns()), lab.thread(to.ns()), to.ip(), STREAM_PORT)) {
            Thread.sleep(500);
            long before = stream.received();
            assertTrue(before > 0, "the stream runs before the apply");
            long t0 = System.nanoTime();
            lab.reconfigure(PodNetworkLab.Profile.of(mode, NODES + 1));
            applied = ((System.nanoTime() - t0) / 1_000_000) + " ms";
            duringApply = stream.received() - before;
            Thread.sleep(500);
            atEnd = stream.received();
            String retrans = Sh.in(from.ns(), null, "ss", "-tin", "sport", "= :" + stream.senderPort());
            String figures = before + " bytes before, " + duringApply + " during the apply of every node (" + applied + "), " + atEnd
                    + " at the end; longest gap " + stream.longestGapMillis() + " ms";
            assertEquals(List.of(), stream.failures(), "the stream never broke: " + figures);
            assertTrue(stream.longestGapMillis() < 1000, figures);
            assertFalse(retrans.matches("(?s).*\\bretrans:\\d+/[1-9].*"), "no segment was lost: " + retrans);
            assertTrue(duringApply > 0, figures);
            assertTrue(atEnd > before + duringApply, figures);
        }
        assertRoutePlan(lab);
    }

    @Order(8)
    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void closingTheLabLeavesNoNamespaceAndNoFile(Mode mode) throws IOException {
        PodNetworkLab lab = lab(mode);
        List<String> names = lab.namespaces();
        assertEquals(1 + (mode == Mode.HOST_GW ? 1 : 0) + NODES + NODES * PODS_PER_NODE, names.size(), names.toString());
        labs.remove(mode);
        lab.close();
        Set<String> left = new TreeSet<>(Sh.ok("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList());
        left.retainAll(names);
        assertEquals(Set.of(), left);
        assertFalse(Files.exists(lab.dir()), lab.dir().toString());
    }
}
