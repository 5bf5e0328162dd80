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

    /** A diff of the shop ({@code a}) against the shop with {@code edit} applied ({@code b}), and its run. */
    record Sides(Path a, Path b, CliRunner r) {
    }

    Sides diff(java.util.function.UnaryOperator<String> edit, int exit, String... more) throws IOException {
        Path a = shop("a", t -> t);
        Path b = shop("b", edit);
        List<String> args = new ArrayList<>(List.of("diff", a.toString(), b.toString()));
        args.addAll(List.of(more));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.out() + r.err());
        return new Sides(a, b, r);
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
        Sides d = diff(t -> t.replace("- {port: 5432}", "- {port: 5433}"), DiffCommand.EXIT_CHANGES);
        Path a = d.a();
        Path b = d.b();
        CliRunner r = d.r();
        // first the traffic: what the api pods can no longer and can now reach, with the rules deciding on each side
        assertTrue(r.out().startsWith("policy TCP/5432 IPv4: pods payments/api-0, payments/api-1 -> pods payments/ledger-0, payments/ledger-1:"
                + " allowed -> denied\n  origins: NetworkPolicy/payments/ledger-from-api spec.ingress[0] (" + a.resolve("policies.yaml") + ":40:7) -> "
                + "NetworkPolicy/payments/default-deny-ingress (" + b.resolve("policies.yaml") + ":2:1), NetworkPolicy/payments/ledger-from-api ("
                + b.resolve("policies.yaml") + ":31:1)\n"
                + "policy TCP/5433 IPv4: pods payments/api-0, payments/api-1 -> pods payments/ledger-0, payments/ledger-1: denied -> allowed\n"), r.out());
        assertTrue(r.out().contains("\nservice TCP/5432: pods payments/api-0, payments/api-1 -> Service payments/ledger:pg at 10.103.218.209:"
                + " to 10.244.1.50:5432 (payments/ledger-0) -> denied\n"), r.out());
        assertTrue(r.out().contains("\n\nchanged networkpolicy payments/ledger-from-api\n"), r.out());
        assertTrue(r.out().contains("  - ingress from same-namespace pods(app=payments-api) ports TCP:5432\n"
                + "  + networkpolicy payments/ledger-from-api podSelector=app=ledger types=Ingress\n"
                + "  + ingress from same-namespace pods(app=payments-api) ports TCP:5433\n"), r.out());
        assertTrue(r.out().contains("  origins: " + a.resolve("policies.yaml") + ":31:1, " + a.resolve("policies.yaml") + ":40:7 -> "
                + b.resolve("policies.yaml") + ":31:1, " + b.resolve("policies.yaml") + ":40:7\n"), r.out());
        assertTrue(r.out().endsWith("\n3 traffic rows, 3 plan changes\n"), r.out());

        CliRunner j = CliRunner.run("diff", a.toString(), b.toString(), "--format", "json");
        assertEquals(DiffCommand.EXIT_CHANGES, j.exit());
        JsonNode rows = new ObjectMapper().readTree(j.out()).get("changes");
        assertEquals(3, rows.size(), rows.toString());
        JsonNode lost = rows.get(0);
        assertTrue(lost.get("node").isNull(), "pod to pod holds wherever the pods run: " + lost);
        assertEquals("policy", lost.get("kind").asText());
        assertEquals("[\"payments/api-0\",\"payments/api-1\"]", lost.get("from").get("pods").toString());
        assertEquals("[\"payments/ledger-0\",\"payments/ledger-1\"]", lost.get("to").get("pods").toString());
        assertEquals("TCP", lost.get("protocol").asText());
        assertEquals("[[5432,5432]]", lost.get("ports").toString());
        assertEquals("allowed", lost.get("before").asText());
        assertEquals("denied", lost.get("after").asText());
        assertEquals("[\"" + a.resolve("policies.yaml") + ":40:7\",\"" + b.resolve("policies.yaml") + ":2:1\",\"" + b.resolve("policies.yaml")
                + ":31:1\"]", lost.get("origins").toString());
        JsonNode svc = rows.get(2);
        assertEquals("service", svc.get("kind").asText());
        assertEquals("payments/ledger:pg", svc.get("to").get("service").asText());
        assertEquals("[{\"endpoint\":\"10.244.1.50:5432\",\"pod\":\"payments/ledger-0\",\"masqueraded\":false}]", svc.get("before").toString());
        JsonNode changes = new ObjectMapper().readTree(j.out()).get("sections");
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

    /** The replicas of a workload whose policy changed alike are one row, naming them, not one row per pod. */
    @Test
    void aWorkloadsPodsWhosePolicyChangedAlikeAreOneRow() throws IOException {
        Sides d = diff(t -> t.replace("        - {port: 8080}", "        - {port: 8081}"), DiffCommand.EXIT_CHANGES);
        Path a = d.a();
        Path b = d.b();
        CliRunner r = d.r();
        assertTrue(r.out().contains("\nchanged pods' policy of Deployment/web in storefront: storefront/web-0, storefront/web-1, storefront/web-2\n"
                + "  - policy <the 3 pods of Deployment/web in storefront> ingress-isolated egress-isolated\n"
                + "  - ingress from <anywhere> ports TCP/8080,TCP/8443 (storefront/web-open)\n"), r.out());
        assertTrue(r.out().contains("  + ingress from <anywhere> ports TCP/8081,TCP/8443 (storefront/web-open)\n"), r.out());
        assertTrue(r.out().endsWith(" traffic rows, 2 plan changes\n"), "the policy and its pods: " + r.out());
        JsonNode row = new ObjectMapper().readTree(CliRunner.run("diff", a.toString(), b.toString(), "--format", "json").out()).get("sections").get(1);
        assertTrue(row.get("node").isNull(), "its pods are on two nodes: " + row);
    }

    /** An annotation netc honours changes what the ingress controller serves: its virtual host's section says how. */
    @Test
    void anIngressAnnotationShowsInItsVirtualHost() throws IOException {
        CliRunner r = diff(t -> t.replace("  name: shop\n  namespace: storefront\nspec:",
                "  name: shop\n  namespace: storefront\n  annotations:\n    nginx.ingress.kubernetes.io/ssl-redirect: \"false\"\nspec:"),
                DiffCommand.EXIT_CHANGES).r();
        assertTrue(r.out().contains("changed ingress-host shop.example.com\n  - ingress-host shop.example.com certificate=storefront/shop-tls ssl-redirect\n"),
                r.out());
        assertTrue(r.out().contains("  + ingress-host shop.example.com certificate=storefront/shop-tls\n"), r.out());
    }

    /**
     * Files that differ although no plan section does are still a change, naming them, so exit 0 always means the same
     * files: here the plan's certificate swapped behind the model's back, which plan.txt (printing the model's) cannot see.
     */
    @Test
    void outputThatChangedWithoutAPlanSectionIsStillAChange() {
        dev.netc.compiler.Compiler.Result r = new dev.netc.compiler.Compiler().compile(new dev.netc.compiler.InputLoader(
                new java.io.ByteArrayInputStream(new byte[0])).load(List.of(CompileCommandTest.SHOP.toString()), new dev.netc.ir.Diagnostics()));
        dev.netc.ir.plan.NetworkPlan a = r.plan().orElseThrow();
        dev.netc.ir.plan.IngressPlan i = a.ingress();
        List<dev.netc.ir.plan.IngressPlan.Certificate> swapped = i.certificates().stream()
                .map(c -> new dev.netc.ir.plan.IngressPlan.Certificate(c.secret(), c.certificatePem() + "\n", c.privateKeyPem())).toList();
        dev.netc.ir.plan.NetworkPlan b = a.withIngress(new dev.netc.ir.plan.IngressPlan(i.hosts(), i.upstreams(), i.defaultUpstream(), swapped));
        assertEquals(List.of(), dev.netc.backends.plan.PlanSections.changes(
                dev.netc.backends.plan.PlanSections.of(new dev.netc.backends.plan.PlanDumpBackend().emit(a, java.util.Set.of()).get(0).text()),
                dev.netc.backends.plan.PlanSections.of(new dev.netc.backends.plan.PlanDumpBackend().emit(b, java.util.Set.of()).get(0).text())));
        List<dev.netc.backends.plan.PlanSections.Change> out = DiffCommand.unexplained(a, b);
        assertEquals(1, out.size(), out.toString());
        assertEquals("output that no plan section shows", out.get(0).key());
        assertTrue(out.get(0).after().stream().anyMatch(l -> l.startsWith("ingress/storefront.shop-tls-") && l.contains(".crt sha256=")), out.toString());
        assertEquals(List.of(), DiffCommand.unexplained(a, a));
    }

    @Test
    void aScaledDeploymentAddsItsReplicaAndItsEndpoints() throws IOException {
        CliRunner r = diff(t -> t.replace("name: web\n  namespace: storefront\nspec:\n  replicas: 3",
                "name: web\n  namespace: storefront\nspec:\n  replicas: 4"), DiffCommand.EXIT_CHANGES).r();
        assertTrue(r.out().contains("\nadded pod storefront/web-3\n"), r.out());
        assertTrue(r.out().contains("\nchanged service-plan storefront/web:http TCP IPv4\n"), r.out());
        assertTrue(r.out().contains("\nchanged workload Deployment storefront/web\n  - workload Deployment storefront/web replicas=3 "), r.out());
    }

    @Test
    void aSideWithErrorsIsNamedWithItsPositions() throws IOException {
        Sides d = diff(t -> t.replace("kind: NetworkPolicy", "kind: NetworkPolicy\nspec: {}"), DiffCommand.EXIT_SIDE_ERRORS);
        Path a = d.a();
        Path b = d.b();
        CliRunner r = d.r();
        assertTrue(r.err().startsWith("HEAD: " + b), r.err());
        assertTrue(r.err().contains("error[NETC"), r.err());
        assertTrue(r.err().contains("netc diff: HEAD (" + b + ") has errors"), r.err());
        assertEquals("", r.out());
    }

    /** A repository of two commits on two branches, made with JGit: the shop, then its ledger port changed. */
    Path repository() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path shop = Files.createDirectories(repo.resolve("shop"));
        try (Stream<Path> s = Files.list(CompileCommandTest.SHOP)) {
            for (Path f : s.sorted().toList()) Files.copy(f, shop.resolve(f.getFileName()));
        }
        try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("shop").setAuthor("a", "a@example.com").setCommitter("a", "a@example.com").setSign(false).call();
            git.checkout().setCreateBranch(true).setName("feature").call();
            Path policies = shop.resolve("policies.yaml");
            Files.writeString(policies, Files.readString(policies).replace("- {port: 5432}", "- {port: 5433}"));
            git.commit().setAll(true).setMessage("port").setAuthor("a", "a@example.com").setCommitter("a", "a@example.com").setSign(false).call();
        }
        return repo;
    }

    @Test
    void gitRevisionsAreReadFromTheRepositoryWithoutACheckout() throws Exception {
        Path repo = repository();
        String before = Files.readString(repo.resolve("shop/policies.yaml"));
        CliRunner r = CliRunner.run("diff", "-C", repo.toString(), "--git", "main..feature", "shop");
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("\n\nchanged networkpolicy payments/ledger-from-api\n"), r.out());
        assertTrue(r.out().contains("(shop/policies.yaml@main:40:7) -> NetworkPolicy/payments/default-deny-ingress (shop/policies.yaml@feature:2:1)"), r.out());
        assertTrue(r.out().contains("  origins: shop/policies.yaml@main:31:1, shop/policies.yaml@main:40:7 -> shop/policies.yaml@feature:31:1,"),
                r.out());
        assertTrue(r.out().endsWith("\n3 traffic rows, 3 plan changes\n"), r.out());
        assertEquals(before, Files.readString(repo.resolve("shop/policies.yaml")), "the working tree is untouched");
        assertEquals(0, CliRunner.run("diff", "-C", repo.toString(), "--git", "main..main").exit(), "a revision against itself");

        // one revision: its merge base with HEAD (main's commit) against the working tree, which changed again
        Path policies = repo.resolve("shop/policies.yaml");
        Files.writeString(policies, before.replace("- {port: 5433}", "- {port: 5434}"));
        CliRunner wt = CliRunner.run("diff", "-C", repo.toString(), "--git", "main", "shop");
        assertEquals(DiffCommand.EXIT_CHANGES, wt.exit(), wt.out() + wt.err());
        assertTrue(wt.out().contains("  + ingress from same-namespace pods(app=payments-api) ports TCP:5434\n"), wt.out());
        assertTrue(wt.out().contains("-> " + policies + ":31:1"), "the working tree's own files: " + wt.out());
    }

    @Test
    void gitOutsideARepositoryOrWithAnUnknownRevisionIsOneClearLine() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        CliRunner outside = CliRunner.run("diff", "-C", plain.toString(), "--git", "main");
        assertEquals(Netc.EXIT_USAGE, outside.exit());
        assertEquals("netc diff: --git: " + plain + " is not in a Git repository\n", outside.err());
        Path repo = repository();
        CliRunner unknown = CliRunner.run("diff", "-C", repo.toString(), "--git", "main..nosuch");
        assertEquals(Netc.EXIT_USAGE, unknown.exit());
        assertEquals("netc diff: --git: unknown revision \"nosuch\"\n", unknown.err());
    }

    @Test
    void markdownIsASummaryThenASectionPerAreaAndIsCutWithANotice() throws IOException {
        Path a = shop("a", t -> t);
        Path b = shop("b", t -> t.replace("- {port: 5432}", "- {port: 5433}"));
        CliRunner r = CliRunner.run("diff", a.toString(), b.toString(), "--format", "md");
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.err());
        String md = r.out();
        assertTrue(md.startsWith("<!-- netc diff -->\n## netc diff: 3 traffic rows, 3 plan changes\n\n"
                + "| traffic | rows | now reaches | no longer reaches |\n|---|---:|---:|---:|\n| Service cluster IPs | 1 | 0 | 1 |\n"
                + "| pods and addresses | 2 | 1 | 1 |\n\n| area | added | removed | changed |\n|---|---:|---:|---:|\n"
                + "| model objects | 0 | 0 | 1 |\n| pods' policy on node n1 | 0 | 0 | 1 |\n| pods' policy on node n2 | 0 | 0 | 1 |\n"), md);
        assertTrue(md.contains("<details><summary>pods' policy on node n1: 1 change</summary>\n\n**changed** `node-plan n1 policy payments/ledger-0`\n\n```diff\n- policy payments/ledger-0 "),
                md);
        assertTrue(md.contains("\n+ ingress from same-namespace pods(app=payments-api) ports TCP:5433\n```\n"), md);
        assertTrue(!md.contains("Truncated"), md);

        // a comment holds at most so many characters: the changes that fit, then the notice
        List<dev.netc.backends.plan.PlanSections.Change> changes = dev.netc.backends.plan.PlanSections.changes(
                dev.netc.backends.plan.PlanSections.of(Files.readString(compile(a).resolve("plan.txt"))),
                dev.netc.backends.plan.PlanSections.of(Files.readString(compile(b).resolve("plan.txt"))));
        String cut = DiffCommand.markdown(List.of(), changes, 1200);
        assertTrue(cut.length() <= 1200, cut.length() + "\n" + cut);
        assertTrue(cut.endsWith("rows and changes shown (a comment holds at most 65536 characters); `netc diff` prints them all.\n"), cut);
        assertTrue(cut.contains("**Truncated:** 1 of 3 rows and changes shown"), cut);
        String sections = DiffCommand.markdown(List.of(), changes, DiffCommand.MAX_MARKDOWN);
        assertTrue(md.endsWith(sections.substring(sections.indexOf("<details>"))), "the same sections, the same Markdown after the rows");
        assertTrue(md.contains("<details><summary>pods and addresses: 2 rows</summary>\n\n| from | to | traffic | before | after | origins |\n"
                + "|---|---|---|---|---|---|\n| pods payments/api-0, payments/api-1 | pods payments/ledger-0, payments/ledger-1 | TCP/5432 IPv4 | allowed | denied |"), md);
    }

    Path compile(Path in) {
        Path out = tmp.resolve("out-" + in.getFileName());
        assertEquals(0, CliRunner.run("compile", in.toString(), "-o", out.toString(), "--backend", "plan").exit());
        return out;
    }
}
