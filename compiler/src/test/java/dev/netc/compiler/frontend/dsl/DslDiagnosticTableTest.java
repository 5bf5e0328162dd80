package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.compiler.passes.Validate;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One DSL mistake per file ({@code src/test/resources/dsl-diagnostics/NAME.netc}) and the exact diagnostics it
 * gives ({@code NAME.out}, javac-style), through the front end and, when that found no error, Validate.
 * {@code NETC_APPROVE=1} rewrites the {@code .out} files (under src/test/resources) to review with git diff.
 */
class DslDiagnosticTableTest {
    static Path casesDir() {
        try {
            return Path.of(DslDiagnosticTableTest.class.getResource("/dsl-diagnostics").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(casesDir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".netc")).sorted().toList()
                    .stream();
        }
    }

    static List<Diagnostic> run(List<InputSource> inputs) {
        Diagnostics d = new Diagnostics();
        Cluster c = new YamlFrontEnd().apply(inputs, d);
        if (!d.hasErrors()) new Validate().apply(c, d);
        return d.sorted();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void mistakeGivesExactlyItsDiagnostics(String name) throws IOException {
        String base = name.substring(0, name.length() - ".netc".length());
        byte[] text = Files.readAllBytes(casesDir().resolve(name));
        String actual = run(List.of(new InputSource(name, text))).stream().map(Diagnostic::render)
                .collect(Collectors.joining("\n", "", "\n"));
        if (System.getenv("NETC_APPROVE") != null) {
            Files.writeString(Path.of("src/test/resources/dsl-diagnostics", base + ".out"), actual);
            return;
        }
        String expected = Files.readString(casesDir().resolve(base + ".out"), StandardCharsets.UTF_8);
        assertEquals(expected, actual, name);
    }

    @Test
    void theTableIsLargeAndEveryCaseIsAMistake() throws IOException {
        List<String> all = cases().toList();
        assertTrue(all.size() >= 25, "only " + all.size() + " cases");
        for (String name : all) {
            String base = name.substring(0, name.length() - ".netc".length());
            Path out = casesDir().resolve(base + ".out");
            if (System.getenv("NETC_APPROVE") != null) continue;
            assertTrue(Files.readString(out).contains("error["), name + " gives no error");
        }
    }
}
