package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.ManifestSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netc keygen}, {@code netc compile --sign KEY} and {@code netc apply --verify-key PUB}: the signature
 * is deterministic and does not change any other byte of OUT; a missing, wrong or stale signature is refused
 * (exit 5) before anything else happens. (Applying a signed OUT on a node: e2e TamperedOutTest.)
 */
class SignCommandTest {
    static final Path MINIMAL = Path.of("..", "samples", "minimal");

    @TempDir
    Path tmp;

    static Map<String, byte[]> tree(Path root) throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return m;
    }

    @Test
    void signedOutputIsTheUnsignedOnePlusADeterministicSignature() throws Exception {
        Path key = tmp.resolve("k/netc.key");
        Path pub = tmp.resolve("k/netc.pub");
        CliRunner kg = CliRunner.run("keygen", "--private", key.toString(), "--public", pub.toString());
        assertEquals(0, kg.exit(), kg.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertTrue(Files.readString(key).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----\n"));
        assertEquals(2, CliRunner.run("keygen", "--private", key.toString(), "--public", pub.toString()).exit(), "never overwrites");

        Path plain = tmp.resolve("plain");
        Path s1 = tmp.resolve("s1");
        Path s2 = tmp.resolve("s2");
        assertEquals(0, CliRunner.run("compile", MINIMAL.toString(), "-o", plain.toString()).exit());
        CliRunner c = CliRunner.run("compile", MINIMAL.toString(), "-o", s1.toString(), "--sign", key.toString());
        assertEquals(0, c.exit(), c.err());
        assertEquals(0, CliRunner.run("compile", MINIMAL.toString(), "-o", s2.toString(), "--sign", key.toString()).exit());
        Map<String, byte[]> signed = tree(s1);
        byte[] sig = signed.remove(ManifestSignature.FILE);
        Map<String, byte[]> unsigned = tree(plain);
        assertEquals(unsigned.keySet(), signed.keySet());
        for (String f : unsigned.keySet()) assertArrayEquals(unsigned.get(f), signed.get(f), f);
        assertArrayEquals(sig, Files.readAllBytes(s2.resolve(ManifestSignature.FILE)), "Ed25519 is deterministic");
        assertTrue(ManifestSignature.verify(ManifestSignature.readPublic(pub), signed.get("netc-manifest.json"), sig));
        assertFalse(Files.readString(s1.resolve("netc-manifest.json")).contains(ManifestSignature.FILE), "the manifest does not list it");
    }

    @Test
    void applyRefusesAMissingWrongOrStaleSignature() throws Exception {
        Path key = tmp.resolve("netc.key");
        Path pub = tmp.resolve("netc.pub");
        Path otherKey = tmp.resolve("other.key");
        Path otherPub = tmp.resolve("other.pub");
        assertEquals(0, CliRunner.run("keygen", "--private", key.toString(), "--public", pub.toString()).exit());
        assertEquals(0, CliRunner.run("keygen", "--private", otherKey.toString(), "--public", otherPub.toString()).exit());
        Path unsigned = tmp.resolve("unsigned");
        Path signed = tmp.resolve("signed");
        assertEquals(0, CliRunner.run("compile", MINIMAL.toString(), "-o", unsigned.toString()).exit());
        assertEquals(0, CliRunner.run("compile", MINIMAL.toString(), "-o", signed.toString(), "--sign", key.toString()).exit());
        String state = tmp.resolve("state").toString();
        String node = "node-1";

        CliRunner missing = CliRunner.run("apply", "--node", node, "--state-dir", state, "--verify-key", pub.toString(), unsigned.toString());
        assertEquals(5, missing.exit(), missing.err());
        assertTrue(missing.err().contains("no signature"), missing.err());

        CliRunner wrong = CliRunner.run("apply", "--node", node, "--state-dir", state, "--verify-key", otherPub.toString(), signed.toString());
        assertEquals(5, wrong.exit(), wrong.err());
        assertTrue(wrong.err().contains("not a valid signature"), wrong.err());

        Path manifest = signed.resolve("netc-manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replaceFirst("\"nodes\" : \\[", "\"nodes\" : [ \"intruder\","));
        CliRunner stale = CliRunner.run("apply", "--node", node, "--state-dir", state, "--verify-key", pub.toString(), signed.toString());
        assertEquals(5, stale.exit(), stale.err());
        assertTrue(stale.err().contains("not a valid signature"), stale.err());

        CliRunner notAKey = CliRunner.run("apply", "--node", node, "--state-dir", state, "--verify-key", key.toString(), signed.toString());
        assertEquals(2, notAKey.exit(), "a private key is not a public key: " + notAKey.err());
        assertFalse(Files.exists(Path.of(state)), "nothing was touched, not even the state directory");
    }

    @Test
    void anOpensslKeyIsUsable() throws Exception {
        Path key = tmp.resolve("o.key");
        Path pub = tmp.resolve("o.pub");
        Process g = new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString()).redirectErrorStream(true).start();
        if (g.waitFor() != 0) throw new AssertionError("openssl genpkey: " + new String(g.getInputStream().readAllBytes()));
        Process p = new ProcessBuilder("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString()).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor());
        Path out = tmp.resolve("out");
        CliRunner c = CliRunner.run("compile", MINIMAL.toString(), "-o", out.toString(), "--sign", key.toString());
        assertEquals(0, c.exit(), c.err());
        byte[] manifest = Files.readAllBytes(out.resolve("netc-manifest.json"));
        assertTrue(ManifestSignature.verify(ManifestSignature.readPublic(pub), manifest, Files.readAllBytes(out.resolve(ManifestSignature.FILE))));
        // and openssl verifies netc's signature
        Path raw = tmp.resolve("sig.bin");
        Files.write(raw, java.util.Base64.getDecoder().decode(Files.readString(out.resolve(ManifestSignature.FILE)).strip()));
        Process v = new ProcessBuilder(List.of("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub.toString(), "-rawin",
                "-in", out.resolve("netc-manifest.json").toString(), "-sigfile", raw.toString())).redirectErrorStream(true).start();
        String said = new String(v.getInputStream().readAllBytes());
        assertEquals(0, v.waitFor(), said);
        CliRunner bad = CliRunner.run("compile", MINIMAL.toString(), "-o", tmp.resolve("x").toString(), "--sign", pub.toString());
        assertEquals(2, bad.exit(), bad.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
