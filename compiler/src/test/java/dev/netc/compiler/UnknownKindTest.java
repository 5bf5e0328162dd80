package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.netc.ir.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A deny-all whose kind is misspelled or spoofed does not vanish: the compile fails and says what was meant. */
class UnknownKindTest {
    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({
            "NetworkPolcy, networking.k8s.io/v1, '(did you mean NetworkPolicy?)'",
            "networkpolicy, networking.k8s.io/v1, 'differs from NetworkPolicy only in case or look-alike letters (did you mean NetworkPolicy?)'",
            "N\u0435tworkPolicy, networking.k8s.io/v1, 'differs from NetworkPolicy only in case or look-alike letters (U+0435) (did you mean NetworkPolicy?)'",
            "NetworkP\u200Bolicy, networking.k8s.io/v1, 'differs from NetworkPolicy only in case or look-alike letters (U+200B) (did you mean NetworkPolicy?)'",
            "DenyPolicy, networking.k8s.io/v1, 'API group networking.k8s.io has no such kind'"})
    void aMisspelledDenyAllFailsTheCompile(String kind, String apiVersion, String expected) {
        String yaml = """
                apiVersion: %s
                kind: %s
                metadata: {name: deny-all, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                """.formatted(apiVersion, kind);
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("deny.yaml",
                yaml.getBytes(StandardCharsets.UTF_8))));
        assertFalse(r.ok());
        List<String> lines = r.diagnostics().stream().map(Diagnostic::render).toList();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertEquals("deny.yaml:2:7: error[NETC052]: unknown kind ", line.substring(0, line.indexOf('"')));
        assertEquals(expected, line.substring(line.indexOf(")") + 1).replaceFirst("^:? ", ""), line);
    }
}
