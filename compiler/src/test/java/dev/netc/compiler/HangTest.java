package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs that used to make the compiler run for minutes: each must end fast, through the whole pipeline,
 * with a diagnostic.
 */
class HangTest {
    private static final Duration FAST = Duration.ofSeconds(10);

    static Compiler.Result compile(String name, String text) {
        return new Compiler().compile(List.of(new InputSource(name, text.getBytes(StandardCharsets.UTF_8))));
    }

    static List<String> rendered(Compiler.Result r) {
        return r.diagnostics().stream().map(Diagnostic::render).toList();
    }

    private static String profile(String serviceCidr, String clusterCidr, String nodePodCidr) {
        return """
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: lab}
                spec:
                  serviceCIDRs: ["%s"]
                  clusterCIDRs: ["%s"]
                  nodes:
                    - {name: n1, addresses: [192.168.77.11], podCIDRs: ["%s"]}
                    - {name: n2, addresses: [192.168.77.12]}
                """.formatted(serviceCidr, clusterCidr, nodePodCidr);
    }

    @Test
    void aHundredThousandReplicasOnOneSlash24EndInOneWarning() {
        // A full pod CIDR used to be searched again for every further replica (2 min for 100k), each an error.
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: app}
                spec:
                  replicas: 100000
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec: {containers: [{name: c, image: x}]}
                """;
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("d.yaml", yaml));
        assertTrue(r.ok(), rendered(r).toString());
        List<String> d = rendered(r);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("d.yaml:1:1: warning[NETC028]: pod CIDR 10.244.40.0/24 of node node-1 has no free"
                + " address for 99747 pods (app/api-10224 and 99746 more)"), d.get(0));
    }

    @Test
    void nodeCidrSearchEndsWhenAnIpv6PodCidrCoversTheWholeClusterCidr() {
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("v6.yaml", profile("10.96.0.0/12", "fd00::/8", "fd00::/8")));
        assertFalse(r.ok());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.code() == DiagnosticCode.NETC028
                && d.message().contains("n2")), rendered(r).toString());
    }

    @Test
    void nodeCidrSearchEndsWhenAnIpv4PodCidrIsTheWholeAddressSpace() {
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("v4.yaml", profile("fd00:96::/108", "0.0.0.0/0", "0.0.0.0/0")));
        assertFalse(r.ok());
        assertTrue(r.diagnostics().stream().anyMatch(d -> d.code() == DiagnosticCode.NETC028
                && d.message().contains("n2")), rendered(r).toString());
    }

    @Test
    void aTenMegabyteScalarIsRefusedBeforeItIsScanned() {
        String text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: "
                + "x".repeat(10 * 1024 * 1024) + "\n";
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("big.yaml", text));
        assertEquals(List.of("big.yaml:1:1: error[NETC004]: document is larger than 4194304 characters"), rendered(r));
    }

    @Test
    void aScalarLongerThanTheRunBoundIsRefusedBeforeItIsScanned() {
        String text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: ConfigMap\n"
                + "metadata: {name: big}\ndata:\n  k: \"" + "x".repeat(3 * 1024 * 1024) + "\"\n";
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("run.yaml", text));
        assertEquals(List.of("run.yaml:9:6: error[NETC004]: value longer than 1572864 characters without a blank or"
                + " line break: document not read"), rendered(r));
    }

    @Test
    void aOneMegabyteScalarIsStillReadInBoundedTime() {
        // The largest value the API server stores (a 1 MiB ConfigMap, as base64 up to 1.4 MiB) stays readable;
        // the parser's cost grows with the square of a run's length (1 MiB: about 1 s on an idle machine,
        // 1.5 MiB, the bound: about 2.5 s).
        String text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\nbinaryData:\n  k: "
                + "QUJD".repeat(1024 * 1024 / 4) + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
        Compiler.Result r = assertTimeoutPreemptively(FAST, () -> compile("edge.yaml", text));
        assertTrue(r.ok(), rendered(r).toString());
    }
}
