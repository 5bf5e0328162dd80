package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.passes.ResolveNamespaces;
import dev.netc.compiler.passes.ResolveNodes;
import dev.netc.compiler.passes.Validate;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Severity;
import dev.netc.ir.model.Cluster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One input per mistake ({@code src/test/resources/diagnostics/NAME.yaml} or {@code .json}) and the exact
 * diagnostics it must give ({@code NAME.expected}), through the front end and, when that found no error, the
 * Validate pass, as the pipeline runs them.
 */
class DiagnosticTableTest {
    static Path casesDir() {
        try {
            return Path.of(DiagnosticTableTest.class.getResource("/diagnostics").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(casesDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".json"))
                    .sorted().toList().stream();
        }
    }

    /**
     * Front end, then (only when it found no error: the pipeline's rule) the node and namespace resolution and
     * Validate, as the pipeline runs them.
     */
    static List<Diagnostic> run(List<InputSource> inputs) {
        Diagnostics d = new Diagnostics();
        Cluster c = new YamlFrontEnd().apply(inputs, d);
        if (!d.hasErrors()) {
            c = new ResolveNamespaces().apply(new ResolveNodes().apply(c, d), d);
            new Validate().apply(c, d);
        }
        return d.sorted();
    }

    static List<String> rendered(List<InputSource> inputs) {
        return run(inputs).stream().map(Diagnostic::render).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsExactlyTheExpectedDiagnostics(String name) throws IOException {
        Path input = casesDir().resolve(name);
        Path expectedFile = casesDir().resolve(name.substring(0, name.lastIndexOf('.')) + ".expected");
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList();
        assertFalse(expected.isEmpty(), "every case expects at least one diagnostic: " + expectedFile);
        List<String> actual = rendered(List.of(new InputSource(name, Files.readAllBytes(input))));
        assertEquals(expected, actual, name);
    }

    @Test
    void tableCoversManyDistinctMistakesAndCodes() throws IOException {
        List<String> names = cases().toList();
        assertTrue(names.size() >= 45, "at least 45 cases, got " + names.size());
        Set<DiagnosticCode> codes = new TreeSet<>();
        for (String n : names) {
            Path p = casesDir().resolve(n);
            run(List.of(new InputSource(n, Files.readAllBytes(p)))).forEach(d -> codes.add(d.code()));
        }
        // Every code the front end and Validate own appears at least once (the rest belong to other passes).
        Set<DiagnosticCode> owned = Stream.of(1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
                        22, 23, 24, 25, 26, 27, 29, 30, 31, 32, 33, 34, 35, 36, 38, 39, 40, 41, 42, 43, 44, 52, 53)
                .map(i -> DiagnosticCode.valueOf(String.format("NETC%03d", i)))
                .collect(Collectors.toCollection(TreeSet::new));
        owned.removeAll(codes);
        assertEquals(Set.of(), owned, "codes without a case");
    }

    // ---- cases that are generated rather than written out --------------------------------------------------

    @Test
    void documentLargerThanTheBoundIsRefused() {
        String big = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
                + "  k: " + "x".repeat(Limits.DEFAULT.maxDocumentChars()) + "\n";
        String text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n" + big;
        assertEquals(List.of("big.yaml:5:1: error[NETC004]: document is larger than 4194304 characters"),
                rendered(List.of(source("big.yaml", text))));
    }

    @Test
    void manyDocumentsOfNormalSizeAreFineEvenWhenTheFileIsLarge() {
        String doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: " + "x".repeat(1 << 20) + "\n";
        String text = (doc + "---\n").repeat(6);
        List<Diagnostic> ds = run(List.of(source("many.yaml", text)));
        assertEquals(6, ds.size());
        assertTrue(ds.stream().allMatch(d -> d.code() == DiagnosticCode.NETC010 && d.severity() == Severity.NOTE));
    }

    @Test
    void jsonDocumentLargerThanTheBoundIsRefused() {
        String text = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"big\"},"
                + " \"data\": {\"k\": \"" + "x".repeat(Limits.DEFAULT.maxDocumentChars() + 1) + "\"}}";
        assertEquals(List.of("big.json:1:1: error[NETC004]: document is larger than 4194304 characters"),
                rendered(List.of(source("big.json", text))));
    }

    @Test
    void documentWithTooManyValuesIsRefused() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n  k: [");
        for (int i = 0; i < Limits.DEFAULT.maxNodes(); i++) b.append(i % 10).append(',');
        b.append("0]\n");
        assertEquals(List.of("wide.yaml:1:1: error[NETC004]: document has more than 100000 values"),
                rendered(List.of(source("wide.yaml", b.toString()))));
    }

    @Test
    void jsonNestedTooDeeplyIsRefused() {
        String text = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"deep\"}, \"data\": "
                + "[".repeat(2000) + "]".repeat(2000) + "}";
        assertEquals(List.of("deep.json:1:144: error[NETC005]: document nested deeper than 64 levels"),
                rendered(List.of(source("deep.json", text))));
    }

    @Test
    void yamlNestedFarBeyondJacksonsOwnLimitGivesOneDiagnostic() {
        String text = "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n---\napiVersion: v1\nkind: Namespace\n";
        assertEquals(List.of("deep.yaml:1:67: error[NETC005]: document nested deeper than 64 levels"),
                rendered(List.of(source("deep.yaml", text))));
    }

    @Test
    void invalidUtf8IsMalformedInput() {
        byte[] bytes = "apiVersion: v1\nkind: Namespace\nmetadata: {name: caf\u00e9}\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 3] = (byte) 0xff;
        assertEquals(List.of("latin.yaml:3:21: error[NETC001]: input is not valid UTF-8"),
                rendered(List.of(new InputSource("latin.yaml", bytes))));
    }

    @Test
    void netcFilesAreReadByTheDslFrontEndNotAsYaml() {
        assertEquals(List.of("intent.netc:1:1: error[NETC049]: unexpected 'service', expected a declaration (cluster,"
                        + " namespace, in, node, ingress-class, admin-network-policy)"),
                rendered(List.of(source("intent.netc", "service web { this is not yaml: : }"))));
    }

    static InputSource source(String name, String text) {
        return new InputSource(name, text.getBytes(StandardCharsets.UTF_8));
    }
}
