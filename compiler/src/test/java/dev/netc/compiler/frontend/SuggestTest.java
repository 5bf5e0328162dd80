package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared did-you-mean (YAML kinds and DSL keywords both use it). */
class SuggestTest {
    private static final List<String> KINDS = List.of("Deployment", "Endpoints", "Ingress", "NetworkPolicy", "Node",
            "Pod", "Service");

    @Test
    void typosCaseAndLookAlikesFindTheWord() {
        assertEquals(Optional.of("NetworkPolicy"), Suggest.closest("NetworkPolcy", KINDS));
        assertEquals(Optional.of("NetworkPolicy"), Suggest.closest("NetwrokPolicy", KINDS), "a swap is one edit");
        assertEquals(Optional.of("Service"), Suggest.closest("service", KINDS));
        assertEquals(Optional.of("Service"), Suggest.closest("S\u0435rvice", KINDS), "Cyrillic e");
        assertEquals(Optional.of("Service"), Suggest.closest("\uFF33ervice", KINDS), "full-width S");
        assertEquals(Optional.of("Pod"), Suggest.closest("P\u200Dod", KINDS), "zero-width joiner");
        assertEquals(Optional.of("Endpoints"), Suggest.closest("Endpoint", KINDS));
    }

    @Test
    void unrelatedWordsFindNothing() {
        assertEquals(Optional.empty(), Suggest.closest("Role", KINDS), "two edits from Node is too far for four letters");
        assertEquals(Optional.empty(), Suggest.closest("Job", KINDS));
        assertEquals(Optional.empty(), Suggest.closest("HTTPRoute", KINDS));
        assertEquals(Optional.empty(), Suggest.closest("", KINDS));
        assertEquals(Optional.empty(), Suggest.closest("x".repeat(10_000), KINDS), "long input: no work, no match");
    }

    @Test
    void lookAlikeIsOnlyCaseAndInvisibleDifferences() {
        assertEquals(true, Suggest.lookAlike("SERVICE", "Service"));
        assertEquals(true, Suggest.lookAlike("S\u0435rvice", "Service"));
        assertEquals(false, Suggest.lookAlike("Sevice", "Service"));
    }
}
