package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PodPolicy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A default-deny NetworkPolicy isolates its pods whether policyTypes is left out, null or [] (the API server
 * defaults all three to [Ingress]): through the whole compiler, down to the node plan.
 */
class FailOpenPolicyTest {
    @ParameterizedTest(name = "policyTypes {0}")
    @ValueSource(strings = {"absent", "null", "[]"})
    void defaultDenyIsolatesThePodHoweverEmptyPolicyTypesIsWritten(String written) {
        String types = written.equals("absent") ? "" : "  policyTypes: " + written + "\n";
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec: {nodeName: node-1, containers: [{name: c}]}
                status: {podIP: 10.244.0.10}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: shop}
                spec:
                  podSelector: {}
                """ + types;
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("deny.yaml",
                yaml.getBytes(StandardCharsets.UTF_8))));
        assertTrue(r.ok(), r.diagnostics().toString());
        NetworkPlan plan = r.plan().orElseThrow();
        List<PodPolicy> pods = plan.nodes().get(0).policy().pods();
        assertEquals(1, pods.size(), "the pod is isolated");
        PodPolicy web = pods.get(0);
        assertEquals(List.of("shop/web", true, false, List.of()), List.of(web.qualifiedName(), web.ingressIsolated(),
                web.egressIsolated(), web.ingress()));
    }
}
