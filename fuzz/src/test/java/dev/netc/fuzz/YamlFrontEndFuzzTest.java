package dev.netc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import java.util.List;

/**
 * The YAML/JSON front end and the passes behind it: any bytes give a result with diagnostics (or a plan),
 * never an exception. Regression inputs: {@code YamlFrontEndFuzzTestInputs/compileYaml/}.
 */
class YamlFrontEndFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void compileYaml(byte[] input) {
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("in.yaml", input)));
        Checks.diagnosticsAreClean(r);
    }
}
