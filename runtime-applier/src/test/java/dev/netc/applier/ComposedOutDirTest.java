package dev.netc.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node file composed of parts: the applier gets the composed bytes under the node file's path, after every part
 * and the composition were checked; a part changed, a part from another node's folder, or a composition that does
 * not give the listed digest is refused.
 */
class ComposedOutDirTest {
    static final String SHARED = "shared/nftables/0123456789abcdef.nft";
    static final String OWN = "nodes/n1/nftables.node.nft";
    static final String OTHER = "nodes/n2/nftables.node.nft";
    static final String SHARED_TEXT = "table ip netc {\n}\n";
    static final String OWN_TEXT = "table ip netc {\n\tchain x {\n\t}\n}\n";

    static String entry(String path, String node, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return "{\"path\":\"" + path + "\",\"backend\":\"nftables\"" + (node.isEmpty() ? "" : ",\"node\":\"" + node + "\"")
                + ",\"sha256\":\"" + Artifact.sha256(b) + "\",\"size\":" + b.length + "}";
    }

    /** OUT with the shared part, n1's and n2's parts, and n1's file composed of {@code parts} giving {@code composed}. */
    static Path out(Path dir, List<String> parts, String composed) throws Exception {
        Files.createDirectories(dir.resolve("shared/nftables"));
        Files.createDirectories(dir.resolve("nodes/n1"));
        Files.createDirectories(dir.resolve("nodes/n2"));
        Files.writeString(dir.resolve(SHARED), SHARED_TEXT);
        Files.writeString(dir.resolve(OWN), OWN_TEXT);
        Files.writeString(dir.resolve(OTHER), OWN_TEXT);
        byte[] c = composed.getBytes(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("netc-manifest.json"), "{\"format\":\"netc.dev/manifest/v1\",\"model\":\"m\",\"nodes\":[\"n1\",\"n2\"],"
                + "\"artifacts\":[" + entry(SHARED, "", SHARED_TEXT) + "," + entry(OWN, "n1", OWN_TEXT) + "," + entry(OTHER, "n2", OWN_TEXT)
                + "],\"composed\":[{\"path\":\"nodes/n1/nftables.nft\",\"backend\":\"nftables\",\"node\":\"n1\",\"sha256\":\""
                + Artifact.sha256(c) + "\",\"size\":" + c.length + ",\"parts\":[" + String.join(",", parts.stream().map(p -> "\"" + p + "\"").toList())
                + "]}]}");
        return dir;
    }

    @Test
    void theComposedBytesAreTheNodeFile(@TempDir Path dir) throws Exception {
        Bundle b = OutDir.read(out(dir, List.of(SHARED, OWN), SHARED_TEXT + OWN_TEXT)).select("n1", BackendKind.NFTABLES);
        assertEquals(1, b.artifacts().size(), "the parts are not artifacts of their own");
        assertEquals("nodes/n1/nftables.nft", b.artifacts().get(0).path());
        assertEquals(SHARED_TEXT + OWN_TEXT, b.artifacts().get(0).text());
    }

    @Test
    void aChangedPartIsRefused(@TempDir Path dir) throws Exception {
        Path out = out(dir, List.of(SHARED, OWN), SHARED_TEXT + OWN_TEXT);
        Files.writeString(out.resolve(SHARED), SHARED_TEXT.replace("netc", "nets"));
        ApplyException e = assertThrows(ApplyException.class, () -> OutDir.read(out).select("n1", BackendKind.NFTABLES));
        assertTrue(e.getMessage().contains(SHARED), e.getMessage());
    }

    @Test
    void aCompositionThatDoesNotGiveTheListedDigestIsRefused(@TempDir Path dir) throws Exception {
        // every part as listed, but composed in another order than the one the digest was taken of
        Path out = out(dir, List.of(OWN, SHARED), SHARED_TEXT + OWN_TEXT);
        ApplyException e = assertThrows(ApplyException.class, () -> OutDir.read(out).select("n1", BackendKind.NFTABLES));
        assertTrue(e.getMessage().contains("its parts compose to sha256"), e.getMessage());
    }

    @Test
    void anotherNodesPartIsRefused(@TempDir Path dir) throws Exception {
        Path out = out(dir, List.of(SHARED, OTHER), SHARED_TEXT + OWN_TEXT);
        ApplyException e = assertThrows(ApplyException.class, () -> OutDir.read(out).select("n1", BackendKind.NFTABLES));
        assertTrue(e.getMessage().contains("neither node n1's nor shared"), e.getMessage());
    }
}
