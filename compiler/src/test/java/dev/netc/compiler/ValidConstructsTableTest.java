package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sibling of the mistakes table ({@code DiagnosticTableTest}): one input per construct the API server
 * accepts ({@code src/test/resources/valid/NAME.yaml}), each of which must compile through the whole
 * compiler, with exactly the notes and warnings of {@code NAME.expected} (absent: none).
 */
class ValidConstructsTableTest {
    static Path casesDir() {
        try {
            return Path.of(ValidConstructsTableTest.class.getResource("/valid").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(casesDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compilesWithExactlyTheExpectedNotes(String name) throws IOException {
        Path expectedFile = casesDir().resolve(name.substring(0, name.length() - ".yaml".length()) + ".expected");
        List<String> expected = Files.exists(expectedFile) ? Files.readAllLines(expectedFile, StandardCharsets.UTF_8)
                .stream().filter(l -> !l.isBlank()).toList() : List.of();
        Compiler.Result r = new Compiler().compile(List.of(new InputSource(name,
                Files.readAllBytes(casesDir().resolve(name)))));
        assertEquals(expected, r.diagnostics().stream().map(Diagnostic::render).toList(), name);
        assertTrue(r.ok() && r.plan().isPresent(), name + " must compile");
    }

    @Test
    void theTableHasAtLeastFortyRows() throws IOException {
        assertTrue(cases().count() >= 40, "rows: " + cases().count());
    }
}
