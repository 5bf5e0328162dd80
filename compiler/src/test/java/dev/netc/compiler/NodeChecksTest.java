package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NETC042 and NETC043 through the whole compiler, where the cluster they describe would break. */
class NodeChecksTest {
    private static List<String> compile(String yaml) {
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("c.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
        return r.diagnostics().stream().map(Diagnostic::render).toList();
    }

    private static final String PROFILE = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              serviceCIDRs: [10.96.0.0/12]
              clusterCIDRs: [10.244.0.0/16]
              nodes:
                - {name: n1, addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]}
                - {name: n2, podCIDRs: [%s]}
            """;

    @Test
    void overlappingPodCidrsAreRefused() {
        assertEquals(List.of("c.yaml:9:29: error[NETC043]: pod CIDR 10.244.1.128/25 of node n2 overlaps pod CIDR"
                + " 10.244.1.0/24 of node n1 (at c.yaml:8:7)"), compile(PROFILE.formatted("10.244.1.128/25")));
    }

    @Test
    void aPodCidrOutsideTheClusterCidrIsRefused() {
        assertEquals(List.of("c.yaml:9:29: error[NETC043]: pod CIDR 10.250.0.0/24 of node n2 is outside the cluster"
                + " CIDRs (10.244.0.0/16)"), compile(PROFILE.formatted("10.250.0.0/24")));
    }

    @Test
    void aLiveNodeOutsideTheDefaultRangeIsAWarningWhenNoProfileSetsTheRange() {
        // A k3s dump (pod CIDRs in 10.42.0.0/16) with no profile: netc's default range is a guess, not the user's word.
        String node = """
                apiVersion: v1
                kind: Node
                metadata: {name: k3s-1}
                spec: {podCIDR: 10.42.0.0/24, podCIDRs: [10.42.0.0/24]}
                status:
                  addresses: [{type: InternalIP, address: 192.168.1.10}]
                """;
        List<String> d = compile(node);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("c.yaml:4:42: warning[NETC043]: pod CIDR 10.42.0.0/24 of node k3s-1 is outside the"
                + " cluster CIDRs (10.244.0.0/16), which no cluster profile sets"), d.get(0));
    }

    @Test
    void aDumpWithoutNodeObjectsStandsInTheNodesItsPodsName() {
        // kubectl get pods,services -A -o yaml: pods on two nodes, no Node object, no profile.
        String dump = """
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: default, labels: {app: web}}
                spec: {nodeName: worker-b, containers: [{name: c, image: x}]}
                status: {podIP: 10.244.2.5, conditions: [{type: Ready, status: "True"}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: default, labels: {app: web}}
                spec: {nodeName: worker-a, containers: [{name: c, image: x}]}
                status: {podIP: 10.244.1.5, conditions: [{type: Ready, status: "True"}]}
                """;
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("c.yaml", dump.getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("c.yaml:10:18: note[NETC095]: the input has no Node object and no cluster profile nodes:"
                + " netc stands in the 2 node(s) the pods name, with no address: \"worker-a\", \"worker-b\""),
                r.diagnostics().stream().map(Diagnostic::render).toList());
        assertEquals(List.of("worker-a", "worker-b"), r.plan().orElseThrow().nodes().stream().map(n -> n.name()).toList());
    }

    @Test
    void withNoNodeNamedAnywhereTheStandInIsNode1() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: default}
                spec: {containers: [{name: c, image: x}]}
                """;
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("c.yaml", pod.getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::render).toList());
        assertEquals(List.of("node-1"), r.plan().orElseThrow().nodes().stream().map(n -> n.name()).toList());
    }

    @Test
    void aHostNetworkDaemonSetWithNoNodeInTheInputIsAWarning() {
        // kube-prometheus's node-exporter compiled alone: the only node is netc's stand-in, which has no address.
        String yaml = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: node-exporter, namespace: monitoring}
                spec:
                  selector: {matchLabels: {app: ne}}
                  template:
                    metadata: {labels: {app: ne}}
                    spec: {hostNetwork: true, containers: [{name: c, image: x, ports: [{containerPort: 9100}]}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: node-exporter, namespace: monitoring}
                spec: {selector: {app: ne}, ports: [{port: 9100}]}
                """;
        List<String> d = compile(yaml);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("c.yaml:1:1: warning[NETC042]: host-network pod monitoring/node-exporter-node-1 runs"
                + " on node node-1, which netc stands in because the input names no node"), d.get(0));
    }

    @Test
    void aHostNetworkPodOnANodeWithoutAddressIsRefused() {
        String yaml = PROFILE.formatted("10.244.2.0/24") + """
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: kube-system}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {hostNetwork: true, containers: [{name: a}]}
                """;
        assertEquals(List.of(), compile(yaml), "no Service selects it: its IP is never used");
        String service = """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: agent, namespace: kube-system}
                spec: {selector: {app: agent}, ports: [{port: 9100}]}
                """;
        assertEquals(List.of("c.yaml:11:1: error[NETC042]: host-network pod kube-system/agent-n2 runs on node n2, which"
                + " has no address: the pod has no IP, and Service kube-system/agent would lose it as an endpoint"
                + " (give the node an address)"), compile(yaml + service));
    }

    @Test
    void aNodePortWithANodeWithoutAddressIsAWarningWhenEveryLocalAddressServesIt() {
        String yaml = PROFILE.formatted("10.244.2.0/24") + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {type: NodePort, selector: {app: web}, ports: [{port: 80}]}
                """;
        List<String> out = compile(yaml);
        assertEquals(1, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("c.yaml:9:7: warning[NETC042]: node n2 has no address"), out.get(0));
    }
}
