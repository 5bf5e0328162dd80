package dev.netc.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import java.util.List;

/** The intent DSL front end: any bytes give diagnostics (or a plan), never an exception. */
class DslFrontEndFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void compileDsl(byte[] input) {
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("in.netc", input)));
        Checks.diagnosticsAreClean(r);
    }
}
