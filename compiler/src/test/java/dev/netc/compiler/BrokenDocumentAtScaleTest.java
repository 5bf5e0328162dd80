package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's bad input at scale: 100k pods in one file, one document broken near the end, gives exactly that
 * document's one positioned error and no plan (not a timed test: the time is printed for the notes).
 */
class BrokenDocumentAtScaleTest {
    private static final int PODS = 100_000;
    private static final int BROKEN = 97_531;

    @Test
    void oneBrokenDocumentInAHundredThousandPodsIsOnePositionedError() {
        StringBuilder b = new StringBuilder(PODS * 200);
        b.append("apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: big}\n")
                .append("spec: {serviceCIDRs: [172.16.0.0/16], clusterCIDRs: [10.0.0.0/8]}\n");
        int brokenLine = 0;
        for (int i = 0; i < PODS; i++) {
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p").append(i).append("\n  namespace: ns")
                    .append(i % 100).append("\n  labels: {app: a").append(i % 50).append("}\n");
            if (i == BROKEN) {
                brokenLine = (int) b.chars().filter(c -> c == '\n').count() + 1;
                b.append(" spec: {}\n"); // a key indented one column less than its siblings
                continue;
            }
            b.append("spec:\n  nodeName: n").append(i % 10).append("\n  containers: [{name: c, image: x}]\n")
                    .append("status:\n  podIP: 10.").append(1 + i / 65536).append('.').append(i / 256 % 256).append('.')
                    .append(i % 256).append('\n');
        }
        long t0 = System.nanoTime();
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("pods.yaml",
                b.toString().getBytes(StandardCharsets.UTF_8))));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("BENCH broken-document-at-scale pods=" + PODS + " bytes=" + b.length() + " ms=" + ms);
        List<Diagnostic> d = r.diagnostics();
        assertEquals(1, d.size(), d.toString());
        assertTrue(r.plan().isEmpty());
        assertTrue(d.get(0).render().startsWith("pods.yaml:" + brokenLine + ":2: error[NETC001]: malformed YAML"),
                d.get(0).render());
    }
}
