package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The examples of the language reference (grammar/README.md) and of README.md are valid DSL. */
class DslReferenceExamplesTest {
    private static final Pattern DECLARATION = Pattern.compile(
            "(?s)(#[^\\n]*\\n)*\\s*(cluster|node|namespace|in|ingress-class|admin-network-policy"
                    + "|baseline-admin-network-policy|pod|deployment|service|endpoint-slice|network-policy"
                    + "|ingress) .*");

    /** The fenced blocks without a language tag that hold a declaration. */
    static List<String> examples(Path doc) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder block = null;
        boolean inOther = false;
        for (String line : Files.readAllLines(doc)) {
            String t = line.strip();
            if (block != null) {
                if (t.equals("```")) {
                    if (DECLARATION.matcher(block).matches()) out.add(block.toString());
                    block = null;
                } else {
                    block.append(line).append('\n');
                }
            } else if (t.startsWith("```")) {
                if (inOther) inOther = false;
                else if (t.equals("```")) block = new StringBuilder();
                else inOther = true;
            }
        }
        return out;
    }

    @Test
    void everyExampleParses() throws IOException {
        List<String> examples = new ArrayList<>(examples(Path.of("../grammar/README.md")));
        examples.addAll(examples(Path.of("../README.md")));
        assertTrue(examples.size() >= 10, "found only " + examples.size() + " examples");
        for (String example : examples) {
            Diagnostics d = new Diagnostics();
            boolean ok = DslSyntax.parse("example.netc", example, new Diagnostics()).ok()
                    // an object shown on its own stands in a namespace block
                    || DslSyntax.parse("example.netc", "in docs {\n" + example + "}\n", d).ok();
            assertTrue(ok, example + "\n" + d.sorted());
        }
    }

    @Test
    void theReadmeExampleCompilesWithoutDiagnostics() throws IOException {
        String example = examples(Path.of("../README.md")).get(0);
        Diagnostics d = new Diagnostics();
        new dev.netc.compiler.frontend.YamlFrontEnd().apply(List.of(new dev.netc.compiler.InputSource("readme.netc",
                example.getBytes(java.nio.charset.StandardCharsets.UTF_8))), d);
        assertEquals(List.of(), d.sorted());
    }
}
