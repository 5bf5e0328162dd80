package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc diff BASE HEAD}: what the two plans decide, section by section, with each side's origins. */
class DiffCommandTest {
    @TempDir
    Path tmp;

    /** The shop sample copied to {@code name}, each file's text changed by {@code edit}. */
    Path shop(String name, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> s = Files.list(CompileCommandTest.SHOP)) {
            for (Path f : s.sorted().toList()) Files.writeString(dir.resolve(f.getFileName()), edit.apply(Files.readString(f)));
        }
        return dir;
    }

    @Test
    void theSameManifestsMovedReorderedAndRenamedAreNoChange() throws IOException {
        Path a = shop("a", t -> t);
        Path b = Files.createDirectories(tmp.resolve("b"));
        try (Stream<Path> s = Files.list(a)) {
            for (Path f : s.sorted().toList()) {
                List<String> docs = new ArrayList<>(List.of(("\n" + Files.readString(f)).split("\n---\n")));
                Collections.reverse(docs);
                Files.writeString(b.resolve("renamed-" + f.getFileName()), "# moved\n\n" + String.join("\n---\n", docs).strip() + "\n");
            }
        }
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals("no change\n", r.out());
    }

    @Test
    void aPortChangeShowsInThePolicyAndInEachSelectedPodsPolicyOnItsNode() throws IOException {
        Path a = shop("a", t -> t);
        Path b = shop("b", t -> t.replace("- {port: 5432}", "- {port: 5433}"));
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString());
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("changed networkpolicy payments/ledger-from-api\n"), r.out());
        assertTrue(r.out().contains("  - ingress from same-namespace pods(app=payments-api) ports TCP:5432\n"
                + "  + networkpolicy payments/ledger-from-api podSelector=app=ledger types=Ingress\n"
                + "  + ingress from same-namespace pods(app=payments-api) ports TCP:5433\n"), r.out());
        assertTrue(r.out().contains("  origins: " + a.resolve("policies.yaml") + ":31:1, " + a.resolve("policies.yaml") + ":40:7 -> "
                + b.resolve("policies.yaml") + ":31:1, " + b.resolve("policies.yaml") + ":40:7\n"), r.out());
        assertTrue(r.out().endsWith("\n3 changes\n"), r.out());

        CliRunner j = CliRunner.run("diff", a.toString(), b.toString(), "--format", "json");
        assertEquals(DiffCommand.EXIT_CHANGES, j.exit());
        JsonNode changes = new ObjectMapper().readTree(j.out()).get("changes");
        assertEquals(3, changes.size());
        JsonNode pod = changes.get(1);
        assertEquals("changed", pod.get("kind").asText());
        assertEquals("node-plan n1 policy payments/ledger-0", pod.get("section").asText());
        assertEquals("n1", pod.get("node").asText());
        assertTrue(pod.get("after").get(1).asText().contains("ports TCP/5433 (payments/ledger-from-api)"), pod.toString());
        assertTrue(pod.get("after").get(1).asText().startsWith("ingress from [10.244.1.103/32,"), "the set's addresses, not its name: " + pod);
        assertEquals(b.resolve("policies.yaml") + ":40:7", pod.get("origins").get("after").get(0).asText());
        assertTrue(changes.get(0).get("node").isNull(), "a model object belongs to no node");
    }

    @Test
    void aScaledDeploymentAddsItsReplicaAndItsEndpoints() throws IOException {
        Path a = shop("a", t -> t);
        Path b = shop("b", t -> t.replace("name: web\n  namespace: storefront\nspec:\n  replicas: 3", "name: web\n  namespace: storefront\nspec:\n  replicas: 4"));
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString());
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\nadded pod storefront/web-3\n"), r.out());
        assertTrue(r.out().contains("\nchanged service-plan storefront/web:http TCP IPv4\n"), r.out());
        assertTrue(r.out().contains("\nchanged workload Deployment storefront/web\n  - workload Deployment storefront/web replicas=3 "), r.out());
    }

    @Test
    void aSideWithErrorsIsNamedWithItsPositions() throws IOException {
        Path a = shop("a", t -> t);
        Path b = shop("b", t -> t.replace("kind: NetworkPolicy", "kind: NetworkPolicy\nspec: {}"));
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString());
        assertEquals(DiffCommand.EXIT_SIDE_ERRORS, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("HEAD: " + b), r.err());
        assertTrue(r.err().contains("error[NETC"), r.err());
        assertTrue(r.err().contains("netc diff: HEAD (" + b + ") has errors"), r.err());
        assertEquals("", r.out());
    }
}
