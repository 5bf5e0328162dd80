package dev.netc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A folder laid out like a real repository compiles: what is not a manifest is skipped with a note. */
class RepositoryFolderTest {
    @TempDir
    Path tmp;

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            """;

    private void write(String relative, String text) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private record Loaded(List<InputSource> sources, Compiler.Result result, List<Diagnostic> all) {
    }

    private Loaded load(String... args) {
        Diagnostics d = new Diagnostics();
        List<InputSource> sources = new InputLoader(new ByteArrayInputStream(new byte[0])).load(List.of(args), d);
        Compiler.Result r = new Compiler().compile(sources);
        List<Diagnostic> all = new ArrayList<>(d.sorted());
        all.addAll(r.diagnostics());
        return new Loaded(sources, r, all);
    }

    private String rel(InputSource s) {
        return tmp.relativize(Path.of(s.path())).toString();
    }

    @Test
    void aRepositoryWithChartValuesPackageKustomizeAndCiFilesCompiles() throws IOException {
        write("deploy/service.yaml", SERVICE);
        write("deploy/deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """);
        write("Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
        write("values.yaml", "replicaCount: 1\nimage: {repository: nginx}\n");
        write("package.json", "{\"name\": \"web\", \"version\": \"1.0.0\"}\n");
        write("deploy/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [service.yaml, deployment.yaml]
                patches:
                  - path: replicas-patch.yaml
                patchesStrategicMerge: [probe-patch.yaml]
                """);
        // Partial objects: each fails as a manifest (a Deployment without selector or template).
        write("deploy/replicas-patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                + "spec: {replicas: 3}\n");
        write("deploy/probe-patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                + "spec: {template: {spec: {containers: [{name: web, readinessProbe: {}}]}}}\n");
        write(".github/workflows/ci.yml", "on: [push]\njobs: {build: {runs-on: ubuntu-latest, steps: [{run: \"${{ x }}\"}]}}\n");
        write(".hidden/broken.yaml", "kind: [\n");
        write(".netcignore", "# drafts and old stuff\nlegacy/\n*.draft.yaml\n!keep.draft.yaml\n/top-only.yaml\n");
        write("legacy/old.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\n");
        write("deploy/new.draft.yaml", "not: [valid\n");
        write("deploy/keep.draft.yaml", SERVICE.replace("name: web", "name: kept"));
        write("top-only.yaml", "broken: [\n");
        write("deploy/top-only.yaml", SERVICE.replace("name: web", "name: nested"));

        Loaded l = load(tmp.toString());
        assertTrue(l.result().ok(), l.all().toString());
        assertEquals(List.of("Chart.yaml", "deploy/deployment.yaml", "deploy/keep.draft.yaml", "deploy/service.yaml",
                "deploy/top-only.yaml", "package.json", "values.yaml"), l.sources().stream().map(this::rel).toList());
        List<String> notes = l.all().stream().map(d -> tmp.relativize(Path.of(d.pos().file())) + ": "
                + d.severity().label() + "[" + d.code().name() + "]: " + d.message()).sorted().toList();
        assertEquals(List.of(
                "Chart.yaml: note[NETC081]: not a Kubernetes object (no apiVersion and kind): file skipped",
                "deploy/kustomization.yaml: note[NETC082]: kustomization skipped: " + InputLoader.RENDERED,
                "deploy/probe-patch.yaml: note[NETC082]: kustomize patch skipped: " + InputLoader.RENDERED,
                "deploy/replicas-patch.yaml: note[NETC082]: kustomize patch skipped: " + InputLoader.RENDERED,
                "package.json: note[NETC081]: not a Kubernetes object (no apiVersion and kind): file skipped",
                "values.yaml: note[NETC081]: not a Kubernetes object (no apiVersion and kind): file skipped"),
                notes);
    }

    @Test
    void aFileNamedOnTheCommandLineThatIsNoObjectIsStillAnError() throws IOException {
        write("values.yaml", "replicaCount: 1\n");
        Loaded l = load(tmp.resolve("values.yaml").toString());
        assertFalse(l.result().ok());
        assertEquals(List.of(DiagnosticCode.NETC007), l.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void aFileMixingObjectsAndOtherDocumentsIsStillAnError() throws IOException {
        write("m/all.yaml", SERVICE + "---\nreplicaCount: 1\n");
        Loaded l = load(tmp.resolve("m").toString());
        assertFalse(l.result().ok());
        assertEquals(List.of(DiagnosticCode.NETC007), l.all().stream().map(Diagnostic::code).toList());
    }

    @Test
    void anInvalidIgnorePatternIsWarnedAtItsLine() throws IOException {
        write(".netcignore", "ok.yaml\n[z-a].yaml\n");
        write("svc.yaml", SERVICE);
        Loaded l = load(tmp.toString());
        assertTrue(l.result().ok());
        assertEquals(List.of(".netcignore:2:1: warning[NETC084]: invalid pattern: it matches nothing"),
                l.all().stream().map(d -> tmp.relativize(Path.of(d.pos().file())) + ":" + d.pos().line() + ":"
                        + d.pos().column() + ": " + d.severity().label() + "[" + d.code().name() + "]: "
                        + d.message()).toList());
    }

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
            "'*.yaml', a.yaml, false, true",
            "'*.yaml', dir/a.yaml, false, true",
            "'/a.yaml', dir/a.yaml, false, ",
            "'/a.yaml', a.yaml, false, true",
            "'dir/', dir, true, true",
            "'dir/', dir, false, ",
            "'a/*.yaml', a/b/c.yaml, false, ",
            "'a/**/c.yaml', a/b/x/c.yaml, false, true",
            "'a/**/c.yaml', a/c.yaml, false, true",
            "'**/c.yaml', x/y/c.yaml, false, true",
            "'a/**', a/b/c, false, true",
            "'file?.yml', file1.yml, false, true",
            "'file[0-9].yml', file7.yml, false, true",
            "'file[!0-9].yml', file7.yml, false, ",
            "'\\#x.yaml', '#x.yaml', false, true",
            "'# comment', '# comment', false, "})
    void gitignoreSyntax(String pattern, String path, boolean dir, Boolean expected) {
        assertEquals(expected, IgnoreRules.parse(pattern).ignored(path, dir));
    }

    @Test
    void theLastMatchingRuleWins() {
        IgnoreRules r = IgnoreRules.parse("*.yaml\n!keep.yaml\n");
        assertEquals(Boolean.TRUE, r.ignored("a.yaml", false));
        assertEquals(Boolean.FALSE, r.ignored("keep.yaml", false));
    }
}
