package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Severity;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every sample in samples/ has a DSL twin in samples-dsl/: both compile to the same bytes on every backend. */
class DslTwinsTest {
    static final Path ROOT = Path.of("..");

    @ParameterizedTest
    @ValueSource(strings = {"shop", "minimal", "state-dump"})
    void dslTwinCompilesToTheSameArtifacts(String sample) {
        Map<String, String> yaml = compile(List.of(ROOT.resolve("samples").resolve(sample).toString()));
        Map<String, String> dsl = compile(List.of(ROOT.resolve("samples-dsl").resolve(sample).toString()));
        assertFalse(yaml.isEmpty());
        assertEquals(yaml.keySet(), dsl.keySet());
        for (String path : yaml.keySet()) assertEquals(yaml.get(path), dsl.get(path), path);
    }

    /** Every backend's artifacts, by path (plan.txt without its origins); fails on any error (or warning) of the compile. */
    static Map<String, String> compile(List<String> inputs) {
        Diagnostics load = new Diagnostics();
        List<InputSource> sources = new InputLoader(new ByteArrayInputStream(new byte[0])).load(inputs, load);
        assertFalse(load.hasErrors(), load.sorted().toString());
        return compileSources(sources);
    }

    static Map<String, String> compileSources(List<InputSource> sources) {
        Compiler.Result result = new Compiler().compile(sources);
        List<Diagnostic> problems = result.diagnostics().stream()
                .filter(d -> d.severity() != Severity.NOTE).toList();
        assertTrue(result.ok() && problems.isEmpty(), problems.stream().map(Diagnostic::toString)
                .collect(Collectors.joining("\n")));
        Map<String, String> out = new TreeMap<>();
        for (Backend b : new BackendRegistry().all()) {
            for (Artifact a : b.emit(result.plan().orElseThrow(), Set.of())) {
                // plan.txt tells where each thing was written: the same model written elsewhere differs only there
                String text = a.path().equals("plan.txt") ? dev.netc.backends.plan.PlanDumpBackend.withoutOrigins(a.text()) : a.text();
                assertEquals(null, out.put(b.name() + ":" + a.path(), text), a.path());
            }
        }
        return out;
    }
}
