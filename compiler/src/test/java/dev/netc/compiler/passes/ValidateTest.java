package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Validate accepts that a naive check would refuse, and what it reports once rather than many times. */
class ValidateTest {
    private static final String FILE = "in.yaml";

    private static Cluster read(String yaml) {
        Diagnostics d = new Diagnostics();
        Cluster c = new YamlFrontEnd().apply(List.of(new InputSource(FILE, yaml.getBytes(StandardCharsets.UTF_8))), d);
        assertFalse(d.hasErrors(), () -> "front end: " + d.sorted());
        return c;
    }

    private static List<String> validate(Cluster c) {
        Diagnostics d = new Diagnostics();
        new Validate().apply(c, d);
        return d.sorted().stream().map(Diagnostic::render).toList();
    }

    private static List<String> validate(String yaml) {
        return validate(read(yaml));
    }

    private static final String PROFILE = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              nodes:
                - {name: n1, addresses: [192.168.77.11]}
            """;

    @Test
    void returnsTheClusterUnchanged() {
        Cluster c = read(PROFILE);
        assertSame(c, new Validate().apply(c, new Diagnostics()));
    }

    @Test
    void oneServiceMayUseANodePortForTcpAndUdpButAnotherServiceMayNot() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: dns, namespace: ops}
                spec:
                  type: NodePort
                  ports:
                    - {name: dns, port: 53, protocol: UDP, nodePort: 30053}
                    - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 30053}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: other, namespace: ops}
                spec:
                  type: NodePort
                  ports:
                    - {name: x, port: 5353, protocol: SCTP, nodePort: 30053}
                """;
        assertEquals(List.of("in.yaml:16:55: error[NETC026]: nodePort 30053 is already used by Service ops/dns"
                + " (at in.yaml:1:1)"), validate(yaml));
    }

    @Test
    void oneServiceMayNotUseANodePortTwiceForOneProtocol() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  type: NodePort
                  ports:
                    - {name: a, port: 80, nodePort: 30080}
                    - {name: b, port: 81, nodePort: 30080}
                """;
        assertEquals(List.of("in.yaml:8:37: error[NETC026]: nodePort 30080 is already used by another TCP port of"
                + " this Service"), validate(yaml));
    }

    @Test
    void aNodeObjectMayStandForAProfileNodeButProfileNodesMayNotRepeat() {
        String node = """
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status:
                  addresses: [{type: InternalIP, address: 192.168.77.11}]
                """;
        Cluster c = read(PROFILE + node);
        assertEquals(List.of(), validate(c));
        assertEquals(List.of(), validate(new ResolveNodes().apply(c, new Diagnostics())));

        String twice = PROFILE + "    - {name: n1, addresses: [192.168.77.12]}\n";
        String dup = "in.yaml:7:14: error[NETC013]: duplicate Node n1 (first defined at in.yaml:6:7)";
        Cluster d = read(twice);
        assertEquals(List.of(dup), validate(d));
        assertEquals(List.of(dup), validate(new ResolveNodes().apply(d, new Diagnostics())), "reported once");
    }

    @Test
    void hostNetworkPodsShareTheirNodesAddress() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: ops}
                spec:
                  hostNetwork: true
                  containers: [{name: a, image: a}]
                status:
                  podIP: 192.168.77.11
                """;
        assertEquals(List.of(), validate(PROFILE + "---\n" + pod.formatted("agent-a") + "---\n"
                + pod.formatted("agent-b")));
    }

    @Test
    void namedTargetPortIsCheckedOnlyAgainstSelectedPodsAndTemplates() {
        String service = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                """;
        // Nothing selected yet: pods may come later, no error.
        assertEquals(List.of(), validate(service));
        // A template in another namespace does not count; one in the Service's namespace does.
        String deployment = """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
                """;
        assertEquals(List.of(), validate(service + deployment.formatted("shop")));
        assertEquals(List.of(), validate(service + deployment.formatted("other")), "nothing selected in shop");
    }

    @Test
    void endpointsWithSeveralSubsetsAreOneObject() {
        String yaml = """
                apiVersion: v1
                kind: Endpoints
                metadata: {name: legacy, namespace: shop}
                subsets:
                  - addresses: [{ip: 192.168.50.1}, {ip: "fd00::1"}]
                    ports: [{port: 5432}]
                  - addresses: [{ip: 192.168.50.2}]
                    ports: [{port: 6432}]
                """;
        assertEquals(List.of("in.yaml:3:18: warning[NETC034]: Service shop/legacy does not exist: Endpoints legacy"
                + " is not used"), validate(yaml));
    }

    @Test
    void sameNameInAnotherNamespaceOrOfAnotherKindIsNoDuplicate() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: a}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: b}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: a}
                spec:
                  selector: {matchLabels: {app: web}}
                  template: {metadata: {labels: {app: web}}}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: web, namespace: a}
                spec:
                  selector: {matchLabels: {app: web}}
                  template: {metadata: {labels: {app: web}}}
                """;
        assertEquals(List.of(), validate(yaml));
    }

    @Test
    void externalTrafficPolicyIsAllowedOnAClusterIpServiceWithExternalIps() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: metrics, namespace: ops}
                spec:
                  externalIPs: [192.168.77.100]
                  externalTrafficPolicy: Local
                  ports: [{port: 9090}]
                """;
        assertEquals(List.of(), validate(yaml));
    }

    @Test
    void dualStackServiceInADualStackClusterIsClean() {
        String yaml = """
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: lab}
                spec:
                  serviceCIDRs: [10.96.0.0/12, "fd00:96::/108"]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  ipFamilyPolicy: RequireDualStack
                  ipFamilies: [IPv6, IPv4]
                  clusterIPs: ["fd00:96::10", 10.96.0.10]
                  ports: [{port: 80}]
                """;
        assertEquals(List.of(), validate(yaml));
    }
}
