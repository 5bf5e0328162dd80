package dev.netc.backends.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.Output;
import dev.netc.backends.testing.Compile;
import dev.netc.backends.testing.NetnsTool;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The IPVS files composed of the shared parts and each node's own hold what the node's whole view gives: the same
 * virtual servers with the same real servers (node ports, iTP and eTP Local, SCTP, a node address that is also an
 * external IP, a node port that claims an external IP's frontend first), the same kube-ipvs0 addresses; a node
 * compiled alone gets the bytes of its composition; and the composed files load.
 */
class IpvsSplitTest {
    static String cluster() {
        StringBuilder b = new StringBuilder("""
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: split}
                spec:
                  serviceCIDRs: [10.96.0.0/12]
                  clusterCIDRs: [10.244.0.0/16]
                  nodes:
                """);
        for (int i = 0; i < 3; i++) {
            b.append("    - {name: n").append(i).append(", addresses: [192.168.7.").append(10 + i).append("], podCIDRs: [10.244.")
                    .append(i).append(".0/24]}\n");
        }
        service(b, "a", "10.96.1.10", "  internalTrafficPolicy: Local\n", "{port: 80, targetPort: 8080}");
        service(b, "b", "10.96.1.11", "  type: NodePort\n  externalTrafficPolicy: Local\n",
                "{name: tcp, port: 80, targetPort: 8080, nodePort: 30100}, {name: sctp, port: 90, targetPort: 8080, protocol: SCTP, nodePort: 30101}");
        // n1's address and b's node port: b claims that frontend first on n1, which then renders whole
        service(b, "c", "10.96.1.12", "  externalIPs: [192.168.7.11]\n", "{port: 30100, targetPort: 8080}");
        // n2's address as an external IP: its kube-ipvs0 addresses are not the shared ones
        service(b, "d", "10.96.1.13", "  externalIPs: [192.168.7.12]\n", "{port: 81, targetPort: 8080}");
        service(b, "e", "10.96.1.14", "  type: LoadBalancer\n", "{port: 443, targetPort: 8080, nodePort: 30102}");
        b.append("status:\n  loadBalancer:\n    ingress: [{ip: 198.51.100.7}]\n");
        int ip = 10;
        for (String app : List.of("a", "b", "c", "d", "e")) {
            for (int node : new int[] {0, 1}) {
                b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ").append(app).append(node)
                        .append(", namespace: default, labels: {app: ").append(app).append("}}\nspec:\n  nodeName: n").append(node)
                        .append("\n  containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]\nstatus:\n  phase: Running\n")
                        .append("  podIP: 10.244.").append(node).append('.').append(ip++)
                        .append("\n  conditions: [{type: Ready, status: 'True'}]\n");
            }
        }
        return b.toString();
    }

    private static void service(StringBuilder b, String name, String ip, String extra, String ports) {
        b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(name).append(", namespace: default}\nspec:\n")
                .append("  clusterIP: ").append(ip).append('\n').append(extra).append("  selector: {app: ").append(name)
                .append("}\n  ports: [").append(ports).append("]\n");
    }

    /** Virtual server to its options and sorted real servers, from ipvsadm -R text. */
    static Map<String, String> parse(String rules) {
        Map<String, String> out = new TreeMap<>();
        Map<String, TreeSet<String>> reals = new TreeMap<>();
        for (String l : rules.lines().toList()) {
            String[] t = l.split(" ", 4);
            String vs = t[1] + " " + t[2];
            if (t[0].equals("-A")) {
                assertFalse(out.containsKey(vs), "defined twice: " + l);
                out.put(vs, t[3]);
                reals.put(vs, new TreeSet<>());
            } else {
                assertTrue(reals.containsKey(vs), "real server before its virtual server: " + l);
                assertTrue(reals.get(vs).add(t[3]), "twice: " + l);
            }
        }
        out.replaceAll((vs, o) -> o + " " + reals.get(vs));
        return out;
    }

    @Test
    void composedFilesHoldWhatEachNodesViewGives() {
        NetworkPlan plan = Compile.plan(cluster());
        IpvsBackend backend = new IpvsBackend();
        Output whole = backend.render(plan, Set.of(), 4);
        Map<String, Artifact> files = whole.composedFiles().stream().collect(Collectors.toMap(Artifact::path, a -> a));
        Map<String, List<String>> parts = new TreeMap<>();
        whole.composed().forEach(c -> parts.put(c.path(), c.parts()));
        IpvsVirtualServers reference = new IpvsVirtualServers(plan.services(), "rr");
        for (NodePlan n : plan.nodes()) {
            String dir = "nodes/" + n.name() + "/ipvs/";
            String rules = files.get(dir + "ipvsadm.rules").text();
            String expected = reference.wholeText(plan.view(n));
            assertEquals(parse(expected), parse(rules), n.name());
            TreeSet<String> addrs = new TreeSet<>();
            for (String l : expected.lines().toList()) {
                if (!l.startsWith("-A ")) continue;
                String hp = l.split(" ")[2];
                String a = hp.substring(0, hp.lastIndexOf(':')).replace("[", "").replace("]", "");
                if (n.node().addresses().stream().map(IpAddress::text).noneMatch(a::equals)) addrs.add(a + "/32");
            }
            assertEquals(addrs, new TreeSet<>(files.get(dir + "kube-ipvs0.addresses").text().lines().toList()), n.name());
            // a node compiled alone: the same bytes
            Map<String, Artifact> alone = backend.emit(plan, Set.of(n.name())).stream().collect(Collectors.toMap(Artifact::path, a -> a));
            for (String f : List.of("ipvsadm.rules", "ipset.rules", "iptables.rules", "kube-ipvs0.addresses")) {
                assertEquals(files.get(dir + f).text(), alone.get(dir + f).text(), dir + f);
            }
        }
        assertEquals(List.of("nodes/n1/ipvs/ipvsadm.node.rules"), parts.get("nodes/n1/ipvs/ipvsadm.rules"), "n1 renders whole");
        assertEquals(2, parts.get("nodes/n0/ipvs/ipvsadm.rules").size(), "n0: shared + own");
        assertTrue(parts.get("nodes/n0/ipvs/ipvsadm.rules").get(0).startsWith("shared/ipvs/"));
        assertEquals(1, parts.get("nodes/n0/ipvs/kube-ipvs0.addresses").size());
        assertTrue(parts.get("nodes/n0/ipvs/kube-ipvs0.addresses").get(0).startsWith("shared/ipvs/"), "n0 binds the shared addresses");
        assertEquals(List.of("nodes/n2/ipvs/kube-ipvs0.node.addresses"), parts.get("nodes/n2/ipvs/kube-ipvs0.addresses"),
                "n2 holds an external IP: not the shared addresses");
        assertEquals(whole, backend.render(plan, Set.of(), 1), "the same output whatever the threads");
        String n0 = files.get("nodes/n0/ipvs/ipset.rules").text();
        assertTrue(n0.contains("add KUBE-NODE-PORT-SCTP-HASH 192.168.7.10,sctp:30101\n"), n0);
        assertFalse(n0.contains("192.168.7.11,sctp"), "another node's address: " + n0);
    }

    @Test
    void composedFilesLoad() throws Exception {
        NetnsTool.require("ip", "ipset", "iptables-restore");
        NetworkPlan plan = Compile.plan(cluster());
        Map<String, Artifact> files = Compile.files(new IpvsBackend(), plan);
        for (NodePlan n : plan.nodes()) {
            try (NetnsTool ns = new NetnsTool()) {
                String dir = "nodes/" + n.name() + "/ipvs/";
                NetnsTool.Result sets = ns.run(files.get(dir + "ipset.rules").text(), "ipset", "restore");
                assertEquals(0, sets.exit(), n.name() + ": " + sets.output());
                NetnsTool.Result r = ns.run(files.get(dir + "iptables.rules").text(), "iptables-restore", "--test");
                assertEquals(0, r.exit(), n.name() + ": " + r.output());
            }
        }
    }
}
