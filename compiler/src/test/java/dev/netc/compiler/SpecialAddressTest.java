package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 127.0.0.1 as an externalIP would be a DNAT target on every node: the compile is refused, as the API refuses it. */
class SpecialAddressTest {
    private static Compiler.Result compile(String externalIp) {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {app: web}
                  ports: [{port: 80}]
                  externalIPs: [%s]
                """.formatted(externalIp);
        return new Compiler().compile(List.of(new InputSource("svc.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void loopbackExternalIpIsRefusedWithItsPosition() {
        Compiler.Result r = compile("127.0.0.1");
        assertEquals(List.of("svc.yaml:7:17: error[NETC053]: externalIP \"127.0.0.1\" may not be in the loopback range"
                + " (127.0.0.0/8, ::1/128)"), r.diagnostics().stream().map(Diagnostic::render).toList());
        assertTrue(r.plan().isEmpty());
    }

    @Test
    void theBroadcastAddressIsRefused() {
        Compiler.Result r = compile("255.255.255.255");
        assertEquals(List.of("svc.yaml:7:17: error[NETC053]: externalIP \"255.255.255.255\" may not be the broadcast"
                + " address: no connection can be made to it"), r.diagnostics().stream().map(Diagnostic::render).toList());
    }

    @Test
    void anOrdinaryExternalIpCompiles() {
        Compiler.Result r = compile("203.0.113.10");
        assertTrue(r.ok(), r.diagnostics().toString());
    }
}
