package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --strict} makes unknown fields errors; an input without Kubernetes objects fails unless {@code --allow-empty}. */
class StrictAndEmptyTest {
    @TempDir
    Path tmp;

    private static final String TYPO = """
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selecter: {app: web}
              ports: [{port: 80, targetPrt: 8080}]
            """;

    @Test
    void anUnknownFieldIsAWarningAndUnderStrictAnError() throws IOException {
        Path in = Files.writeString(tmp.resolve("svc.yaml"), TYPO);
        CliRunner lax = CliRunner.run("compile", in.toString(), "-o", tmp.resolve("a").toString());
        assertEquals(0, lax.exit(), lax.err());
        assertTrue(lax.err().contains("svc.yaml:5:3: warning[NETC080]: unknown field \"selecter\", did you mean"
                + " \"selector\"?"), lax.err());
        assertTrue(lax.err().contains("svc.yaml:6:22: warning[NETC080]: unknown field \"targetPrt\", did you mean"
                + " \"targetPort\"?"), lax.err());

        Path out = tmp.resolve("b");
        CliRunner strict = CliRunner.run("compile", "--strict", in.toString(), "-o", out.toString());
        assertEquals(1, strict.exit(), strict.err());
        assertTrue(strict.err().contains("svc.yaml:5:3: error[NETC080]: unknown field \"selecter\""), strict.err());
        assertFalse(Files.exists(out), "nothing is written under --strict when a warning became an error");
    }

    @Test
    void anEmptyInputIsAnErrorUnlessAllowed() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.yaml"), "# helm template printed nothing\n---\n");
        Path out = tmp.resolve("out");
        CliRunner r = CliRunner.run("compile", empty.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("error[NETC083]: no Kubernetes objects in the input"), r.err());
        assertFalse(Files.exists(out));

        Path dir = Files.createDirectory(tmp.resolve("nothing"));
        CliRunner d = CliRunner.run("compile", dir.toString(), "-o", out.toString());
        assertEquals(1, d.exit(), d.err());
        assertTrue(d.err().contains("error[NETC083]: no Kubernetes objects in the input"), d.err());

        CliRunner allowed = CliRunner.run("compile", "--allow-empty", empty.toString(), "-o", out.toString());
        assertEquals(0, allowed.exit(), allowed.err());
        assertTrue(Files.exists(out.resolve("netc-manifest.json")));
    }

    @Test
    void anEmptyKubectlListIsEmptyToo() throws IOException {
        Path in = Files.writeString(tmp.resolve("dump.yaml"), "apiVersion: v1\nkind: List\nitems: []\n");
        CliRunner r = CliRunner.run("compile", in.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("error[NETC083]"), r.err());
    }
}
