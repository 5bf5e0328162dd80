package dev.netc.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OutDir opens only regular files inside OUT, of the size the manifest gives, and refuses the rest fast. */
class OutDirTest {
    static final String FILE = "nodes/n1/nftables.nft";
    static final String TEXT = "table ip netc {\n}\n";

    /** OUT with a manifest listing {@link #FILE} as {@link #TEXT}; the file itself is left to the test. */
    static Path out(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("nodes/n1"));
        byte[] b = TEXT.getBytes(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("netc-manifest.json"), "{\"format\":\"netc.dev/manifest/v1\",\"model\":\"m\",\"nodes\":[\"n1\"],"
                + "\"artifacts\":[{\"path\":\"" + FILE + "\",\"backend\":\"nftables\",\"node\":\"n1\",\"sha256\":\"" + Artifact.sha256(b)
                + "\",\"size\":" + b.length + "}]}");
        return dir;
    }

    static ApplyException refused(Path out) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(ApplyException.class,
                () -> OutDir.read(out).select("n1", BackendKind.NFTABLES)));
    }

    @Test
    void aRegularFileOfTheListedSizeIsRead(@TempDir Path dir) throws Exception {
        Path out = out(dir);
        Files.writeString(out.resolve(FILE), TEXT);
        assertEquals(TEXT, OutDir.read(out).select("n1", BackendKind.NFTABLES).artifacts().get(0).text());
    }

    @Test
    void aFifoIsRefusedWithoutBeingOpened(@TempDir Path dir) throws Exception {
        Path out = out(dir);
        assertEquals(0, new ProcessBuilder("mkfifo", out.resolve(FILE).toString()).start().waitFor());
        ApplyException e = refused(out);
        assertEquals(ExitCode.REFUSED, e.exitCode());
        assertTrue(e.getMessage().contains("not a regular file (a FIFO, socket or device)"), e.getMessage());
    }

    @Test
    void symlinksAreRefused(@TempDir Path dir) throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.nft"), TEXT);
        for (Path target : List.of(Path.of("/dev/zero"), outside, Path.of("../../../outside.nft"))) {
            Path out = out(dir.resolve("out-" + Math.abs(target.hashCode())));
            Files.createSymbolicLink(out.resolve(FILE), target);
            ApplyException e = refused(out);
            assertEquals(ExitCode.REFUSED, e.exitCode());
            assertTrue(e.getMessage().contains("is a symbolic link (to " + target + ")"), e.getMessage());
        }
        // a folder on the way that is a link out of OUT
        Path out = dir.resolve("linked");
        Files.createDirectories(out);
        out(dir.resolve("real"));
        Files.writeString(dir.resolve("real").resolve(FILE), TEXT);
        Files.copy(dir.resolve("real/netc-manifest.json"), out.resolve("netc-manifest.json"));
        Files.createSymbolicLink(out.resolve("nodes"), dir.resolve("real/nodes"));
        assertTrue(refused(out).getMessage().contains("nodes is a symbolic link"));
        // the manifest itself
        Path m = dir.resolve("manifest-link");
        Files.createDirectories(m);
        Files.createSymbolicLink(m.resolve("netc-manifest.json"), Path.of("/dev/zero"));
        assertTrue(refused(m).getMessage().contains("symbolic link"));
    }

    @Test
    void aDeviceIsRefused(@TempDir Path dir) throws Exception {
        Path out = out(dir);
        assertEquals(0, new ProcessBuilder("mknod", out.resolve(FILE).toString(), "c", "1", "5").start().waitFor());
        assertTrue(refused(out).getMessage().contains("not a regular file"));
    }

    @Test
    void aFileLargerThanListedIsRefusedBeforeItIsRead(@TempDir Path dir) throws Exception {
        Path out = out(dir);
        try (var ch = java.nio.channels.FileChannel.open(out.resolve(FILE), java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(TEXT.getBytes(StandardCharsets.UTF_8)));
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 8L << 30); // a sparse 8 GiB file
        }
        ApplyException e = refused(out);
        assertEquals(ExitCode.REFUSED, e.exitCode());
        assertTrue(e.getMessage().contains("does not match the manifest's " + TEXT.length()), e.getMessage());
    }

    @Test
    void anAbsurdListedSizeIsRefused(@TempDir Path dir) throws Exception {
        Path out = out(dir);
        Files.writeString(out.resolve("netc-manifest.json"), Files.readString(out.resolve("netc-manifest.json"))
                .replace("\"size\":" + TEXT.length(), "\"size\":99999999999999"));
        ApplyException e = assertThrows(ApplyException.class, () -> OutDir.read(out));
        assertEquals(ExitCode.REFUSED, e.exitCode());
    }

    @Test
    void aReHashedFileOfNulBytesIsRefusedAsNotText(@TempDir Path dir) throws Exception {
        // The manifest re-hashed for a 64 MiB file of NUL bytes: the digest matches, the content is no artifact.
        Path out = dir;
        Files.createDirectories(out.resolve("nodes/n1"));
        byte[] zeros = new byte[64 << 20];
        Files.write(out.resolve(FILE), zeros);
        Files.writeString(out.resolve("netc-manifest.json"), "{\"format\":\"netc.dev/manifest/v1\",\"model\":\"m\",\"nodes\":[\"n1\"],"
                + "\"artifacts\":[{\"path\":\"" + FILE + "\",\"backend\":\"nftables\",\"node\":\"n1\",\"sha256\":\"" + Artifact.sha256(zeros)
                + "\",\"size\":" + zeros.length + "}]}");
        ApplyException e = refused(out);
        assertEquals(ExitCode.REFUSED, e.exitCode());
        assertTrue(e.getMessage().contains("holds a NUL byte at offset 0"), e.getMessage());
    }
}
