package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Where pods land, through the whole compiler: well-known node labels, nodeSelector, required node affinity,
 * taints and tolerations, Pending pods, bare Pods, and which live pods count as a workload's own.
 */
class PlacementTest {
    static Compiler.Result compile(String yaml) {
        return new Compiler().compile(List.of(new InputSource("c.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }

    static List<String> diagnostics(Compiler.Result r) {
        return r.diagnostics().stream().map(Diagnostic::render).toList();
    }

    /** Pod name to node, for the pods of namespace default. */
    static String placement(Compiler.Result r) {
        return r.plan().orElseThrow().cluster().pods().stream()
                .map(p -> p.meta().name() + "@" + (p.nodeName().isEmpty() ? "-" : p.nodeName())
                        + (p.ips().isEmpty() ? "/noip" : ""))
                .sorted().collect(Collectors.joining(" "));
    }

    /** The endpoint addresses of Service {@code name}. */
    static TreeSet<String> endpoints(Compiler.Result r, String name) {
        return r.plan().orElseThrow().endpointSlices().stream().filter(s -> s.serviceName().equals(name))
                .flatMap(s -> s.endpoints().stream()).flatMap(e -> e.addresses().stream()).map(IpAddress::text)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static final String NODES = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              nodes:
                - {name: n1, addresses: [192.168.77.11], labels: {disk: ssd, cores: "8"}}
                - {name: n2, addresses: [192.168.77.12], labels: {disk: hdd, cores: "4", kubernetes.io/arch: arm64}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n3}
            spec:
              taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
            status:
              addresses: [{type: InternalIP, address: 192.168.77.13}]
            """;

    static String deployment(String name, int replicas, String podSpecExtra) {
        return """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s}
                spec:
                  replicas: %2$d
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      containers: [{name: c, image: x, ports: [{containerPort: 80}]}]
                %3$s
                """.formatted(name, replicas, podSpecExtra.indent(6).stripTrailing());
    }

    static String nodesOf(Compiler.Result r, String prefix) {
        return r.plan().orElseThrow().cluster().pods().stream().filter(p -> p.meta().name().startsWith(prefix))
                .map(Pod::nodeName).distinct().sorted().collect(Collectors.joining(","));
    }

    @Test
    void theWellKnownOsLabelIsOnEveryNode() {
        Compiler.Result r = compile(NODES + deployment("web", 6, "nodeSelector: {kubernetes.io/os: linux}"));
        assertEquals(List.of(), diagnostics(r));
        assertEquals("n1,n2", nodesOf(r, "web-"), "n3's taint keeps the pods off it");
    }

    @Test
    void withoutAnyProfileTheDefaultNodeIsLinuxAndItsHostnameLabelIsItsName() {
        Compiler.Result r = compile(deployment("web", 1, """
                nodeSelector: {kubernetes.io/os: linux, kubernetes.io/arch: amd64, kubernetes.io/hostname: node-1}"""));
        assertEquals(List.of(), diagnostics(r));
        assertEquals("node-1", nodesOf(r, "web-"));
    }

    @Test
    void theProfileSaysOtherwiseForArch() {
        Compiler.Result r = compile(NODES + deployment("web", 3, "nodeSelector: {kubernetes.io/arch: arm64}"));
        assertEquals(List.of(), diagnostics(r));
        assertEquals("n2", nodesOf(r, "web-"));
    }

    @Test
    void requiredNodeAffinityIsHonoured() {
        String affinity = """
                affinity:
                  nodeAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      nodeSelectorTerms:
                        - matchExpressions:
                            - {key: disk, operator: In, values: [ssd]}
                        - matchFields:
                            - {key: metadata.name, operator: In, values: [n3]}
                    preferredDuringSchedulingIgnoredDuringExecution:
                      - {weight: 1, preference: {matchExpressions: [{key: disk, operator: In, values: [hdd]}]}}
                tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]""";
        Compiler.Result r = compile(NODES + deployment("web", 6, affinity));
        assertEquals(List.of(), diagnostics(r));
        assertEquals("n1,n3", nodesOf(r, "web-"), "term one picks n1, term two n3 (tolerated)");
    }

    @Test
    void everyOperatorOfNodeAffinity() {
        String[][] cases = {
                {"{key: cores, operator: Gt, values: [\"5\"]}", "n1"},
                {"{key: cores, operator: Lt, values: [\"5\"]}", "n2"},
                {"{key: disk, operator: NotIn, values: [ssd]}", "n2,n3"},
                {"{key: disk, operator: Exists}", "n1,n2"},
                {"{key: disk, operator: DoesNotExist}", "n3"},
        };
        for (String[] c : cases) {
            String affinity = """
                    affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                      {matchExpressions: [%s]}]}}}
                    tolerations: [{operator: Exists}]""".formatted(c[0]);
            Compiler.Result r = compile(NODES + deployment("web", 6, affinity));
            assertEquals(List.of(), diagnostics(r), c[0]);
            assertEquals(c[1], nodesOf(r, "web-"), c[0]);
        }
    }

    @Test
    void tolerationsOfEveryKind() {
        String[][] cases = {
                {"[{operator: Exists}]", "n1,n2,n3"},
                {"[{key: dedicated, operator: Exists}]", "n1,n2,n3"},
                {"[{key: dedicated, operator: Exists, effect: NoExecute}]", "n1,n2"},
                {"[{key: dedicated, value: cpu}]", "n1,n2"},
                {"[{key: dedicated, value: gpu}]", "n1,n2,n3"},
        };
        for (String[] c : cases) {
            Compiler.Result r = compile(NODES + deployment("web", 12, "tolerations: " + c[0]));
            assertEquals(List.of(), diagnostics(r), c[0]);
            assertEquals(c[1], nodesOf(r, "web-"), c[0]);
        }
    }

    @Test
    void aWorkloadThatFitsNowhereIsPendingWithAWarningAndNoEndpoints() {
        String yaml = NODES + deployment("web", 2, "nodeSelector: {kubernetes.io/os: windows}") + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}]
                """;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of("c.yaml:27:7: warning[NETC075]: no node can run the pods of Deployment default/web"
                + " (node n1: nodeSelector kubernetes.io/os=windows; node n2: nodeSelector kubernetes.io/os=windows;"
                + " node n3: nodeSelector kubernetes.io/os=windows): they stay Pending, with no IP and no endpoints"),
                diagnostics(r));
        assertTrue(r.ok());
        assertEquals(new TreeSet<>(), endpoints(r, "web"));
    }

    @Test
    void anUntoleratedTaintIsNamed() {
        String yaml = NODES + deployment("web", 1, "nodeName: n3");
        assertEquals(List.of("c.yaml:27:17: warning[NETC075]: no node can run the pods of Deployment default/web"
                + " (node n1: nodeName is n3; node n2: nodeName is n3; node n3: untolerated taint"
                + " dedicated=gpu:NoSchedule): they stay Pending, with no IP and no endpoints"), diagnostics(compile(yaml)));
    }

    @Test
    void aRefusedNodeSelectorRequirementIsAnError() {
        String affinity = """
                affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
                  {matchExpressions: [{key: cores, operator: Gt, values: ["4", "5"]}]}]}}}""";
        assertEquals(List.of("c.yaml:28:56: error[NETC019]: node selector operator Gt takes exactly one integer"
                + " value"), diagnostics(compile(NODES + deployment("web", 1, affinity))));
    }

    static final String SERVICE = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            """;

    @Test
    void aBarePodIsScheduledAndAddressedLikeAReplica() {
        String yaml = NODES + """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec:
                  containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
                  nodeSelector: {disk: ssd}
                """ + SERVICE;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of(), diagnostics(r));
        assertEquals("web@n1", placement(r));
        Pod web = r.plan().orElseThrow().cluster().pods().get(0);
        assertEquals(new TreeSet<>(List.of(web.ips().get(0).text())), endpoints(r, "web"));
    }

    @Test
    void aBarePodThatFitsNowhereIsPendingWithoutAnIp() {
        String yaml = NODES + """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec:
                  containers: [{name: web, image: nginx}]
                  nodeSelector: {disk: nvme}
                """ + SERVICE;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of("c.yaml:22:3: warning[NETC075]: no node can run pod default/web (node n1: nodeSelector"
                + " disk=nvme; node n2: nodeSelector disk=nvme; node n3: nodeSelector disk=nvme): it stays Pending,"
                + " with no IP and no endpoints"), diagnostics(r));
        assertEquals("web@-/noip", placement(r));
        assertEquals(new TreeSet<>(), endpoints(r, "web"));
    }

    /** The test Pod {@code helm create} puts in every chart: its labels match the Deployment's selector. */
    @Test
    void aHelmTestPodDoesNotStandForTheDeploymentsReplicas() {
        String yaml = NODES + deployment("web", 2, "") + SERVICE + """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-test-connection
                  labels: {app: web}
                  annotations: {helm.sh/hook: test}
                spec:
                  containers: [{name: wget, image: busybox, command: [wget], args: ["web:80"]}]
                  restartPolicy: Never
                """;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of(), diagnostics(r));
        assertEquals(3, endpoints(r, "web").size(), "the two replicas, and the test pod (its labels match)");
        assertEquals(3, placement(r).split(" ").length, placement(r));
    }

    @Test
    void liveReplicasOfADeploymentStandForIt() {
        String byOwner = """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-7d9c8b6f5-x2kqp
                  labels: {app: web, pod-template-hash: 7d9c8b6f5}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9c8b6f5, uid: u, controller: true}]
                spec: {nodeName: n1, containers: [{name: c, image: x}]}
                status: {phase: Running, podIP: 10.244.1.7}
                """;
        String byHash = """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-7d9c8b6f5-abcde
                  labels: {app: web, pod-template-hash: 7d9c8b6f5}
                spec: {nodeName: n1, containers: [{name: c, image: x}]}
                status: {phase: Running, podIP: 10.244.1.8}
                """;
        for (String live : List.of(byOwner, byHash)) {
            Compiler.Result r = compile(NODES.replace("addresses: [192.168.77.11]",
                    "addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]") + deployment("web", 3, "") + SERVICE + live);
            assertEquals(List.of(), diagnostics(r));
            assertEquals(1, endpoints(r, "web").size(), live);
        }
    }

    @Test
    void aFinishedPodWhoseIpWasReusedHoldsNoIp() {
        String pod = """
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, labels: {app: web}}
                spec: {nodeName: n1, containers: [{name: c, image: x}]}
                status: {phase: %s, podIP: 10.244.1.9}
                """;
        Compiler.Result r = compile(NODES.replace("addresses: [192.168.77.11]",
                "addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]") + SERVICE
                + pod.formatted("old", "Succeeded") + pod.formatted("evicted", "Failed") + pod.formatted("new", "Running"));
        assertEquals(List.of(), diagnostics(r));
        assertEquals("evicted@n1/noip new@n1 old@n1/noip", placement(r));
        assertEquals(new TreeSet<>(List.of("10.244.1.9")), endpoints(r, "web"));
    }

    /** guestbook: its Services lost their endpoints when ReplicationControllers were skipped. */
    @Test
    void aReplicationControllersPodsAreEndpoints() {
        String yaml = NODES + """
                ---
                apiVersion: v1
                kind: ReplicationController
                metadata: {name: web}
                spec:
                  replicas: 2
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: x}]}
                """ + SERVICE;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of(), diagnostics(r));
        assertEquals(2, endpoints(r, "web").size());
    }

    @Test
    void aCronJobsPodsAreAddressedButServeNoService() {
        String yaml = NODES + """
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: web}
                spec:
                  schedule: "*/5 * * * *"
                  jobTemplate:
                    spec:
                      template:
                        metadata: {labels: {app: web}}
                        spec: {restartPolicy: Never, containers: [{name: c, image: x}]}
                """ + SERVICE;
        Compiler.Result r = compile(yaml);
        assertEquals(List.of(), diagnostics(r));
        assertEquals(1, placement(r).split(" ").length, placement(r));
        assertTrue(!placement(r).contains("noip"), placement(r));
        assertEquals(new TreeSet<>(), endpoints(r, "web"));
    }

    @Test
    void generateNameGivesAStableNameFromTheContent() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {generateName: debug-, labels: {app: %s}}
                spec: {containers: [{name: d, image: busybox}]}
                """;
        Compiler.Result a = compile(pod.formatted("one"));
        assertEquals(List.of(), diagnostics(a));
        String name = a.plan().orElseThrow().cluster().pods().get(0).meta().name();
        assertTrue(name.matches("debug-[bcdfghjklmnpqrstvwxz2456789]{5}"), name);
        assertEquals(name, compile("# moved down a line\n" + pod.formatted("one")).plan().orElseThrow().cluster()
                .pods().get(0).meta().name(), "positions do not enter the name");
        assertTrue(!name.equals(compile(pod.formatted("two")).plan().orElseThrow().cluster().pods().get(0).meta()
                .name()), "other content, another name");
    }

    @Test
    void identicalDuplicatesAreOneObjectButDifferentOnesStayAnError() {
        String svc = """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec: {selector: {app: web}, ports: [{port: %d}]}
                """;
        assertEquals(List.of("c.yaml:7:1: note[NETC077]: Service identical to the one at c.yaml:2:1: read once"),
                diagnostics(compile(svc.formatted(80) + svc.formatted(80))));
        assertEquals(List.of("c.yaml:9:18: error[NETC013]: duplicate Service default/web (first defined at c.yaml:2:1)"),
                diagnostics(compile(svc.formatted(80) + svc.formatted(81))));
    }

    @Test
    void aDaemonSetToleratesACordonedNodeButADeploymentDoesNot() {
        String cordoned = """
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                spec:
                  unschedulable: true
                  taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: a, image: x}]}
                """;
        Compiler.Result r = compile(cordoned);
        assertEquals(List.of(), diagnostics(r));
        assertEquals("n1", nodesOf(r, "agent-"));
        assertEquals(List.of("c.yaml:17:1: warning[NETC075]: no node can run the pods of Deployment default/web"
                + " (node n1: untolerated taint node.kubernetes.io/unschedulable:NoSchedule): they stay Pending,"
                + " with no IP and no endpoints"), diagnostics(compile(cordoned + deployment("web", 1, ""))));
    }
}
