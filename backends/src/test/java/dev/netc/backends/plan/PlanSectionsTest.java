package dev.netc.backends.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link PlanSections} read as {@link PlanDumpBackend#render} writes plan.txt, a piece at a time: the same sections and
 * changes as from the whole text, whatever the pieces, and a changed line's large policy set shown in part.
 */
class PlanSectionsTest {
    static final Path SHOP = Path.of("..", "samples", "shop");

    static NetworkPlan shop(UnaryOperator<String> edit) throws IOException {
        List<InputSource> in = new ArrayList<>();
        try (Stream<Path> s = Files.list(SHOP)) {
            for (Path f : s.sorted().toList()) {
                in.add(new InputSource("shop/" + f.getFileName(), edit.apply(Files.readString(f)).getBytes(StandardCharsets.UTF_8)));
            }
        }
        Compiler.Result r = new Compiler().compile(in);
        return r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
    }

    @Test
    void renderedInPiecesIsTheWholeText() throws IOException {
        NetworkPlan p = shop(t -> t);
        StringBuilder whole = new StringBuilder();
        List<Integer> pieces = new ArrayList<>();
        PlanDumpBackend.render(p, Set.of(), new StringBuilder(), b -> {
            pieces.add(b.length());
            whole.append(b);
            b.setLength(0);
        });
        assertEquals(PlanDumpBackend.text(p), whole.toString());
        String digest = PlanDumpBackend.modelDigest(whole.toString());
        assertEquals(digest, PlanDumpBackend.modelDigest(p), "the model digest, rendered and hashed in pieces");
        assertEquals(digest, PlanDumpBackend.modelDigest(new PlanDumpBackend().emit(p, Set.of()).get(0)), "the model digest of plan.txt's bytes");
        assertTrue(pieces.size() > 10, "a piece per Service plan and node plan: " + pieces);
    }

    @Test
    void piecesThatCutLinesReadAsTheWholeText() throws IOException {
        String text = PlanDumpBackend.text(shop(t -> t));
        PlanSections.Reading whole = PlanSections.of(text);
        assertFalse(whole.kept().isEmpty());
        for (int piece : new int[] {1, 7, 100, 4096}) assertEquals(whole, PlanSections.of(text, piece), "pieces of " + piece);
    }

    @Test
    void theStreamedDiffIsTheDiffOfTheTexts() throws IOException {
        NetworkPlan a = shop(t -> t);
        NetworkPlan b = shop(t -> t.replace("- {port: 5432}", "- {port: 5433}").replace("replicas: 2", "replicas: 3"));
        List<PlanSections.Change> streamed = PlanSections.diff(a, b);
        assertFalse(streamed.isEmpty());
        assertEquals(PlanSections.changes(PlanSections.of(PlanDumpBackend.text(a)), PlanSections.of(PlanDumpBackend.text(b))), streamed);
        assertEquals(List.of(), PlanSections.diff(a, shop(t -> "# moved\n\n" + t)), "a line moved is no change");
        PlanSections.Reading first = PlanSections.read(a, (key, digest) -> false);
        assertTrue(first.kept().isEmpty() && !first.digests().isEmpty(), "a reading keeps only what it is asked to");
    }

    @Test
    void aLargePolicySetShowsItsFirstPrefixesAndItsName() {
        StringBuilder set = new StringBuilder("[");
        for (int i = 0; i < 20; i++) set.append(i == 0 ? "" : ",").append("10.0.0.").append(i).append("/32");
        set.append(']');
        Map<String, String> sets = Map.of("peers-aaaaaaaaaaaa", set.toString(), "peers-bbbbbbbbbbbb", "[10.1.0.0/16]");
        List<String> shown = PlanSections.shown(List.of("    ingress from peers-aaaaaaaaaaaa ports <all> (a/b)",
                "    egress to peers-bbbbbbbbbbbb ports TCP/53 (a/b)", "  policy a/b [10.0.0.1]"), sets);
        assertEquals("    ingress from [10.0.0.0/32,10.0.0.1/32,10.0.0.2/32,10.0.0.3/32,10.0.0.4/32,10.0.0.5/32,10.0.0.6/32,10.0.0.7/32,"
                + "10.0.0.8/32,10.0.0.9/32,10.0.0.10/32,10.0.0.11/32,10.0.0.12/32,10.0.0.13/32,10.0.0.14/32,10.0.0.15/32,"
                + "… 20 prefixes in all: peers-aaaaaaaaaaaa in plan.txt] ports <all> (a/b)", shown.get(0));
        assertEquals("    egress to [10.1.0.0/16] ports TCP/53 (a/b)", shown.get(1));
        assertEquals("  policy a/b [10.0.0.1]", shown.get(2));
        assertEquals(List.of("x peers-cccccccccccc"), PlanSections.shown(List.of("x peers-cccccccccccc"), sets), "a set not known stays named");
    }
}
