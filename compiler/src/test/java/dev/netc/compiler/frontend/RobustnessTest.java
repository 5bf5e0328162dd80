package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.passes.Validate;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged input never escapes the front end as an exception: random truncations, byte flips and insertions
 * of a valid manifest give diagnostics (or a model), nothing else. The seed is fixed so a failure replays.
 */
class RobustnessTest {
    private static final byte[] SNIPPETS_SOURCE = String.join("\u0000",
            ":", "- ", "---\n", "&a ", "*a", "!!str ", "<<: ", "{", "}", "[", "]", "\"", "'", "\t", "\n  ",
            "? ", "|\n", ">-\n", "%YAML 1.2\n", "#", "@", "`", "\\", "0x", "-1", "99999999999999999999",
            "null", "~", "yes", "\uFEFF", "\u00e9").getBytes(StandardCharsets.UTF_8);

    @Test
    void randomMutationsOfAValidManifestGiveOnlyDiagnostics() {
        byte[] original = Manifests.EVERY_KIND.getBytes(StandardCharsets.UTF_8);
        List<byte[]> snippets = Arrays.stream(new String(SNIPPETS_SOURCE, StandardCharsets.UTF_8).split("\u0000"))
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        Random random = new Random(20261125L);
        int withErrors = 0;
        for (int i = 0; i < 200; i++) {
            byte[] mutated = mutate(original, snippets, random, i % 3);
            String name = (i % 10 == 0 ? "case-" + i + ".json" : "case-" + i + ".yaml");
            Diagnostics d = new Diagnostics();
            Cluster c = assertDoesNotThrow(() -> new YamlFrontEnd().apply(List.of(new InputSource(name, mutated)), d),
                    "mutation " + i);
            if (!d.hasErrors()) assertDoesNotThrow(() -> new Validate().apply(c, d), "validate after mutation " + i);
            for (Diagnostic diag : d.sorted()) {
                String line = diag.render();
                assertTrue(line.startsWith(name), line);
                assertFalse(line.contains("Exception") || line.contains("com.fasterxml") || line.contains("org.yaml")
                        || line.contains("\n"), "no Java text in a message: " + line);
            }
            if (d.hasErrors()) withErrors++;
        }
        // The mutations do damage: most inputs must be refused, else the test proves little.
        assertTrue(withErrors > 100, "mutations found errors in " + withErrors + " of 200 inputs");
    }

    /** 0: truncate; 1: flip bytes; 2: insert snippets of YAML syntax. */
    private static byte[] mutate(byte[] in, List<byte[]> snippets, Random r, int kind) {
        switch (kind) {
            case 0:
                return Arrays.copyOf(in, r.nextInt(in.length));
            case 1: {
                byte[] out = in.clone();
                int flips = 1 + r.nextInt(8);
                for (int f = 0; f < flips; f++) out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                return out;
            }
            default: {
                byte[] out = in;
                int inserts = 1 + r.nextInt(4);
                for (int k = 0; k < inserts; k++) {
                    byte[] s = snippets.get(r.nextInt(snippets.size()));
                    int at = r.nextInt(out.length + 1);
                    byte[] next = new byte[out.length + s.length];
                    System.arraycopy(out, 0, next, 0, at);
                    System.arraycopy(s, 0, next, at, s.length);
                    System.arraycopy(out, at, next, at + s.length, out.length - at);
                    out = next;
                }
                return out;
            }
        }
    }

    @Test
    void truncationAtEveryLineOfADocumentNeverThrows() {
        String text = Manifests.EVERY_KIND;
        int count = 0;
        for (int cut = text.indexOf('\n'); cut >= 0 && count < 400; cut = text.indexOf('\n', cut + 1), count++) {
            String part = text.substring(0, cut + 1);
            Diagnostics d = new Diagnostics();
            assertDoesNotThrow(() -> new YamlFrontEnd().apply(List.of(new InputSource("cut.yaml",
                    part.getBytes(StandardCharsets.UTF_8))), d));
        }
        assertEquals(true, count > 100, "the manifest has many lines to cut at");
    }
}
