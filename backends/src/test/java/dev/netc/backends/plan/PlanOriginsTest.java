package dev.netc.backends.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.netc.ir.ContentHash;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The origins at the end of plan.txt's lines, and the model digest that leaves them out. */
class PlanOriginsTest {
    @Test
    void theOriginIsTheLastFieldAfterAnAtAndOnlyThat() {
        String plan = """
                # netc plan
                service a/web type=ClusterIP clusterIPs=[10.96.0.1](allocated) @ a.yaml:3:1
                  port http 80/TCP -> 8080 @ dir\\u0020with\\u0020spaces/a.yaml:9:7
                namespace a labels={x=y} @ <implicit>
                policy a/web-0 [10.244.1.5] ingress-isolated
                  ingress from <anywhere> ports TCP/80 (a/open)
                odd line ending in an at @
                """;
        assertEquals("""
                # netc plan
                service a/web type=ClusterIP clusterIPs=[10.96.0.1](allocated)
                  port http 80/TCP -> 8080
                namespace a labels={x=y}
                policy a/web-0 [10.244.1.5] ingress-isolated
                  ingress from <anywhere> ports TCP/80 (a/open)
                odd line ending in an at @
                """, PlanDumpBackend.withoutOrigins(plan));
        assertEquals(ContentHash.hex(PlanDumpBackend.withoutOrigins(plan).getBytes(StandardCharsets.UTF_8)),
                PlanDumpBackend.modelDigest(plan), "the digest is of the text without origins, streamed");
        assertEquals(PlanDumpBackend.modelDigest(plan), PlanDumpBackend.modelDigest(plan.replace("a.yaml:3:1", "b.yaml:40:1")));
        assertNotEquals(PlanDumpBackend.modelDigest(plan), PlanDumpBackend.modelDigest(plan.replace("10.96.0.1", "10.96.0.2")));
        assertEquals("x\ny", PlanDumpBackend.withoutOrigins("x @ f:1:1\ny @ f:2:1"), "no newline at the end");
    }
}
