package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netc explain} follows Service DNAT (cluster IP, node port, external IP) to each endpoint, accepts workloads
 * and bare pods, and says "denied" with its exit code.
 */
class ExplainCommandTest {
    @TempDir
    Path tmp;
    Path in;

    static final String INPUT = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              nodes:
                - {name: n1, addresses: [192.168.77.11], podCIDRs: [10.244.1.0/24]}
                - {name: n2, addresses: [192.168.77.12], podCIDRs: [10.244.2.0/24]}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: client, namespace: x}
            spec:
              replicas: 1
              selector: {matchLabels: {app: client}}
              template:
                metadata: {labels: {app: client}}
                spec: {nodeName: n1, containers: [{name: c, image: x}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: stranger, namespace: x, labels: {app: stranger}}
            spec: {nodeName: n1, containers: [{name: c, image: x}]}
            status: {podIP: 10.244.1.50}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-1, namespace: y, labels: {app: db}}
            spec: {nodeName: n2, containers: [{name: c, image: x, ports: [{containerPort: 5432}]}]}
            status: {podIP: 10.244.2.20}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: y}
            spec:
              type: NodePort
              clusterIP: 10.96.0.20
              externalIPs: [203.0.113.7]
              selector: {app: db}
              ports: [{name: pg, port: 80, targetPort: 5432, nodePort: 30080}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db-from-client, namespace: y}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress:
                - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}]
                  ports: [{port: 5432}]
            """;

    @BeforeEach
    void write() throws IOException {
        in = tmp.resolve("in.yaml");
        Files.writeString(in, INPUT);
    }

    CliRunner explain(String from, String to, String port) {
        return CliRunner.run("explain", from, to, port, "-i", in.toString());
    }

    @Test
    void aClusterIpIsFollowedToItsEndpointAndJudgedThere() {
        CliRunner denied = explain("x/stranger", "10.96.0.20", "80/TCP");
        assertEquals(ExplainCommand.EXIT_DENIED, denied.exit(), denied.out() + denied.err());
        assertTrue(denied.out().startsWith("x/stranger (10.244.1.50) -> 10.96.0.20 TCP/80: denied (cluster-ip of Service y/db:pg)\n"
                + "  endpoint y/db-1 (10.244.2.20:5432): denied\n"
                + "    via cluster-ip TCP 10.96.0.20:80 (y/db:pg) on node n1 -> 10.244.2.20:5432\n"), denied.out());
        assertTrue(denied.out().contains("    ingress: denied: y/db-1 is isolated for ingress by y/db-from-client (" + policyAt()
                + ") and no rule allows 10.244.1.50 TCP/5432"), denied.out());

        CliRunner allowed = explain("deployment/x/client", "10.96.0.20", "80/TCP");
        assertEquals(0, allowed.exit(), allowed.out() + allowed.err());
        assertTrue(allowed.out().startsWith("deployment/x/client (replica x/client-0, "), allowed.out());
        assertTrue(allowed.out().contains("TCP/80: allowed (cluster-ip of Service y/db:pg)\n  endpoint y/db-1 (10.244.2.20:5432): allowed\n"),
                allowed.out());
        // the deciding rule, by its part of the policy and where it was written
        assertTrue(allowed.out().contains("    ingress: allowed by NetworkPolicy/y/db-from-client spec.ingress[0] (" + at("- from: [{namespaceSelector: {}")
                + ")\n"), allowed.out());
    }

    /** Where the first line of INPUT holding {@code text} is, as diagnostics write it: {@code in.yaml:LINE:COLUMN}, the column of its first key. */
    String at(String text) {
        java.util.List<String> lines = INPUT.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            int c = lines.get(i).indexOf(text);
            if (c >= 0) return in + ":" + (i + 1) + ":" + (c + (text.startsWith("- ") ? 3 : 1));
        }
        throw new AssertionError(text);
    }

    /** Where the NetworkPolicy object starts: its apiVersion line, the line before its kind. */
    String policyAt() {
        int kind = INPUT.lines().toList().indexOf("kind: NetworkPolicy");
        return in + ":" + kind + ":1";
    }

    @Test
    void aNodePortOnANodeAddressIsMasqueradedToAnEndpointOnAnotherNode() {
        // kube-proxy masquerades node-port traffic (externalTrafficPolicy Cluster): db-1 on n2 sees n1's address
        CliRunner r = explain("x/client-0", "192.168.77.11", "30080/TCP");
        assertEquals(ExplainCommand.EXIT_DENIED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("  endpoint y/db-1 (10.244.2.20:5432): denied\n"
                + "    via node-port TCP 192.168.77.11:30080 (y/db:pg) on node n1 -> 10.244.2.20:5432\n"
                + "    masquerade: 10.244.2.20:5432 sees the connection from node n1 (192.168.77.11)\n"), r.out());
        // on the endpoint's own node the source stays the client's
        CliRunner own = explain("x/client-0", "192.168.77.12", "30080/TCP");
        assertEquals(0, own.exit(), own.out() + own.err());
    }

    @Test
    void aPodReachingItselfThroughAnotherNodesNodePortIsJudgedFromThatNode() {
        // the traffic suite found it: y/db-1 on n2 -> n1:30080 comes back masqueraded from n1, and db-1 is isolated
        CliRunner r = explain("y/db-1", "192.168.77.11", "30080/TCP");
        assertEquals(ExplainCommand.EXIT_DENIED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("    ingress: denied: y/db-1 is isolated for ingress by y/db-from-client (" + policyAt()
                + ") and no rule allows 192.168.77.11 TCP/5432"), r.out());
        CliRunner self = explain("y/db-1", "10.96.0.20", "80/TCP");
        assertEquals(0, self.exit(), self.out() + self.err());
    }

    @Test
    void aServiceWithoutEndpointsIsDenied() throws IOException {
        Files.writeString(in, INPUT.replace("selector: {app: db}", "selector: {app: nothing}"));
        CliRunner r = explain("deploy/x/client", "10.96.0.20", "80/TCP");
        assertEquals(ExplainCommand.EXIT_DENIED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("TCP/80: denied (cluster-ip of Service y/db:pg)\n  no endpoint: denied\n"
                + "    denied: cluster-ip TCP 10.96.0.20:80 (y/db:pg) on node n1 has no endpoint: the connection is refused\n"), r.out());
    }

    @Test
    void anExternalIpIsAFrontendToo() {
        CliRunner r = explain("deploy/x/client", "203.0.113.7", "80/TCP");
        assertTrue(r.out().contains("(external-ip of Service y/db:pg)"), r.out());
    }

    @Test
    void directConnectionsKeepTheirAnswerAndDeniedExitsThree() {
        CliRunner r = explain("x/stranger", "y/db-1", "5432/TCP");
        assertEquals(ExplainCommand.EXIT_DENIED, r.exit(), r.out());
        assertTrue(r.out().startsWith("x/stranger (10.244.1.50) -> y/db-1 (10.244.2.20) TCP/5432: denied\n"), r.out());
        CliRunner ok = explain("x/client-0", "y/db-1", "5432/TCP");
        assertEquals(0, ok.exit(), ok.out());
    }

    @Test
    void unknownNamesSayWhatWasExpected() {
        CliRunner r = explain("deployment/x/nobody", "y/db-1", "5432/TCP");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("\"deployment/x/nobody\" is not a Deployment of the input"), r.err());
        CliRunner k = explain("cronjob/x/c", "y/db-1", "5432/TCP");
        assertTrue(k.err().contains("unknown workload kind \"cronjob\""), k.err());
    }
}
