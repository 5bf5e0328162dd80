package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.dsl.DslFormatter;
import dev.netc.ir.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code netc convert} both ways, through the command: what it writes compiles to the same artifacts as what it
 * read, for every sample in both its forms; and {@code netc fmt} on the command line.
 */
class ConvertRoundTripTest {
    static final Path ROOT = Path.of("..");

    static String yamlDir(String sample) {
        return ROOT.resolve("samples").resolve(sample).toString();
    }

    static String dslDir(String sample) {
        return ROOT.resolve("samples-dsl").resolve(sample).toString();
    }

    static Map<String, String> compileText(String path, String text) {
        return DslTwinsTest.compileSources(List.of(new InputSource(path, text.getBytes(StandardCharsets.UTF_8))));
    }

    static String convert(String to, String input) {
        CliRunner r = CliRunner.run("convert", "--to", to, input);
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "minimal", "state-dump"})
    void yamlToDslCompilesToTheSameArtifacts(String sample) {
        Map<String, String> expected = DslTwinsTest.compile(List.of(yamlDir(sample)));
        String dsl = convert("dsl", yamlDir(sample));
        assertEquals(expected, compileText("converted.netc", dsl));
        // What convert writes is canonical: fmt leaves it as it is.
        assertEquals(dsl, DslFormatter.format("converted.netc", dsl, new Diagnostics()).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "minimal", "state-dump"})
    void dslToYamlCompilesToTheSameArtifacts(String sample) {
        Map<String, String> expected = DslTwinsTest.compile(List.of(dslDir(sample)));
        String yaml = convert("yaml", dslDir(sample));
        assertEquals(expected, compileText("converted.yaml", yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "minimal", "state-dump"})
    void roundTripsComeBackToTheSameArtifacts(String sample, @TempDir Path tmp) throws IOException {
        Map<String, String> expected = DslTwinsTest.compile(List.of(yamlDir(sample)));
        // YAML -> DSL -> YAML
        Path dsl = tmp.resolve("a.netc");
        Files.writeString(dsl, convert("dsl", yamlDir(sample)));
        assertEquals(expected, compileText("b.yaml", convert("yaml", dsl.toString())));
        // DSL -> YAML -> DSL
        Path yaml = tmp.resolve("c.yaml");
        Files.writeString(yaml, convert("yaml", dslDir(sample)));
        String back = convert("dsl", yaml.toString());
        assertEquals(expected, compileText("d.netc", back));
        // and the DSL twin converted to DSL is the same text as the YAML converted to DSL
        assertEquals(convert("dsl", yamlDir(sample)), back);
    }

    /** A file with every statement of the language: both conversions keep all of it. */
    @Test
    void everyStatementSurvivesBothConversions(@TempDir Path tmp) throws IOException {
        String everything = Path.of("src/test/resources/dsl/everything.netc").toString();
        Map<String, String> expected = DslTwinsTest.compile(List.of(everything));
        String yaml = convert("yaml", everything);
        assertEquals(expected, compileText("everything.yaml", yaml));
        Path yamlFile = tmp.resolve("everything.yaml");
        Files.writeString(yamlFile, yaml);
        String dsl = convert("dsl", yamlFile.toString());
        assertEquals(expected, compileText("everything.netc", dsl));
        assertEquals(dsl, convert("dsl", everything));
    }

    @Test
    void convertWritesToAFileWithDashO(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("minimal.yaml");
        CliRunner r = CliRunner.run("convert", "--to", "yaml", dslDir("minimal"), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(Files.readString(out).startsWith("apiVersion: apps/v1\nkind: Deployment\n"), Files.readString(out));
    }

    @Test
    void convertRefusesInputWithErrors(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("bad.netc");
        Files.writeString(bad, "in default {\n  service web {\n    port 70000\n  }\n}\n");
        CliRunner r = CliRunner.run("convert", "--to", "yaml", bad.toString());
        assertEquals(1, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith(bad + ":3:10: error[NETC015]: port 70000 out of range 1-65535\n"), r.err());
    }

    @Test
    void fmtPrintsWritesAndChecks(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("x.netc");
        Files.writeString(f, "in default {\n service web {\n      port 80\n }\n}");
        String canonical = "in default {\n  service web {\n    port 80\n  }\n}\n";
        CliRunner printed = CliRunner.run("fmt", f.toString());
        assertEquals(0, printed.exit(), printed.err());
        assertEquals(canonical, printed.out());

        CliRunner check = CliRunner.run("fmt", "--check", f.toString());
        assertEquals(1, check.exit());
        assertTrue(check.err().contains("is not in canonical form"), check.err());

        CliRunner write = CliRunner.run("fmt", "--write", f.toString());
        assertEquals(0, write.exit(), write.err());
        assertEquals(canonical, Files.readString(f));
        assertEquals(0, CliRunner.run("fmt", "--check", f.toString()).exit());
    }

    @Test
    void fmtReportsSyntaxErrorsAndLeavesTheFile(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bad.netc");
        String text = "in default {\n  servce web {\n  }\n}\n";
        Files.writeString(f, text);
        CliRunner r = CliRunner.run("fmt", "--write", f.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(f + ":2:3: error[NETC049]: unexpected 'servce', expected an object (pod,"
                + " deployment, service, network-policy, ingress, ...) or '}' (did you mean 'service'?)\n"), r.err());
        assertEquals(text, Files.readString(f));
    }
}
