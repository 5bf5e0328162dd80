package dev.netc.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled output folder read through its {@code netc-manifest.json}: every artifact the applier installs
 * is listed there with its node, backend, size and sha256, and is checked against it before anything is
 * planned. A file that does not verify, or that belongs to another node, is refused.
 *
 * <p>Only regular files are opened, and only through folders that are not symbolic links: a symlink (to
 * {@code /dev/zero}, out of OUT, or anywhere), a FIFO or a device in OUT is refused from its {@code lstat},
 * before it is opened. The size is checked before the file is read, and at most the declared size plus one
 * byte is read, so a file that grows or lies about its size cannot make the applier read without end.
 */
public record OutDir(Path root, String model, List<String> nodes, List<Entry> entries, List<Composed> composed) {
    public static final String MANIFEST = "netc-manifest.json";
    public static final String FORMAT = "netc.dev/manifest/v1";
    /** The largest manifest read (a 10k-Service output's manifest is a few kB). */
    public static final long MAX_MANIFEST = 16L << 20;
    /** The largest artifact read (a 10k-Service nftables.nft is about 20 MB). */
    public static final long MAX_ARTIFACT = 512L << 20;

    /** One artifact as the manifest lists it; {@code node} is empty for files every node shares. */
    public record Entry(String path, String backend, String node, String sha256, long size) {
    }

    /**
     * A node file the manifest lists as the concatenation of parts (each an {@link Entry}: the parts every node
     * shares under {@code shared/BACKEND/}, the node's own under {@code nodes/NODE/}), with the sha256 and size of
     * the composed bytes.
     */
    public record Composed(String path, String backend, String node, String sha256, long size, List<String> parts) {
        public Composed {
            parts = List.copyOf(parts);
        }
    }

    public OutDir {
        nodes = List.copyOf(nodes);
        entries = List.copyOf(entries);
        composed = List.copyOf(composed);
    }

    public OutDir(Path root, String model, List<String> nodes, List<Entry> entries) {
        this(root, model, nodes, entries, List.of());
    }

    public static OutDir read(Path root) throws ApplyException {
        return read(root, Optional.empty());
    }

    /**
     * Reads OUT's manifest; with {@code verifyKey}, only when {@code netc-manifest.json.sig} is that key's
     * Ed25519 signature of the manifest's bytes (a missing or wrong signature is refused, exit 5).
     */
    public static OutDir read(Path root, Optional<PublicKey> verifyKey) throws ApplyException {
        Path manifest = root.resolve(MANIFEST);
        JsonNode json;
        try {
            if (!Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(manifest.toString());
            byte[] bytes = readRegular(root, MANIFEST, -1, MAX_MANIFEST);
            if (verifyKey.isPresent()) verifySignature(root, bytes, verifyKey.get());
            json = new ObjectMapper().readTree(bytes);
        } catch (NoSuchFileException e) {
            throw ApplyException.refused(manifest + ": no manifest (is " + root + " a folder written by netc compile?)");
        } catch (IOException e) {
            throw ApplyException.refused(manifest + ": cannot be read: " + e.getMessage());
        }
        if (json == null || !FORMAT.equals(json.path("format").asText())) {
            throw ApplyException.refused(manifest + ": not a netc manifest (format " + FORMAT + " expected)");
        }
        List<String> nodes = new ArrayList<>();
        json.path("nodes").forEach(n -> nodes.add(n.asText()));
        List<Entry> entries = new ArrayList<>();
        for (JsonNode a : json.path("artifacts")) {
            String path = a.path("path").asText("");
            String sha = a.path("sha256").asText("");
            if (path.isEmpty() || sha.isEmpty() || !a.has("size")) {
                throw ApplyException.refused(manifest + ": an artifact entry lacks its path, sha256 or size");
            }
            if (!a.path("size").canConvertToLong() || a.path("size").asLong() < 0 || a.path("size").asLong() > MAX_ARTIFACT) {
                throw ApplyException.refused(manifest + ": " + path + ": size " + a.path("size") + " is not between 0 and " + MAX_ARTIFACT);
            }
            entries.add(new Entry(path, a.path("backend").asText(""), a.path("node").asText(""), sha, a.path("size").asLong()));
        }
        List<Composed> composed = new ArrayList<>();
        for (JsonNode c : json.path("composed")) {
            String path = c.path("path").asText("");
            List<String> parts = new ArrayList<>();
            c.path("parts").forEach(p -> parts.add(p.asText("")));
            if (path.isEmpty() || c.path("sha256").asText("").isEmpty() || !c.path("size").canConvertToLong() || parts.isEmpty()
                    || parts.contains("")) {
                throw ApplyException.refused(manifest + ": a composed entry lacks its path, sha256, size or parts");
            }
            if (c.path("size").asLong() < 0 || c.path("size").asLong() > MAX_ARTIFACT) {
                throw ApplyException.refused(manifest + ": " + path + ": size " + c.path("size") + " is not between 0 and " + MAX_ARTIFACT);
            }
            composed.add(new Composed(path, c.path("backend").asText(""), c.path("node").asText(""), c.path("sha256").asText(),
                    c.path("size").asLong(), parts));
        }
        return new OutDir(root, json.path("model").asText(""), nodes, entries, composed);
    }

    /**
     * The verified artifacts of {@code backend} for {@code node}. Refuses a node this output does not know, an
     * entry whose path leaves OUT or sits in another node's folder, and any file whose size or sha256 differs
     * from the manifest (the output was changed after it was compiled).
     */
    public Bundle select(String node, BackendKind backend) throws ApplyException {
        if (backend.perNode() && !nodes.contains(node)) {
            throw ApplyException.refused("node " + node + " is not in " + root.resolve(MANIFEST) + " (nodes: " + String.join(", ", nodes) + ")");
        }
        List<Artifact> artifacts = new ArrayList<>();
        java.util.Map<String, Entry> byPath = new java.util.HashMap<>();
        java.util.Set<String> parts = new java.util.HashSet<>();
        for (Entry e : entries) byPath.put(e.path(), e);
        for (Composed c : composed) parts.addAll(c.parts());
        for (Entry e : entries) {
            if (!e.backend().equals(backend.id()) || parts.contains(e.path())) continue;
            if (backend.perNode() && !e.node().equals(node)) continue;
            artifacts.add(verified(e, node, backend));
        }
        for (Composed c : composed) {
            if (!c.backend().equals(backend.id()) || !c.node().equals(node)) continue;
            artifacts.add(composed(c, byPath, node, backend));
        }
        if (artifacts.isEmpty()) {
            throw ApplyException.refused("no " + backend.id() + " artifact" + (backend.perNode() ? " for node " + node : "")
                    + " in " + root + " (was it compiled with --backend " + backend.id() + "?)");
        }
        return new Bundle(backend, node, model, artifacts);
    }

    /**
     * A composed node file: each part verified as any artifact (size, sha256, no NUL; in {@code nodes/NODE/} or in the
     * backend's {@code shared/} folder), then the concatenation checked against the composed sha256 and size.
     */
    private Artifact composed(Composed c, java.util.Map<String, Entry> byPath, String node, BackendKind backend) throws ApplyException {
        if (!c.path().startsWith("nodes/" + node + "/") || !Path.of(c.path()).normalize().toString().equals(c.path())) {
            throw ApplyException.refused(c.path() + ": listed for node " + node + " but not in nodes/" + node + "/; refused");
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (String p : c.parts()) {
            Entry e = byPath.get(p);
            if (e == null) throw ApplyException.refused(c.path() + ": part " + p + " is not listed among the artifacts; refused");
            boolean own = p.startsWith("nodes/" + node + "/") && e.node().equals(node);
            boolean shared = p.startsWith("shared/" + backend.id() + "/") && e.node().isEmpty();
            if (!e.backend().equals(backend.id()) || !(own || shared)) {
                throw ApplyException.refused(c.path() + ": part " + p + " is neither node " + node + "'s nor shared by " + backend.id()
                        + "; refused");
            }
            if ((long) bytes.size() + e.size() > MAX_ARTIFACT) {
                throw ApplyException.refused(c.path() + ": its parts hold more than " + MAX_ARTIFACT + " bytes; refused");
            }
            bytes.writeBytes(verifiedBytes(e, node, own ? "nodes/" + node + "/" : "shared/" + backend.id() + "/"));
        }
        Artifact a = new Artifact(c.path(), bytes.toByteArray());
        if (bytes.size() != c.size() || !a.sha256().equals(c.sha256())) {
            throw ApplyException.refused(c.path() + ": its parts compose to sha256 " + Bundle.shortDigest(a.sha256()) + " (" + bytes.size()
                    + " bytes), not the manifest's " + Bundle.shortDigest(c.sha256()) + " (" + c.size()
                    + " bytes): the output was changed after it was compiled; refused");
        }
        return a;
    }

    private Artifact verified(Entry e, String node, BackendKind backend) throws ApplyException {
        return new Artifact(e.path(), verifiedBytes(e, node, backend.perNode() ? "nodes/" + node + "/" : backend.clusterFolder()));
    }

    private byte[] verifiedBytes(Entry e, String node, String expectedPrefix) throws ApplyException {
        Path normalized = Path.of(e.path()).normalize();
        if (normalized.isAbsolute() || normalized.startsWith("..") || !normalized.toString().equals(e.path())) {
            throw ApplyException.refused(e.path() + ": path leaves the output folder; refused");
        }
        if (!e.path().startsWith(expectedPrefix)) {
            throw ApplyException.refused(e.path() + ": listed for node " + node + " but not in " + expectedPrefix + "; refused");
        }
        byte[] content;
        try {
            content = readRegular(root, e.path(), e.size(), MAX_ARTIFACT);
        } catch (IOException ex) {
            throw ApplyException.refused(root.resolve(e.path()) + ": listed in the manifest but cannot be read: " + ex.getMessage());
        }
        // Every artifact netc writes is text (rulesets, nginx.conf, PEM): a NUL byte means it is not one of them,
        // whatever the manifest says, and it is refused before anything parses (or hashes) hundreds of megabytes.
        for (int i = 0; i < content.length; i++) {
            if (content[i] == 0) {
                throw ApplyException.refused(e.path() + ": holds a NUL byte at offset " + i + ": not a text artifact"
                        + " netc writes; refused");
            }
        }
        Artifact a = new Artifact(e.path(), content);
        if (content.length != e.size() || !a.sha256().equals(e.sha256())) {
            throw ApplyException.refused(e.path() + ": sha256 " + Bundle.shortDigest(a.sha256()) + " (" + content.length
                    + " bytes) does not match the manifest's " + Bundle.shortDigest(e.sha256()) + " (" + e.size()
                    + " bytes): the output was changed after it was compiled; refused");
        }
        return content;
    }

    private static void verifySignature(Path root, byte[] manifest, PublicKey key) throws ApplyException {
        Path sig = root.resolve(ManifestSignature.FILE);
        byte[] sigBytes;
        try {
            if (!Files.exists(sig, LinkOption.NOFOLLOW_LINKS)) {
                throw ApplyException.refused(sig + ": no signature, and --verify-key asks for one (was OUT compiled with --sign?); refused");
            }
            sigBytes = readRegular(root, ManifestSignature.FILE, -1, 4096);
        } catch (IOException e) {
            throw ApplyException.refused(sig + ": cannot be read: " + e.getMessage());
        }
        if (!ManifestSignature.verify(key, manifest, sigBytes)) {
            throw ApplyException.refused(sig + ": not a valid signature of " + MANIFEST + " by the --verify-key key (the manifest was changed "
                    + "after it was signed, or signed with another key); refused");
        }
    }

    /** What {@link #readRegular} refuses: a message for the user, never an attempt to read. */
    static final class NotRegular extends IOException {
        private static final long serialVersionUID = 1L;

        NotRegular(String message) {
            super(message);
        }
    }

    /**
     * The bytes of {@code rel} under {@code root}, read only when every folder on the way is a real folder
     * (not a symlink) and the file itself a regular file (not a symlink, FIFO, socket or device), as
     * {@code lstat} says, and its size is {@code size} (or, with {@code size} -1, at most {@code max}).
     * At most {@code size + 1} bytes are read, and the file is opened with {@code O_NOFOLLOW}.
     */
    static byte[] readRegular(Path root, String rel, long size, long max) throws IOException {
        Path p = root;
        String[] parts = rel.split("/");
        for (int i = 0; i < parts.length; i++) {
            p = p.resolve(parts[i]);
            BasicFileAttributes at;
            try {
                at = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException x) {
                throw new NotRegular("no such file");
            }
            boolean last = i == parts.length - 1;
            if (at.isSymbolicLink()) {
                throw new NotRegular((last ? "is" : root.relativize(p) + " is") + " a symbolic link (to " + Files.readSymbolicLink(p)
                        + "); netc reads only regular files inside OUT");
            }
            if (!last && !at.isDirectory()) throw new NotRegular(root.relativize(p) + " is not a folder");
            if (last && !at.isRegularFile()) {
                throw new NotRegular("is " + (at.isDirectory() ? "a folder" : at.isOther() ? "not a regular file (a FIFO, socket or device)"
                        : "not a regular file") + "; netc reads only regular files inside OUT");
            }
            if (last && (size >= 0 ? at.size() != size : at.size() > max)) {
                throw new NotRegular(size >= 0 ? "is " + at.size() + " bytes, which does not match the manifest's " + size
                        + ": the output was changed after it was compiled; refused" : "is " + at.size() + " bytes, more than the " + max + " netc reads; refused");
            }
        }
        long limit = size >= 0 ? size : max;
        try (SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             InputStream in = Channels.newInputStream(ch)) {
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) throw new NotRegular("grew past " + limit + " bytes while it was read; refused");
            return b;
        }
    }
}
