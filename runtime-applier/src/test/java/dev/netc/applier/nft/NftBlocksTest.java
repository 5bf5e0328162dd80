package dev.netc.applier.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.Script;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The artifact cut by braces, and the incremental change computed from the objects whose text differs. */
class NftBlocksTest {
    static final String A = "#!/usr/sbin/nft -f\n# netc rules for node n1\n\n" + NftDeltaTest.A.replace("\tchain svc-api {",
            "\t# a comment { with a brace\n\tset peers {\n\t\ttype ipv4_addr\n\t\telements = { 10.0.0.1, 10.0.0.2 }\n\t}\n\n\tchain svc-api {");

    @Test
    void objectsAreSpansAndTheRestIsTheSkeleton() {
        NftBlocks b = NftBlocks.split(A).orElseThrow();
        assertEquals("table ip netc {\n}\ndelete table ip netc\ntable ip netc {\n}", b.skeleton(), "comments, blank lines and objects left out");
        assertEquals(List.of("ip netc map service-ips", "ip netc chain services", "ip netc chain svc-web", "ip netc set peers", "ip netc chain svc-api"),
                List.copyOf(b.objects().keySet()));
        NftBlocks.Span web = b.objects().get("ip netc chain svc-web");
        assertEquals("\tchain svc-web {\n\t\tdnat to 10.244.1.5:8080\n\t}", b.text(web));
        assertEquals(A.lines().toList().indexOf("\tchain svc-web {") + 1, web.line());
        assertEquals(Set.of(new NftRuleset.TableId("ip", "netc")), b.tables());
        assertEquals(java.util.Map.of(new NftRuleset.TableId("ip", "netc"), "chain svc-web"), b.probes(), "the first of the shortest chains is what is listed");
    }

    /**
     * The guard sent before an incremental change: the shortest chain the two artifacts have the same, flushed and
     * declared again as written (each line placed at the artifact's line), so it fails where that chain's table is gone.
     */
    @Test
    void theGuardRewritesTheShortestUnchangedChainOfEachTable() {
        String b = A.replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.77:8080");
        NftBlocks from = NftBlocks.split(A).orElseThrow();
        NftBlocks to = NftBlocks.split(b).orElseThrow();
        Script g = to.guard(from).orElseThrow();
        assertEquals("flush chain ip netc svc-api\ntable ip netc {\n\tchain svc-api {\n\t\tdnat to 10.244.1.6:8443\n\t}\n}\n", g.text(),
                "svc-web is as short but changed: svc-api is the one the kernel must still hold");
        int header = b.lines().toList().indexOf("\tchain svc-api {") + 1;
        assertEquals(header, g.origin(1));
        assertEquals(header + 1, g.origin(4), "the rule's own line");

        // a table all of whose chains change has nothing to guard with: the applier looks first instead
        String allChanged = A.replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.77:8080").replace("dnat to 10.244.1.6:8443", "dnat to 10.244.1.66:8443")
                .replace("vmap @service-ips", "vmap @service-ips counter");
        assertEquals(Optional.empty(), NftBlocks.split(allChanged).orElseThrow().guard(from));
    }

    @Test
    void anEndpointChangeReadsOnlyTheObjectsThatDifferAndGivesTheSameTransactionAsReadingEverything() throws Exception {
        String b = A.replace("10.96.0.11 . tcp . 443 comment \"a/api\" : goto svc-api", "10.96.0.12 . tcp . 443 comment \"a/api\" : goto svc-api")
                .replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.7:8080")
                .replace("\tchain svc-api {", "\tchain svc-new {\n\t\tdnat to 10.244.1.9:8080\n\t}\n\n\tchain svc-api {")
                .replace("10.0.0.1, 10.0.0.2", "10.0.0.2");
        NftBlocks.Pair p = NftBlocks.differing(NftBlocks.split(A).orElseThrow(), NftBlocks.split(b).orElseThrow()).orElseThrow();
        assertEquals(4, p.read(), "the map, the changed chain, the new chain and the set");
        assertEquals(Set.of("svc-web", "svc-new"), p.to().tables().values().iterator().next().chains().keySet());
        NftDelta.Delta partial = NftDelta.compute(p.from(), p.to()).delta().orElseThrow();
        NftDelta.Delta whole = NftDelta.compute(NftRuleset.parse(A), NftRuleset.parse(b)).delta().orElseThrow();
        assertEquals(whole.changes(), partial.changes());
        assertEquals(whole.script().text(), partial.script().text());
        for (int i = 1; i <= whole.script().size(); i++) {
            assertEquals(whole.script().origin(i), partial.script().origin(i), "line " + i + " keeps its artifact line: " + whole.script().line(i));
        }
        assertTrue(whole.script().origin(3) > 0);
    }

    @Test
    void theSameTextReadsNothing() throws Exception {
        NftBlocks.Pair p = NftBlocks.differing(NftBlocks.split(A).orElseThrow(), NftBlocks.split(A).orElseThrow()).orElseThrow();
        assertEquals(0, p.read());
        assertTrue(NftDelta.compute(p.from(), p.to()).delta().orElseThrow().isEmpty());
    }

    @Test
    void aChangeOutsideTheObjectsMeansReadingEverything() throws Exception {
        String b = A.replace("delete table ip netc\ntable ip netc {\n", "delete table ip netc\ntable ip netc {\n\tflags dormant\n");
        assertEquals(Optional.empty(), NftBlocks.differing(NftBlocks.split(A).orElseThrow(), NftBlocks.split(b).orElseThrow()));
        String other = A + "table ip foreign {\n}\n";
        assertEquals(Optional.empty(), NftBlocks.differing(NftBlocks.split(A).orElseThrow(), NftBlocks.split(other).orElseThrow()));
    }

    @Test
    void whatTheCutDoesNotUnderstandIsLeftToTheReader() {
        assertEquals(Optional.empty(), NftBlocks.split(A + "add element ip netc peers { 10.0.0.3 }\n"), "a brace in a top-level command");
        assertEquals(Optional.empty(), NftBlocks.split(A.replace("\tchain svc-web {", "\tchain svc-web {\n\t}\n\tchain svc-web {")),
                "an object declared twice in one block");
        assertEquals(Optional.empty(), NftBlocks.split(A + "table ip netc {\n"), "unbalanced");
        assertEquals(Optional.empty(), NftBlocks.split(A.replace("chain svc-web {", "chain svc-web\n{")), "a header split over lines");
        assertTrue(NftBlocks.split(A.replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.5:8080 comment \"} {\"")).isPresent(), "braces in strings");
    }

    /** A composed file reopens the table: an object declared again in a later block is one object of two spans. */
    @Test
    void anObjectDeclaredAgainInALaterBlockIsComparedAndReadWhole() throws Exception {
        String more = A + "table ip netc {\n\tchain svc-web {\n\t\tgoto ep-1\n\t}\n}\n";
        NftBlocks a = NftBlocks.split(more).orElseThrow();
        NftBlocks same = NftBlocks.split(more).orElseThrow();
        assertEquals(0, NftBlocks.differing(a, same).orElseThrow().read());
        NftBlocks changed = NftBlocks.split(more.replace("goto ep-1", "goto ep-2")).orElseThrow();
        NftBlocks.Pair p = NftBlocks.differing(a, changed).orElseThrow();
        assertEquals(1, p.read(), "one object read");
        List<String> rules = p.to().tables().values().iterator().next().chains().get("svc-web").ruleTexts();
        assertEquals(NftRuleset.parse(more.replace("goto ep-1", "goto ep-2")).tables().values().iterator().next().chains().get("svc-web")
                .ruleTexts(), rules, "both spans read, in order, as the whole text reads them");
    }

    /** The cut works on the UTF-8 bytes: text with multi-byte characters before an object keeps its spans and lines exact. */
    @Test
    void multiByteCharactersBeforeAnObjectKeepItsTextAndLine() throws Exception {
        String wide = A.replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.5:8080 comment \"caf\u00e9 \u2026 \ud83d\ude80 {\"");
        NftBlocks b = NftBlocks.split(wide).orElseThrow();
        NftBlocks.Span api = b.objects().get("ip netc chain svc-api");
        assertEquals(wide.lines().toList().indexOf("\tchain svc-api {") + 1, api.line());
        assertTrue(b.text(api).startsWith("\tchain svc-api {") && b.text(api).endsWith("}"), b.text(api));
        assertTrue(b.text(b.objects().get("ip netc chain svc-web")).contains("caf\u00e9 \u2026 \ud83d\ude80 {"));
        NftBlocks.Pair p = NftBlocks.differing(NftBlocks.split(A).orElseThrow(), b).orElseThrow();
        assertEquals(1, p.read(), "only the chain with the comment differs");
        assertEquals(NftRuleset.parse(wide).tables().values().iterator().next().chains().get("svc-web").ruleTexts(),
                p.to().tables().values().iterator().next().chains().get("svc-web").ruleTexts());
    }

    /** The recorded cut reads back as the same cut, of that text only; a record that does not fit the text is not used. */
    @Test
    void theIndexOfACutReadsBackAsTheSameCutAndOnlyForItsText() throws Exception {
        String more = A + "table ip netc {\n\tchain svc-web {\n\t\tgoto ep-1\n\t}\n}\n";
        for (String t : List.of(A, more)) {
            byte[] bytes = t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String sha = dev.netc.applier.Artifact.sha256(bytes);
            NftBlocks cut = NftBlocks.split(bytes).orElseThrow();
            String ix = cut.index(sha).orElseThrow();
            NftBlocks back = NftBlocks.fromIndex(bytes, sha, ix).orElseThrow();
            assertEquals(cut.skeleton(), back.skeleton());
            assertEquals(cut.tables(), back.tables());
            assertEquals(cut.objects(), back.objects());
            assertEquals(cut.probes(), back.probes());
            assertEquals(0, NftBlocks.differing(back, cut).orElseThrow().read(), "every object the same, later spans included");
            assertEquals(ix, back.index(sha).orElseThrow());
            NftBlocks changed = NftBlocks.split(t.replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.7:8080")).orElseThrow();
            assertEquals(NftBlocks.differing(cut, changed).orElseThrow().to().tables(), NftBlocks.differing(back, changed).orElseThrow().to().tables());
            byte[] other = (t + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(Optional.empty(), NftBlocks.fromIndex(other, sha, ix), "another size");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, "0" + sha.substring(1), ix), "another sha256");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, sha, ix.replaceFirst("\n0 (\\d+) (\\d+)", "\n0 $1 1$2")), "a span past its object");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, sha, ix.substring(0, ix.length() - 3)), "cut short");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, sha, ix.replace(" chain svc-web\n", " chain svc-api\n")), "another object's name");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, sha, ix.replace(" chain svc-web\n", " chain  svc-web\n")), "a name split does not write");
            assertEquals(Optional.empty(), NftBlocks.fromIndex(bytes, sha, "garbage"));
        }
    }
}
