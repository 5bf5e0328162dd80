package dev.netc.backends.testing;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assertions;

/** Compiles YAML text with the real front end and passes, for tests that check a backend's files end to end. */
public final class Compile {
    private Compile() {
    }

    public static Compiler.Result result(String yaml) {
        return new Compiler().compile(List.of(new InputSource("test.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }

    /** The plan of input that must compile without error. */
    public static NetworkPlan plan(String yaml) {
        Compiler.Result r = result(yaml);
        Assertions.assertTrue(r.ok(), () -> "compiles: " + r.diagnostics().stream().map(Diagnostic::toString).toList());
        return r.plan().orElseThrow();
    }

    /** A backend's files by path. */
    public static Map<String, Artifact> files(Backend b, NetworkPlan plan) {
        Map<String, Artifact> out = new LinkedHashMap<>();
        for (Artifact a : b.emit(plan, Set.of())) out.put(a.path(), a);
        return out;
    }
}
