package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML and DSL inputs of one compile are one cluster: a DSL policy selects a YAML pod, and the other way. */
class MixedInputsTest {
    static final String PODS = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web-0, namespace: shop, labels: {app: web}}
            spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}
            status: {podIP: 10.244.0.10}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client-0, namespace: shop, labels: {app: client}}
            status: {podIP: 10.244.0.11}
            """;

    @Test
    void aDslPolicySelectsAYamlPod(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("pods.yaml"), PODS);
        Files.writeString(dir.resolve("policy.netc"), """
                in shop {
                  network-policy web-from-nobody {
                    pods app=web
                    policy-types Ingress
                  }
                }
                """);
        CliRunner denied = CliRunner.run("explain", "shop/client-0", "shop/web-0", "8080/TCP", "-i", dir.toString());
        assertTrue(denied.out().contains("denied") && denied.out().contains("shop/web-from-nobody"), denied.out());

        Files.writeString(dir.resolve("policy.netc"), """
                in shop {
                  network-policy web-from-client {
                    pods app=web
                    ingress {
                      from pods app=client
                      port http
                    }
                  }
                }
                """);
        CliRunner allowed = CliRunner.run("explain", "shop/client-0", "shop/web-0", "8080/TCP", "-i", dir.toString());
        assertTrue(allowed.out().startsWith("shop/client-0 (10.244.0.11) -> shop/web-0 (10.244.0.10) TCP/8080: allowed"),
                allowed.out());
    }

    @Test
    void aDiagnosticAboutADslObjectPointsAtTheDslFile(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("pods.yaml"), PODS);
        Path dsl = dir.resolve("svc.netc");
        Files.writeString(dsl, """
                in shop {
                  service web {
                    selector app=web
                    port 80 -> metrics
                  }
                }
                """);
        CliRunner r = CliRunner.run("compile", dir.toString(), "-o", dir.resolve("out").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith(dsl + ":4:16: error[NETC023]: "), r.err());
    }
}
