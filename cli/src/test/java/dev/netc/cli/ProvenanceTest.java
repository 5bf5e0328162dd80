package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.plan.PlanDumpBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Origins reach plan.txt and {@code netc explain}, never a ruleset: the same manifests moved down the file, in
 * another order and in a renamed file compile to the same rulesets byte for byte, and to a plan.txt that differs
 * only in the positions its lines end with ({@code  @ file:line:col}).
 */
class ProvenanceTest {
    @TempDir
    Path tmp;

    @Test
    void movingManifestLinesChangesOnlyThePositionsInPlanTxt() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a);
        Files.createDirectories(b);
        try (Stream<Path> s = Files.list(CompileCommandTest.SHOP)) {
            for (Path f : s.sorted().toList()) {
                String text = Files.readString(f);
                Files.writeString(a.resolve(f.getFileName()), text);
                // three lines more at the top, the documents in reverse order, and the file under another name
                List<String> docs = new ArrayList<>(List.of(("\n" + text).split("\n---\n")));
                Collections.reverse(docs);
                Files.writeString(b.resolve("moved-" + f.getFileName()), "# moved\n#\n#\n" + String.join("\n---\n", docs).strip() + "\n");
            }
        }
        CliRunner ca = CliRunner.run("compile", a.toString(), "-o", tmp.resolve("out-a").toString());
        CliRunner cb = CliRunner.run("compile", b.toString(), "-o", tmp.resolve("out-b").toString());
        assertEquals(0, ca.exit(), ca.err());
        assertEquals(0, cb.exit(), cb.err());
        TreeMap<String, String> outA = files(tmp.resolve("out-a"));
        TreeMap<String, String> outB = files(tmp.resolve("out-b"));
        assertEquals(outA.keySet(), outB.keySet());
        for (String name : outA.keySet()) {
            if (name.equals("plan.txt") || name.equals("netc-manifest.json")) continue;
            assertEquals(outA.get(name), outB.get(name), name + " moved with its manifest lines");
        }
        assertEquals(model(outA), model(outB), "the model digest leaves the origins out");
        String planA = outA.get("plan.txt");
        String planB = outB.get("plan.txt");
        assertNotEquals(planA, planB, "the positions moved");
        assertEquals(PlanDumpBackend.withoutOrigins(planA), PlanDumpBackend.withoutOrigins(planB));
        assertTrue(planB.contains("networkpolicy payments/ledger-from-api podSelector=app=ledger types=Ingress @ " + b.resolve("moved-policies.yaml") + ":"),
                planB);
        assertTrue(planA.contains("  ingress from same-namespace pods(app=payments-api) ports TCP:5432 @ " + a.resolve("policies.yaml") + ":40:7\n"), planA);
        // a node's allow entry names the rules it comes from, where they were written
        assertTrue(planA.contains("    ingress from peers-7d1c5ea9d758 ports TCP/5432 (payments/ledger-from-api) @ " + a.resolve("policies.yaml") + ":40:7\n"),
                planA);
        // values netc chose say so; a value the input gave does not
        assertTrue(planA.contains("service payments/ledger type=ClusterIP clusterIPs=[10.103.218.209](allocated) "), planA);
        assertTrue(planA.contains("  port https 443/TCP -> api nodePort=30443 @ "), "given in payments.yaml: " + planA);
        assertTrue(planA.contains("pod payments/ledger-0 node=n1 ips=[10.244.1.50] ready"), "status.podIPs given: " + planA);
        assertTrue(planA.contains("pod payments/api-0 node=n2 ips=[10.244.2.8,fd00:244:0:2:4006:ff1a:b1ff:fbdf](allocated) "), planA);
    }

    /** --dump-after prints the plan as one pass left it; a pass name is matched in any case, a misspelt one is a usage error. */
    @Test
    void dumpAfterPrintsThePlanAsThatPassLeftIt() {
        CliRunner merge = CliRunner.run("compile", CompileCommandTest.SHOP.toString(), "-o", tmp.resolve("o1").toString(),
                "--backend", "plan", "--dump-after", "mergepolicy");
        assertEquals(0, merge.exit(), merge.err());
        assertTrue(merge.out().startsWith("# after MergePolicy\n# netc plan: "), merge.out());
        assertTrue(merge.out().contains("\n  policy payments/ledger-0 [10.244.1.50] ingress-isolated\n"), merge.out());

        CliRunner resolved = CliRunner.run("compile", CompileCommandTest.SHOP.toString(), "-o", tmp.resolve("o2").toString(),
                "--backend", "plan", "--dump-after", "ResolveNetworkPolicies");
        assertEquals(0, resolved.exit(), resolved.err());
        assertTrue(resolved.out().contains("\npolicy-resolution\n  peers #0 "), "the resolution, before the merge: " + resolved.out());
        assertTrue(!resolved.out().contains("\n  policy payments/ledger-0 "), "no node's policy yet: " + resolved.out());

        CliRunner model = CliRunner.run("compile", CompileCommandTest.SHOP.toString(), "-o", tmp.resolve("o3").toString(),
                "--backend", "plan", "--dump-after", "Validate");
        assertTrue(model.out().startsWith("# after Validate\n# netc model: "), model.out());
        assertTrue(!model.out().contains("(allocated)"), "nothing allocated before Allocate: " + model.out());

        CliRunner typo = CliRunner.run("compile", CompileCommandTest.SHOP.toString(), "-o", tmp.resolve("o4").toString(),
                "--dump-after", "MergePolcy");
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("unknown pass \"MergePolcy\" (did you mean \"MergePolicy\"?); passes: YamlFrontEnd, ResolveNodes,"), typo.err());
        CliRunner json = CliRunner.run("compile", CompileCommandTest.SHOP.toString(), "-o", tmp.resolve("o5").toString(),
                "--dump-after", "Services", "--format", "json");
        assertEquals(2, json.exit());
        assertTrue(json.err().contains("--dump-after prints to standard output, where --format json writes"), json.err());
    }

    static String model(TreeMap<String, String> out) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.get("netc-manifest.json")).get("model").asText();
    }

    static TreeMap<String, String> files(Path root) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readString(p));
        }
        return out;
    }
}
