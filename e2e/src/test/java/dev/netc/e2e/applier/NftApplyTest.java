package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.e2e.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netc apply --backend nftables} on a network namespace: libnftables, one transaction per apply. */
class NftApplyTest {
    static final String FOREIGN = """
            table inet foreign {
            	chain input {
            		type filter hook input priority filter; policy accept;
            		tcp dport 22 accept
            	}
            }
            """;

    @BeforeAll
    static void tools() {
        Lab.require();
    }

    /**
     * A whole compile's OUT: nodes/n1/nftables.nft is not a file but the shared part then n1's own; the applier
     * composes it, checks every part and the composed digest, and loads the same tables a --node n1 compile gives.
     * A shared part changed after the compile (even re-hashed in the manifest, without the composed digest) is refused.
     */
    @Test
    void aComposedNodeFileIsVerifiedAndLoadedAsTheSingleFileIs() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path whole = lab.compileWhole("whole");
            Path single = lab.compile("single", null);
            assertTrue(!java.nio.file.Files.exists(whole.resolve("nodes/n1/nftables.nft")), "composed, not written");
            ApplyLab.Run first = lab.apply(whole.toString());
            assertEquals(0, first.exit(), first.all());
            assertEquals(0, lab.apply("--check", single.toString()).exit(), "the kernel holds what the single file gives");

            Path shared;
            try (var s = java.nio.file.Files.list(whole.resolve("shared/nftables"))) {
                shared = s.findFirst().orElseThrow();
            }
            java.nio.file.Files.writeString(shared, "\n", java.nio.file.StandardOpenOption.APPEND);
            ApplyLab.rehash(whole, whole.relativize(shared).toString());
            ApplyLab.Run tampered = lab.apply(whole.toString());
            assertEquals(5, tampered.exit(), tampered.all());
            assertTrue(tampered.err().contains("its parts compose to sha256"), tampered.err());
        }
    }

    @Test
    void applyReapplyChangeRollbackLeaveForeignTableAlone() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            Foreign.load(lab, FOREIGN);
            String foreign = lab.sh("nft", "-s", "list", "table", "inet", "foreign");

            ApplyLab.Run first = lab.apply(a.toString());
            assertEquals(0, first.exit(), first.all());
            assertTrue(first.out().contains("+ table ip netc") && first.out().contains("(full"), first.out());
            assertTrue(lab.sh("nft", "list", "map", "ip", "netc", "service-ips").contains("10.101.99.107 . tcp . 80"));
            assertEquals(0, lab.apply("--check", a.toString()).exit());

            // the cut of the applied artifact is kept for the next apply (which then cuts only the new one)
            List<Path> cuts = blocksListings(lab);
            assertEquals(1, cuts.size(), cuts.toString());
            assertTrue(Files.readString(cuts.get(0)).startsWith("netc.dev/nft-blocks/v1\n"));

            ApplyLab.Run again = lab.apply(a.toString());
            assertEquals(0, again.exit(), again.all());
            assertTrue(again.out().contains("nothing to change"), again.out());
            assertTrue(!again.out().contains("applied"), again.out());

            ApplyLab.Run changed = lab.apply(b.toString());
            assertEquals(0, changed.exit(), changed.all());
            assertTrue(changed.out().contains("(incremental"), changed.out());
            assertTrue(changed.out().contains("+ chain ip netc endpoint-TUWEFB4X-storefront/web/tcp/http__10.244.1.77/8080"), changed.out());
            assertEquals(0, lab.apply("--check", b.toString()).exit(), "the kernel holds b exactly as a full load of b would");
            assertEquals(3, lab.apply("--check", a.toString()).exit());

            // a kept cut that is not of its copy is not used: the copy is cut again, and the change is still exact
            cuts = blocksListings(lab);
            assertEquals(2, cuts.size(), "a's and b's: " + cuts);
            for (Path p : cuts) {
                List<String> lines = new ArrayList<>(Files.readAllLines(p));
                String[] f = lines.get(lines.size() - 1).split(" ", 5); // the last span starts at its own closing brace
                lines.set(lines.size() - 1, f[0] + " " + (Integer.parseInt(f[2]) - 1) + " " + f[2] + " " + f[3] + " " + f[4]);
                Files.write(p, lines);
            }
            ApplyLab.Run back = lab.apply("--rollback");
            assertEquals(0, back.exit(), back.all());
            assertTrue(back.out().contains("rolled back") && back.out().contains("(incremental"), back.out());
            assertEquals(0, lab.apply("--check", a.toString()).exit());
            assertEquals(foreign, lab.sh("nft", "-s", "list", "table", "inet", "foreign"), "the foreign table is untouched");
        }
    }

    /**
     * The incremental way does not list the tables; its guard makes the kernel refuse the change when they are gone
     * (here deleted by hand after the last apply), and the whole tables follow: the kernel then holds b exactly,
     * not a table made of b's changed chains only.
     */
    @Test
    void aChangeOntoTablesDeletedByHandInstallsTheWholeTables() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            assertEquals(0, lab.apply(a.toString()).exit());
            lab.sh("nft", "delete", "table", "ip", "netc");
            ApplyLab.Run changed = lab.apply(b.toString());
            assertEquals(0, changed.exit(), changed.all());
            assertTrue(changed.out().contains("whole tables (the tables applied last are gone)"), changed.out());
            assertTrue(changed.out().contains("(full"), changed.out());
            assertEquals(0, lab.apply("--check", b.toString()).exit(), "the kernel holds b as a full load of b gives it");

            // with the tables in place, the same change goes the incremental way, guard and all
            assertEquals(0, lab.apply(a.toString()).exit());
            ApplyLab.Run inc = lab.apply(b.toString());
            assertTrue(inc.out().contains("(incremental"), inc.out());
            assertEquals(0, lab.apply("--check", b.toString()).exit());
        }
    }

    @Test
    void anErrorInTheLastLineLeavesThePreviousRulesetByteForByte() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            Path broken = lab.withLastLine(b, "broken", "nodes/n1/nftables.nft", "table ip netc {\n\tchain zz {\n\t\tbogus\n\t}\n}");
            Foreign.load(lab, FOREIGN);
            assertEquals(0, lab.apply(a.toString()).exit());
            String before = lab.nftRuleset();
            int lines = ApplyLab.read(broken.resolve("nodes/n1/nftables.nft")).split("\n").length;

            for (String mode : new String[] {"", "--full"}) {
                ApplyLab.Run r = mode.isEmpty() ? lab.apply(broken.toString()) : lab.apply(mode, broken.toString());
                assertEquals(1, r.exit(), r.all());
                assertTrue(r.err().contains("nodes/n1/nftables.nft:" + (lines - 2) + ":"), "error at the artifact's line: " + r.err());
                assertTrue(r.err().contains("previous ruleset is in place"), r.err());
                assertEquals(before, lab.nftRuleset());
            }
            assertEquals(0, lab.apply("--check", a.toString()).exit());
            assertEquals(0, lab.apply(b.toString()).exit(), "the next apply succeeds");
        }
    }

    @Test
    void checkReportsARuleDeletedByHandAndNothingOnACleanNode() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            assertEquals(0, lab.apply(a.toString()).exit());
            ApplyLab.Run clean = lab.apply("--check", a.toString());
            assertEquals(0, clean.exit(), clean.all());
            assertTrue(clean.out().contains("no drift"), clean.out());

            String chain = lab.sh("nft", "-a", "list", "chain", "ip", "netc", "services");
            String handle = chain.lines().filter(l -> l.contains("service-nodeports")).findFirst().orElseThrow()
                    .replaceAll(".*# handle (\\d+)\\s*$", "$1");
            lab.sh("nft", "delete", "rule", "ip", "netc", "services", "handle", handle);
            ApplyLab.Run drift = lab.apply("--check", a.toString());
            assertEquals(3, drift.exit(), drift.all());
            assertTrue(drift.out().contains("chain ip netc services: missing rule: fib daddr type local") && drift.out().contains("vmap @service-nodeports"), drift.out());

            ApplyLab.Run repair = lab.apply(a.toString());
            assertEquals(0, repair.exit(), repair.all());
            assertTrue(repair.out().contains("(full"), "drift is repaired by a full apply: " + repair.out());
            assertEquals(0, lab.apply("--check", a.toString()).exit());
        }
    }

    @Test
    void dryRunChangesNothing() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            String before = lab.nftRuleset();
            ApplyLab.Run dry = lab.apply("--dry-run", a.toString());
            assertEquals(0, dry.exit(), dry.all());
            assertTrue(dry.out().contains("dry run"), dry.out());
            assertEquals(before, lab.nftRuleset());
            Path broken = lab.withLastLine(a, "broken", "nodes/n1/nftables.nft", "table ip netc { chain x { bogus; }; }");
            assertEquals(1, lab.apply("--dry-run", broken.toString()).exit());
        }
    }

    @Test
    void refusesChangedArtifactsAndOtherNodesAndForeignCommands() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            // both nodes' files whole, so the manifest knows n2 and the state directory's owner is what refuses it
            Path a = lab.compile("a", null, java.util.List.of("--node", "n1", "--node", "n2"));
            Path tampered = lab.dir.resolve("tampered");
            ApplyLab.copyTree(a, tampered);
            java.nio.file.Files.writeString(tampered.resolve("nodes/n1/nftables.nft"), "flush ruleset\n", java.nio.file.StandardOpenOption.APPEND);
            ApplyLab.Run r = lab.apply(tampered.toString());
            assertEquals(5, r.exit(), r.all());
            assertTrue(r.err().contains("does not match the manifest"), r.err());

            ApplyLab.rehash(tampered, "nodes/n1/nftables.nft");
            ApplyLab.Run own = lab.apply(tampered.toString());
            assertEquals(5, own.exit(), own.all());
            assertTrue(own.err().contains("only its own tables") && own.err().contains("flush ruleset"), own.err());

            assertEquals(0, lab.apply(a.toString()).exit());
            ApplyLab.Run other = lab.netc(java.util.List.of("apply", "--node", "n2", "--netns", lab.ns, "--state-dir", lab.state.toString(), a.toString()));
            assertEquals(5, other.exit(), other.all());
            assertTrue(other.err().contains("this is node n1, not n2"), other.err());
            ApplyLab.Run unknown = lab.netc(java.util.List.of("apply", "--node", "n9", "--netns", lab.ns, "--state-dir",
                    lab.dir.resolve("st2").toString(), a.toString()));
            assertEquals(5, unknown.exit(), unknown.all());
            assertNotEquals("", unknown.err());
        }
    }

    /** Loads nft text into the lab's namespace. */
    static final class Foreign {
        static void load(ApplyLab lab, String text) {
            dev.netc.e2e.lab.Sh.in(lab.ns, text, "nft", "-f", "-");
        }
    }

    /** The kept cuts of the applied nftables artifacts in the lab's state directory. */
    static List<Path> blocksListings(ApplyLab lab) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(lab.state.resolve("applied").resolve("nftables"))) {
            return s.filter(p -> p.getFileName().toString().equals("nftables-blocks.listing")).sorted().toList();
        }
    }
}
