package dev.netc.backends.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.testing.NetnsTool;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The iptables backend on hand-built plans: kube-proxy's chain names and rule lines (compared with the lines of
 * kube-proxy's own unit tests for the same Services), the choices a plan's flags lead to, and the real
 * {@code iptables-restore} / {@code ip6tables-restore} in a throwaway network namespace.
 */
class IptablesBackendTest {
    static final SourcePos POS = new SourcePos("t.yaml", 1, 1);

    // ---- plan builders -----------------------------------------------------------------------------------------

    static PlanEndpoint ep(String ip, int port, boolean local) {
        return new PlanEndpoint(IpAddress.parse(ip), port, local ? "n1" : "n2", local, true, true, false);
    }

    /** A Service port builder: ClusterIP, TCP, Cluster policies, no affinity; endpoints are cluster-wide. */
    static final class Port {
        String ns;
        String name;
        String portName = "p80";
        Protocol protocol = Protocol.TCP;
        String clusterIP;
        int port = 80;
        int nodePort;
        List<String> externalIPs = List.of();
        List<String> lbIPs = List.of();
        List<String> ranges = List.of();
        boolean eLocal;
        boolean iLocal;
        int affinity;
        List<PlanEndpoint> eps = List.of();

        Port(String ns, String name, String clusterIP) {
            this.ns = ns;
            this.name = name;
            this.clusterIP = clusterIP;
        }

        Port eps(PlanEndpoint... e) {
            eps = List.of(e);
            return this;
        }

        Port nodePort(int n) {
            nodePort = n;
            return this;
        }

        Port externalIPs(String... a) {
            externalIPs = List.of(a);
            return this;
        }

        Port lb(String ip, String... sourceRanges) {
            lbIPs = List.of(ip);
            ranges = List.of(sourceRanges);
            return this;
        }

        Port eLocal() {
            eLocal = true;
            return this;
        }

        Port iLocal() {
            iLocal = true;
            return this;
        }

        Port affinity(int s) {
            affinity = s;
            return this;
        }

        Port protocol(Protocol p, String portName, int port) {
            protocol = p;
            this.portName = portName;
            this.port = port;
            return this;
        }

        ServicePortPlan build() {
            IpAddress vip = IpAddress.parse(clusterIP);
            List<PlanEndpoint> local = eps.stream().filter(PlanEndpoint::local).toList();
            return new ServicePortPlan(ns, name, portName, protocol, vip.family(), Optional.of(vip), port, nodePort,
                    externalIPs.stream().map(IpAddress::parse).toList(), lbIPs.stream().map(IpAddress::parse).toList(),
                    ranges.stream().map(Cidr::parse).toList(), eLocal && (nodePort != 0 || !externalIPs.isEmpty() || !lbIPs.isEmpty()),
                    iLocal, affinity, eps, local, !eps.isEmpty());
        }
    }

    static Node node(String... addresses) {
        return new Node(ObjectMeta.of("Node", "", "n1", POS), Arrays.stream(addresses).map(IpAddress::parse).toList(), List.of());
    }

    static NodeView nodePlan(Node node, List<String> clusterCIDRs, boolean masqueradeAll, List<String> nodePortAddresses,
                             Port... ports) {
        List<ServicePortPlan> s = Arrays.stream(ports).map(Port::build).toList();
        return new NodeView(node, clusterCIDRs.stream().map(Cidr::parse).toList(), masqueradeAll,
                nodePortAddresses.stream().map(IpAddress::parse).toList(), s);
    }

    static NodeView nodePlan(Port... ports) {
        return nodePlan(node("192.168.0.2"), List.of("10.0.0.0/8"), false, List.of(), ports);
    }

    static List<String> lines(NodeView n, Family f) {
        return List.of(IptablesBackend.render(n, f).split("\n"));
    }

    static List<String> linesOf(List<String> all, String chainPrefix) {
        return all.stream().filter(l -> l.startsWith("-A " + chainPrefix)).toList();
    }

    static void assertHasLines(List<String> actual, String... expected) {
        List<String> missing = new ArrayList<>();
        for (String e : expected) if (!actual.contains(e)) missing.add(e);
        assertTrue(missing.isEmpty(), () -> "missing lines:\n" + String.join("\n", missing) + "\n--- in:\n" + String.join("\n", actual));
    }

    // ---- chain names -------------------------------------------------------------------------------------------

    /** RFC 4648 base32 of the first 80 bits, done with big-integer arithmetic (a second, independent encoder). */
    static String independentHash(String s) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        BigInteger first80 = new BigInteger(1, Arrays.copyOf(d, 10));
        StringBuilder b = new StringBuilder();
        for (int i = 15; i >= 0; i--) {
            b.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(first80.shiftRight(5 * i).intValue() & 31));
        }
        return b.toString();
    }

    @Test
    void chainNamesAreKubeProxys() throws Exception {
        // expectations from kube-proxy's iptables proxier tests
        assertEquals("KUBE-SVC-XPGD46QRK7WJZT7O", ChainNames.service("KUBE-SVC-", "ns1/svc1:p80", "tcp"));
        assertEquals("KUBE-EXT-GNZBNJ2PO5MGZ6GT", ChainNames.service("KUBE-EXT-", "ns2/svc2:p80", "tcp"));
        assertEquals("KUBE-FW-NUKIZ6OKUXPJNT4C", ChainNames.service("KUBE-FW-", "ns5/svc5:p80", "tcp"));
        assertEquals("KUBE-SEP-SXIVWICOYRO3J4NJ", ChainNames.endpoint("ns1/svc1:p80", "tcp", "10.180.0.1:80"));
        assertEquals("KUBE-SEP-C6EBXVWJJZMIWKLZ", ChainNames.endpoint("ns4/svc4:p80", "tcp", "10.180.0.5:80"));
        for (String s : List.of("ns1/svc1:p80tcp", "kube-system/kube-dns:dnsudp", "a/b[fd00::1]:53", "x/yudp10.0.0.1:1")) {
            assertEquals(independentHash(s), ChainNames.hash(s), s);
        }
        String longest = "KUBE-SEP-" + ChainNames.hash("x");
        assertTrue(longest.length() <= 28, "iptables chain names are at most 28 characters");
    }

    // ---- kube-proxy's own expectations -------------------------------------------------------------------------

    /** The Services of kube-proxy's iptables tests (ns1..ns6), as a plan. */
    static NodeView kubeProxyTestServices() {
        return nodePlan(
                new Port("ns1", "svc1", "172.30.0.41").eps(ep("10.180.0.1", 80, false)),
                new Port("ns2", "svc2", "172.30.0.42").nodePort(3001).externalIPs("192.168.99.22").lb("1.2.3.4").eLocal()
                        .eps(ep("10.180.0.2", 80, false)),
                new Port("ns3", "svc3", "172.30.0.43").nodePort(3003).eps(ep("10.180.0.3", 80, false)),
                new Port("ns4", "svc4", "172.30.0.44").externalIPs("192.168.99.33").eps(ep("10.180.0.4", 80, false), ep("10.180.0.5", 80, false)),
                new Port("ns5", "svc5", "172.30.0.45").nodePort(3002).lb("5.6.7.8", "203.0.113.0/25").eps(ep("10.180.0.3", 80, false)),
                new Port("ns6", "svc6", "172.30.0.46"));
    }

    @Test
    void rulesAreTheLinesKubeProxyWrites() {
        List<String> out = lines(kubeProxyTestServices(), Family.IPV4);
        assertHasLines(out,
                "*filter",
                ":KUBE-SERVICES - [0:0]",
                ":KUBE-EXTERNAL-SERVICES - [0:0]",
                ":KUBE-FORWARD - [0:0]",
                ":KUBE-NODEPORTS - [0:0]",
                ":KUBE-PROXY-FIREWALL - [0:0]",
                "-A KUBE-SERVICES -m comment --comment \"ns6/svc6:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT --reject-with icmp-port-unreachable",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns2/svc2:p80 has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP",
                "-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
                "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT",
                "-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A KUBE-PROXY-FIREWALL -m comment --comment \"ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP",
                "COMMIT",
                "*nat",
                ":KUBE-SERVICES - [0:0]",
                ":KUBE-NODEPORTS - [0:0]",
                ":KUBE-POSTROUTING - [0:0]",
                ":KUBE-MARK-MASQ - [0:0]",
                ":KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]",
                ":KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]",
                ":KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]",
                ":KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]",
                ":KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]",
                ":KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]",
                ":KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]",
                ":KUBE-SEP-OYPFS5VJICHGATKP - [0:0]",
                ":KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]",
                ":KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]",
                ":KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]",
                ":KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]",
                ":KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]",
                ":KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]",
                ":KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]",
                ":KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]",
                "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING",
                "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN",
                "-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000",
                "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully",
                "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000",
                "-A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK",
                "-A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C",
                "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O",
                "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 external IP\" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-SERVICES -m comment --comment \"ns2/svc2:p80 loadbalancer IP\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-SERVICES -m comment --comment \"ns3/svc3:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK",
                "-A KUBE-SERVICES -m comment --comment \"ns4/svc4:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK",
                "-A KUBE-SERVICES -m comment --comment \"ns4/svc4:p80 external IP\" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK",
                "-A KUBE-SERVICES -m comment --comment \"ns5/svc5:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C",
                "-A KUBE-SERVICES -m comment --comment \"ns5/svc5:p80 loadbalancer IP\" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C",
                // netc leaves localhost node ports out (kube-proxy's test runs with them on and has no "! -d")
                "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS",
                "-A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment \"masquerade traffic for ns4/svc4:p80 external destinations\" -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK",
                "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"pod traffic for ns2/svc2:p80 external destinations\" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"masquerade LOCAL traffic for ns2/svc2:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment \"route LOCAL traffic for ns2/svc2:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT",
                "-A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment \"masquerade traffic for ns5/svc5:p80 external destinations\" -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C",
                "-A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment \"masquerade traffic for ns3/svc3:p80 external destinations\" -j KUBE-MARK-MASQ",
                "-A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK",
                "-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 loadbalancer IP\" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C",
                "-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment \"other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL\"",
                "-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80",
                "-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80",
                "-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80",
                "-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80",
                "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
                "-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ",
                "-A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80",
                "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 -> 10.180.0.4:80\" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC",
                "-A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment \"ns4/svc4:p80 -> 10.180.0.5:80\" -j KUBE-SEP-C6EBXVWJJZMIWKLZ",
                "-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment \"ns2/svc2:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment \"ns2/svc2:p80 -> 10.180.0.2:80\" -j KUBE-SEP-RS4RBKLTHTF2IUXJ",
                "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment \"ns5/svc5:p80 -> 10.180.0.3:80\" -j KUBE-SEP-I77PXRDZVX7PMWMN",
                "-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment \"ns3/svc3:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment \"ns3/svc3:p80 -> 10.180.0.3:80\" -j KUBE-SEP-OYPFS5VJICHGATKP",
                "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -j KUBE-SEP-SXIVWICOYRO3J4NJ");
        // and nothing else for these Services (kube-proxy's 12 SEP + 11 SVC + 9 EXT + 2 FW lines): no chain for ns6
        // (no endpoints), no SVL (no local endpoints)
        assertEquals(34, linesOf(out, "KUBE-SEP-").size() + linesOf(out, "KUBE-SVC-").size() + linesOf(out, "KUBE-EXT-").size()
                + linesOf(out, "KUBE-FW-").size() + linesOf(out, "KUBE-SVL-").size());
        assertTrue(out.stream().noneMatch(l -> l.contains("ns6/svc6") && l.startsWith("-A KUBE-S") && !l.contains("REJECT")));
        // the node-port dispatch is the last rule of nat KUBE-SERVICES
        List<String> services = out.subList(out.indexOf("*nat"), out.indexOf("*filter")).stream().filter(l -> l.startsWith("-A KUBE-SERVICES ")).toList();
        assertTrue(services.get(services.size() - 1).endsWith("-j KUBE-NODEPORTS"));
    }

    @Test
    void jumpsFromTheBuiltInChainsInKubeProxysOrder() {
        List<String> out = lines(nodePlan(), Family.IPV4);
        assertEquals(List.of(
                "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
                "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS",
                "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
                linesOf(out, "INPUT "));
        assertEquals(List.of(
                // NetworkPolicy first, on every node (NETC-POLICY is empty where no pod is restricted)
                "-A FORWARD -m comment --comment \"netc network policy\" -j NETC-POLICY",
                "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
                "-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD",
                "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES",
                "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES"),
                linesOf(out, "FORWARD "));
        assertEquals(List.of(
                "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES", // nat, the first table
                "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL",
                "-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), linesOf(out, "OUTPUT "));
        assertEquals(List.of("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), linesOf(out, "PREROUTING "));
        assertEquals(1, out.stream().filter(l -> l.equals("*filter")).count());
        assertEquals(1, out.stream().filter(l -> l.equals("*nat")).count());
        assertEquals(2, out.stream().filter(l -> l.equals("COMMIT")).count());
    }

    // ---- choices -------------------------------------------------------------------------------------------------

    @Test
    void probabilitiesAreOneOverTheEndpointsLeftPrintedAsKubeProxyPrintsThem() {
        PlanEndpoint[] four = {ep("10.180.0.1", 80, false), ep("10.180.0.2", 80, false), ep("10.180.0.3", 80, false),
                ep("10.180.0.4", 80, false)};
        List<String> svc = linesOf(lines(nodePlan(new Port("ns", "web", "172.30.0.10").eps(four)), Family.IPV4), "KUBE-SVC-")
                .stream().filter(l -> l.contains(" -> ")).toList();
        assertEquals(4, svc.size());
        assertTrue(svc.get(0).contains("-m statistic --mode random --probability 0.2500000000 -j KUBE-SEP-"), svc.get(0));
        assertTrue(svc.get(1).contains("-m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-"), svc.get(1));
        assertTrue(svc.get(2).contains("-m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-"), svc.get(2));
        assertFalse(svc.get(3).contains("statistic"), "the last endpoint takes what is left");
        assertTrue(svc.get(0).contains("\"ns/web:p80 -> 10.180.0.1:80\""));
        // Go's %0.10f rounds the exact value half to even (C printf gives 0.0004882812 too); Java's %.10f would not
        assertEquals("0.0004882812", ServiceRules.probability(2048));
        assertEquals("0.1428571429", ServiceRules.probability(7));
        assertEquals("0.0010000000", ServiceRules.probability(1000));
    }

    @Test
    void clientIpAffinityChecksRecentThenSetsIt() {
        List<String> out = lines(nodePlan(new Port("ns", "web", "172.30.0.10").affinity(10800)
                .eps(ep("10.180.0.1", 8080, false), ep("10.180.0.2", 8080, false))), Family.IPV4);
        String svc = ChainNames.service("KUBE-SVC-", "ns/web:p80", "tcp");
        String sep1 = ChainNames.endpoint("ns/web:p80", "tcp", "10.180.0.1:8080");
        String sep2 = ChainNames.endpoint("ns/web:p80", "tcp", "10.180.0.2:8080");
        assertEquals(List.of(
                "-A " + svc + " -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A " + svc + " -m comment --comment \"ns/web:p80 -> 10.180.0.1:8080\" -m recent --name " + sep1 + " --rcheck --seconds 10800 --reap -j " + sep1,
                "-A " + svc + " -m comment --comment \"ns/web:p80 -> 10.180.0.2:8080\" -m recent --name " + sep2 + " --rcheck --seconds 10800 --reap -j " + sep2,
                "-A " + svc + " -m comment --comment \"ns/web:p80 -> 10.180.0.1:8080\" -m statistic --mode random --probability 0.5000000000 -j " + sep1,
                "-A " + svc + " -m comment --comment \"ns/web:p80 -> 10.180.0.2:8080\" -j " + sep2), linesOf(out, svc + " "));
        assertHasLines(out,
                "-A " + sep1 + " -m comment --comment ns/web:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ",
                "-A " + sep1 + " -m comment --comment ns/web:p80 -m recent --name " + sep1 + " --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:8080");
    }

    @Test
    void servicesWithoutEndpointsAreRejectedInFilterAndGetNoNatChains() {
        NodeView n = nodePlan(node("192.168.0.2", "fd00::2"), List.of("10.0.0.0/8", "fd00:244::/56"), false, List.of(),
                new Port("ns", "gone", "172.30.0.9").nodePort(30009).externalIPs("192.168.99.9").lb("5.6.7.9", "203.0.113.0/24"),
                new Port("ns", "gone", "fd00:96::9").protocol(Protocol.UDP, "dns", 53));
        List<String> v4 = lines(n, Family.IPV4);
        assertHasLines(v4,
                "-A KUBE-SERVICES -m comment --comment \"ns/gone:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.9 --dport 80 -j REJECT --reject-with icmp-port-unreachable",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/gone:p80 has no endpoints\" -m tcp -p tcp -d 192.168.99.9 --dport 80 -j REJECT --reject-with icmp-port-unreachable",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/gone:p80 has no endpoints\" -m tcp -p tcp -d 5.6.7.9 --dport 80 -j REJECT --reject-with icmp-port-unreachable",
                "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/gone:p80 has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30009 -j REJECT --reject-with icmp-port-unreachable");
        assertTrue(v4.stream().noneMatch(l -> l.contains("ns/gone") && (l.startsWith("-A KUBE-SERVICES") && !l.contains("REJECT")
                || l.startsWith("-A KUBE-NODEPORTS") || l.startsWith("-A KUBE-PROXY-FIREWALL"))), "nothing but rejects");
        assertTrue(v4.stream().noneMatch(l -> l.startsWith(":KUBE-SVC-") || l.startsWith(":KUBE-EXT-") || l.startsWith(":KUBE-FW-")));
        assertHasLines(lines(n, Family.IPV6),
                "-A KUBE-SERVICES -m comment --comment \"ns/gone:dns has no endpoints\" -m udp -p udp -d fd00:96::9 --dport 53 -j REJECT --reject-with icmp6-port-unreachable");
    }

    @Test
    void localPoliciesWithoutALocalEndpointDrop() {
        String spn = "ns/web:p80";
        String svc = ChainNames.service("KUBE-SVC-", spn, "tcp");
        String svl = ChainNames.service("KUBE-SVL-", spn, "tcp");
        String ext = ChainNames.service("KUBE-EXT-", spn, "tcp");
        // internalTrafficPolicy Local, endpoint on another node: the cluster IP drops here, node port still works
        List<String> out = lines(nodePlan(new Port("ns", "web", "172.30.0.10").iLocal().nodePort(30010).eps(ep("10.180.0.1", 80, false))),
                Family.IPV4);
        assertHasLines(out,
                "-A KUBE-SERVICES -m comment --comment \"ns/web:p80 has no local endpoints\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j DROP",
                "-A KUBE-NODEPORTS -m comment --comment ns/web:p80 -m tcp -p tcp --dport 30010 -j " + ext,
                "-A " + ext + " -j " + svc);
        assertFalse(out.contains(":" + svl + " - [0:0]"));

        // with a local endpoint: the cluster IP goes to SVL (local endpoints only), external traffic to SVC
        List<String> local = lines(nodePlan(new Port("ns", "web", "172.30.0.10").iLocal().nodePort(30010)
                .eps(ep("10.180.0.1", 80, true), ep("10.180.0.2", 80, false))), Family.IPV4);
        assertHasLines(local,
                "-A KUBE-SERVICES -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j " + svl,
                "-A " + svl + " -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ",
                "-A " + svl + " -m comment --comment \"ns/web:p80 -> 10.180.0.1:80\" -j " + ChainNames.endpoint(spn, "tcp", "10.180.0.1:80"));
        assertEquals(2, linesOf(local, svc + " ").size(), "SVC spreads over both endpoints for the node port");

        // externalTrafficPolicy Local with a local endpoint: the outside keeps its source address
        List<String> etp = lines(nodePlan(new Port("ns", "web", "172.30.0.10").eLocal().nodePort(30010)
                .eps(ep("10.180.0.1", 80, true), ep("10.180.0.2", 80, false))), Family.IPV4);
        assertEquals(List.of(
                "-A " + ext + " -m comment --comment \"pod traffic for ns/web:p80 external destinations\" -s 10.0.0.0/8 -j " + svc,
                "-A " + ext + " -m comment --comment \"masquerade LOCAL traffic for ns/web:p80 external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ",
                "-A " + ext + " -m comment --comment \"route LOCAL traffic for ns/web:p80 external destinations\" -m addrtype --src-type LOCAL -j " + svc,
                "-A " + ext + " -j " + svl), linesOf(etp, ext + " "));
        assertTrue(etp.stream().noneMatch(l -> l.startsWith("-A KUBE-EXTERNAL-SERVICES")), "nothing to drop");
    }

    @Test
    void masqueradeOptions() {
        String svc = ChainNames.service("KUBE-SVC-", "ns/web:p80", "tcp");
        Port web = new Port("ns", "web", "172.30.0.10").eps(ep("10.180.0.1", 80, false));
        List<String> all = lines(nodePlan(node("192.168.0.2"), List.of("10.0.0.0/8"), true, List.of(), web), Family.IPV4);
        assertHasLines(all, "-A " + svc + " -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-MARK-MASQ");

        // two pod ranges: one rule cannot say "from neither", a helper chain returns for each
        List<String> two = lines(nodePlan(node("192.168.0.2"), List.of("10.0.0.0/16", "10.8.0.0/16"), false, List.of(), web), Family.IPV4);
        assertHasLines(two,
                ":" + ServiceRules.MASQ_OFF_CLUSTER + " - [0:0]",
                "-A " + ServiceRules.MASQ_OFF_CLUSTER + " -s 10.0.0.0/16 -j RETURN",
                "-A " + ServiceRules.MASQ_OFF_CLUSTER + " -s 10.8.0.0/16 -j RETURN",
                "-A " + ServiceRules.MASQ_OFF_CLUSTER + " -j KUBE-MARK-MASQ",
                "-A " + svc + " -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j " + ServiceRules.MASQ_OFF_CLUSTER);
        assertTrue(two.stream().noneMatch(l -> l.contains("! -s")));
        assertTrue(lines(nodePlan(web), Family.IPV4).stream().noneMatch(l -> l.contains(ServiceRules.MASQ_OFF_CLUSTER)));
    }

    @Test
    void loadBalancerSourceRangesLetTheNodeThroughWhenItsAddressIsAllowed() {
        String fw = ChainNames.service("KUBE-FW-", "ns/web:p80", "tcp");
        String ext = ChainNames.service("KUBE-EXT-", "ns/web:p80", "tcp");
        Port web = new Port("ns", "web", "172.30.0.10").lb("5.6.7.8", "192.168.0.0/24", "203.0.113.0/25").eps(ep("10.180.0.1", 80, false));
        assertEquals(List.of(
                "-A " + fw + " -m comment --comment \"ns/web:p80 loadbalancer IP\" -s 192.168.0.0/24 -j " + ext,
                "-A " + fw + " -m comment --comment \"ns/web:p80 loadbalancer IP\" -s 203.0.113.0/25 -j " + ext,
                "-A " + fw + " -m comment --comment \"ns/web:p80 loadbalancer IP\" -s 5.6.7.8 -j " + ext,
                "-A " + fw + " -m comment --comment \"other traffic to ns/web:p80 will be dropped by KUBE-PROXY-FIREWALL\""),
                linesOf(lines(nodePlan(web), Family.IPV4), fw + " "));
        // node 192.168.0.2 outside the ranges: no rule for the LB IP as a source
        Port strict = new Port("ns", "web", "172.30.0.10").lb("5.6.7.8", "203.0.113.0/25").eps(ep("10.180.0.1", 80, false));
        assertTrue(linesOf(lines(nodePlan(strict), Family.IPV4), fw + " ").stream().noneMatch(l -> l.contains("-s 5.6.7.8")));
    }

    @Test
    void nodePortAddressesAndFamilies() {
        Port v4 = new Port("ns", "web", "172.30.0.10").nodePort(30010).eps(ep("10.180.0.1", 80, false));
        Port v6 = new Port("ns", "web", "fd00:96::10").nodePort(30010).eps(new PlanEndpoint(IpAddress.parse("fd00:244::1"), 80, "n2",
                false, true, true, false));
        NodeView n = nodePlan(node("192.168.0.2", "192.168.1.2", "fd00::2"), List.of("10.0.0.0/8", "fd00:244::/56"), false,
                List.of("192.168.0.2", "192.168.1.2"), v4, v6);
        String tail = "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
        List<String> out4 = lines(n, Family.IPV4);
        assertEquals(List.of(tail + " -d 192.168.0.2 -j KUBE-NODEPORTS", tail + " -d 192.168.1.2 -j KUBE-NODEPORTS"),
                out4.stream().filter(l -> l.startsWith(tail)).toList());
        List<String> out6 = lines(n, Family.IPV6);
        assertEquals(List.of(tail + " -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS"),
                out6.stream().filter(l -> l.startsWith(tail)).toList());
        String sep6 = ChainNames.endpoint("ns/web:p80", "tcp", "[fd00:244::1]:80");
        assertHasLines(out6,
                "-A " + sep6 + " -m comment --comment ns/web:p80 -s fd00:244::1 -j KUBE-MARK-MASQ",
                "-A " + sep6 + " -m comment --comment ns/web:p80 -m tcp -p tcp -j DNAT --to-destination [fd00:244::1]:80",
                "-A " + ChainNames.service("KUBE-SVC-", "ns/web:p80", "tcp")
                        + " -m comment --comment \"ns/web:p80 cluster IP\" -m tcp -p tcp -d fd00:96::10 --dport 80 ! -s fd00:244::/56 -j KUBE-MARK-MASQ");
        assertTrue(out4.stream().noneMatch(l -> l.contains("fd00")), "no IPv6 in the IPv4 file");
        assertTrue(out6.stream().noneMatch(l -> l.contains("172.30.") || l.contains("10.180.")), "no IPv4 in the IPv6 file");
    }

    @Test
    void ip6tablesFileOnlyWhenTheNodeHasIpv6() {
        Port v4 = new Port("ns", "web", "172.30.0.10").eps(ep("10.180.0.1", 80, false));
        List<Artifact> only4 = emit(nodePlan(v4));
        assertEquals(List.of("nodes/n1/iptables.rules"), only4.stream().map(Artifact::path).toList());
        List<Artifact> dual = emit(nodePlan(node("192.168.0.2"), List.of("10.0.0.0/8", "fd00:244::/56"), false, List.of(), v4));
        assertEquals(List.of("nodes/n1/iptables.rules", "nodes/n1/ip6tables.rules"), dual.stream().map(Artifact::path).toList());
        assertTrue(dual.get(1).text().startsWith("# netc IPv6 rules: "));
        assertTrue(dual.get(1).text().contains("\n# node n1\n"));
        assertEquals("n1", dual.get(0).node());
    }

    @Test
    void largeClustersLeaveOutEndpointComments() {
        List<Port> ports = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            PlanEndpoint[] eps = new PlanEndpoint[10];
            for (int e = 0; e < 10; e++) eps[e] = ep("10.180." + i + "." + (1 + e), 80, false);
            ports.add(new Port("ns", "s" + i, "172.30." + (i / 200) + "." + (1 + i % 200)).eps(eps));
        }
        List<String> big = lines(nodePlan(ports.toArray(Port[]::new)), Family.IPV4);
        String svc = ChainNames.service("KUBE-SVC-", "ns/s0:p80", "tcp");
        String sep = ChainNames.endpoint("ns/s0:p80", "tcp", "10.180.0.1:80");
        assertHasLines(big,
                "-A " + svc + " -m statistic --mode random --probability 0.1000000000 -j " + sep,
                "-A " + sep + " -s 10.180.0.1 -j KUBE-MARK-MASQ",
                "-A " + sep + " -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
                // dispatch rules keep theirs
                "-A " + svc + " -m comment --comment \"ns/s0:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ");
        // 1000 endpoints is not yet large
        List<String> small = lines(nodePlan(ports.subList(0, 100).toArray(Port[]::new)), Family.IPV4);
        assertHasLines(small, "-A " + sep + " -m comment --comment ns/s0:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ");
    }

    @Test
    void outputIsDeterministic() {
        NodeView n = kubeProxyTestServices();
        assertEquals(IptablesBackend.render(n, Family.IPV4), IptablesBackend.render(kubeProxyTestServices(), Family.IPV4));
        String text = IptablesBackend.render(n, Family.IPV4);
        for (String table : text.split("COMMIT\n")) {
            List<String> decl = table.lines().filter(l -> l.startsWith(":")).toList();
            assertEquals(decl.stream().distinct().count(), decl.size(), "each chain declared once per table");
        }
    }

    static List<Artifact> emit(NodeView n) {
        Cluster c = new Cluster(ClusterProfile.defaults(), List.of(), List.of(n.node()), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of());
        return new IptablesBackend().emit(NetworkPlan.fromViews(c, List.of(), List.of(n)), Set.of());
    }

    // ---- from YAML, through the whole compiler -----------------------------------------------------------------

    static final String YAML = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              serviceCIDRs: [10.96.0.0/12]
              clusterCIDRs: [10.244.0.0/16]
              nodes:
                - {name: n1, addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]}
                - {name: n2, addresses: [192.168.77.12], podCIDRs: [10.244.2.0/24]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: shop, labels: {app: web}}
            spec:
              nodeName: n1
              containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]
            status: {podIP: 10.244.1.10, conditions: [{type: Ready, status: "True"}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: shop, labels: {app: web}}
            spec:
              nodeName: n2
              containers: [{name: c, image: x, ports: [{name: http, containerPort: 9090}]}]
            status: {podIP: 10.244.2.10, conditions: [{type: Ready, status: "True"}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              type: NodePort
              clusterIP: 10.96.0.80
              externalTrafficPolicy: Local
              selector: {app: web}
              ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: empty, namespace: shop}
            spec:
              clusterIP: 10.96.0.81
              selector: {app: nothing}
              ports: [{port: 81}]
            """;

    @Test
    void yamlThroughTheWholeCompiler() throws Exception {
        dev.netc.compiler.Compiler.Result r = new dev.netc.compiler.Compiler()
                .compile(List.of(new dev.netc.compiler.InputSource("lab.yaml", YAML.getBytes(StandardCharsets.UTF_8))));
        assertTrue(r.ok(), r.diagnostics().toString());
        List<Artifact> files = new IptablesBackend().emit(r.plan().orElseThrow(), Set.of());
        assertEquals(List.of("nodes/n1/iptables.rules", "nodes/n2/iptables.rules"), files.stream().map(Artifact::path).toList());
        String spn = "shop/web:http";
        String svc = ChainNames.service("KUBE-SVC-", spn, "tcp");
        String svl = ChainNames.service("KUBE-SVL-", spn, "tcp");
        String ext = ChainNames.service("KUBE-EXT-", spn, "tcp");
        for (Artifact f : files) {
            List<String> out = List.of(f.text().split("\n"));
            // named targetPort: each pod's own number
            assertHasLines(out,
                    "-A KUBE-SERVICES -m comment --comment \"shop/web:http cluster IP\" -m tcp -p tcp -d 10.96.0.80 --dport 80 -j " + svc,
                    "-A " + svc + " -m comment --comment \"shop/web:http -> 10.244.1.10:8080\" -m statistic --mode random --probability 0.5000000000 -j "
                            + ChainNames.endpoint(spn, "tcp", "10.244.1.10:8080"),
                    "-A " + svc + " -m comment --comment \"shop/web:http -> 10.244.2.10:9090\" -j " + ChainNames.endpoint(spn, "tcp", "10.244.2.10:9090"),
                    "-A KUBE-NODEPORTS -m comment --comment shop/web:http -m tcp -p tcp --dport 30080 -j " + ext,
                    "-A KUBE-SERVICES -m comment --comment \"shop/empty has no endpoints\" -m tcp -p tcp -d 10.96.0.81 --dport 81 -j REJECT --reject-with icmp-port-unreachable");
            String localEp = f.node().equals("n1") ? "10.244.1.10:8080" : "10.244.2.10:9090";
            assertHasLines(out, "-A " + svl + " -m comment --comment \"shop/web:http -> " + localEp + "\" -j " + ChainNames.endpoint(spn, "tcp", localEp),
                    "-A " + ext + " -j " + svl);
        }
        NetnsTool.require("ip", "iptables-restore");
        try (NetnsTool ns = new NetnsTool()) {
            for (Artifact f : files) {
                NetnsTool.Result t = ns.run(f.text(), "iptables-restore", "--test");
                assertEquals(0, t.exit(), t.output());
            }
        }
    }

    // ---- the real tools ------------------------------------------------------------------------------------------

    /** Every kind of rule the backend writes, in both families. */
    static NodeView everything() {
        PlanEndpoint l6 = new PlanEndpoint(IpAddress.parse("fd00:244::1"), 8080, "n1", true, true, true, false);
        PlanEndpoint r6 = new PlanEndpoint(IpAddress.parse("fd00:244:1::1"), 8080, "n2", false, true, true, false);
        return nodePlan(node("192.168.0.2", "fd00::2"), List.of("10.0.0.0/16", "10.8.0.0/16", "fd00:244::/40"), false, List.of(),
                new Port("ns1", "svc1", "172.30.0.41").affinity(600).eps(ep("10.180.0.1", 80, true), ep("10.180.0.2", 80, false),
                        ep("10.180.0.3", 80, false)),
                new Port("ns2", "svc2", "172.30.0.42").nodePort(30001).externalIPs("192.168.99.22").lb("1.2.3.4").eLocal()
                        .eps(ep("10.180.0.2", 80, false)),
                new Port("ns3", "svc3", "172.30.0.43").iLocal().nodePort(30003).eps(ep("10.180.0.3", 80, true)),
                new Port("ns5", "svc5", "172.30.0.45").nodePort(30002).lb("5.6.7.8", "192.168.0.0/16").eps(ep("10.180.0.3", 80, false)),
                new Port("ns6", "svc6", "172.30.0.46").nodePort(30006).lb("5.6.7.9"),
                new Port("ns7", "dns", "172.30.0.10").protocol(Protocol.UDP, "dns", 53).eps(ep("10.180.0.7", 53, true)),
                new Port("ns7", "sctp", "172.30.0.11").protocol(Protocol.SCTP, "s", 9999).eps(ep("10.180.0.8", 9999, true)),
                new Port("ns8", "v6", "fd00:96::8").affinity(60).nodePort(30008).externalIPs("fd00:99::8").lb("2001:db8::8", "2001:db8::/32")
                        .eLocal().eps(l6, r6),
                new Port("ns8", "gone6", "fd00:96::9").nodePort(30009));
    }

    @Test
    void iptablesRestoreAcceptsBothFilesInAThrowawayNamespace() throws Exception {
        NetnsTool.require("ip", "iptables-restore", "ip6tables-restore", "iptables-save", "ip6tables-save");
        NodeView n = everything();
        String v4 = IptablesBackend.render(n, Family.IPV4);
        String v6 = IptablesBackend.render(n, Family.IPV6);
        try (NetnsTool ns = new NetnsTool()) {
            NetnsTool.Result t4 = ns.run(v4, "iptables-restore", "--test");
            assertEquals(0, t4.exit(), t4.output() + "\n" + v4);
            NetnsTool.Result t6 = ns.run(v6, "ip6tables-restore", "--test");
            assertEquals(0, t6.exit(), t6.output() + "\n" + v6);

            // a real load (this namespace only), twice: the second restore replaces, it does not add
            for (int i = 0; i < 2; i++) {
                NetnsTool.Result r4 = ns.run(v4, "iptables-restore");
                assertEquals(0, r4.exit(), r4.output());
                NetnsTool.Result r6 = ns.run(v6, "ip6tables-restore");
                assertEquals(0, r6.exit(), r6.output());
            }
            String saved = ns.run(null, "iptables-save", "-t", "nat").output();
            String svc1 = ChainNames.service("KUBE-SVC-", "ns1/svc1:p80", "tcp");
            assertTrue(saved.contains(":" + svc1), saved);
            assertEquals(1, saved.lines().filter(l -> l.startsWith("-A PREROUTING")).count(), saved);
            assertEquals(rules(v4.substring(v4.indexOf("*nat"), v4.indexOf("*filter"))), rules(saved), "every nat rule loaded, once");
            assertEquals(rules(v4.substring(v4.indexOf("*filter"))), rules(ns.run(null, "iptables-save", "-t", "filter").output()));
            String saved6 = ns.run(null, "ip6tables-save", "-t", "filter").output();
            assertTrue(saved6.contains("icmp6-port-unreachable"), saved6);
        }
    }

    private static long rules(String restoreText) {
        return restoreText.lines().filter(l -> l.startsWith("-A ")).count();
    }
}
