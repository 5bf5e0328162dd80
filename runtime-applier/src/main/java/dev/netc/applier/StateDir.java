package dev.netc.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the applier remembers on a node (default {@code /var/lib/netc}):
 * <pre>
 * state.json                          node, and per backend: current and previous applied bundle (digest,
 *                                     model, time, mode, files with sha256), and a pending digest while a
 *                                     change is being committed
 * lock                                flock'ed by the running applier
 * applied/BACKEND/DIGEST/files/…      a copy of each applied bundle (rollback, incremental planning)
 * applied/BACKEND/DIGEST/*.listing    what the kernel listed right after it was applied (no-op and --check);
 *                                     for nftables also nftables-blocks.listing, the cut of the applied artifact
 *                                     (its objects' spans), so that the next apply cuts only the new artifact
 * tmp/                                tools' input and output files
 * </pre>
 * Every file is written to a temporary name and renamed, so a crash leaves the old or the new file.
 */
public final class StateDir {
    public static final String FORMAT = "netc.dev/applier-state/v1";

    public record Applied(String digest, String model, Instant appliedAt, String mode, SortedMap<String, String> files) {
        public Applied {
            files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
        }

        public static Applied of(Bundle b, Instant at, String mode) {
            SortedMap<String, String> files = new TreeMap<>();
            for (Artifact a : b.artifacts()) files.put(a.path(), a.sha256());
            return new Applied(b.digest(), b.model(), at, mode, files);
        }
    }

    public record BackendState(Optional<Applied> current, Optional<Applied> previous, Optional<String> pending) {
        public static final BackendState EMPTY = new BackendState(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public record State(Optional<String> node, SortedMap<String, BackendState> backends) {
        public State {
            backends = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(backends));
        }

        public BackendState backend(BackendKind b) {
            return backends.getOrDefault(b.id(), BackendState.EMPTY);
        }

        public State with(BackendKind b, BackendState s) {
            SortedMap<String, BackendState> m = new TreeMap<>(backends);
            m.put(b.id(), s);
            return new State(node, m);
        }

        public State withNode(String n) {
            return new State(Optional.of(n), backends);
        }
    }

    private final Path root;

    public StateDir(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path stateFile() {
        return root.resolve("state.json");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    public StateLock lock(Duration timeout) throws ApplyException {
        return StateLock.acquire(root.resolve("lock"), timeout);
    }

    /** Removes what an applier that was killed may have left in tmp/ (call with the lock held). */
    public void cleanTmp() throws ApplyException {
        Exec.awaitOrphan(root.resolve("unit.pid"), Duration.ofMinutes(5));
        try {
            deleteTree(tmp());
            Files.createDirectories(tmp());
        } catch (IOException e) {
            throw ApplyException.stateIo(tmp() + ": " + e.getMessage(), e);
        }
    }

    public State read() throws ApplyException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(stateFile()));
        } catch (NoSuchFileException e) {
            return new State(Optional.empty(), new TreeMap<>());
        } catch (IOException e) {
            throw ApplyException.stateIo(stateFile() + ": cannot be read: " + e.getMessage(), e);
        }
        if (json == null || !FORMAT.equals(json.path("format").asText())) {
            throw ApplyException.stateIo(stateFile() + ": not a netc applier state (format " + FORMAT + " expected)", null);
        }
        SortedMap<String, BackendState> backends = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.path("backends").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode b = e.getValue();
            backends.put(e.getKey(), new BackendState(applied(b.get("current")), applied(b.get("previous")),
                    b.hasNonNull("pending") ? Optional.of(b.get("pending").asText()) : Optional.empty()));
        }
        String node = json.path("node").asText("");
        return new State(node.isEmpty() ? Optional.empty() : Optional.of(node), backends);
    }

    private static Optional<Applied> applied(JsonNode n) {
        if (n == null || n.isNull()) return Optional.empty();
        SortedMap<String, String> files = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("files").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            files.put(f.getKey(), f.getValue().asText());
        }
        return Optional.of(new Applied(n.path("digest").asText(), n.path("model").asText(""),
                Instant.parse(n.path("appliedAt").asText("1970-01-01T00:00:00Z")), n.path("mode").asText(""), files));
    }

    public void write(State s) throws ApplyException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        s.node().ifPresent(n -> root.put("node", n));
        ObjectNode backends = root.putObject("backends");
        s.backends().forEach((name, b) -> {
            ObjectNode o = backends.putObject(name);
            b.current().ifPresent(a -> write(o.putObject("current"), a));
            b.previous().ifPresent(a -> write(o.putObject("previous"), a));
            b.pending().ifPresent(p -> o.put("pending", p));
        });
        writeAtomically(stateFile(), root.toPrettyString() + "\n");
    }

    private static void write(ObjectNode o, Applied a) {
        o.put("digest", a.digest());
        o.put("model", a.model());
        o.put("appliedAt", a.appliedAt().toString());
        o.put("mode", a.mode());
        ObjectNode files = o.putObject("files");
        a.files().forEach(files::put);
    }

    private Path bundleDir(BackendKind b, String digest) {
        return root.resolve("applied").resolve(b.id()).resolve(digest);
    }

    /** Keeps a copy of {@code bundle} (idempotent: the folder is named by the digest). */
    public void store(Bundle bundle) throws ApplyException {
        Path dir = bundleDir(bundle.backend(), bundle.digest()).resolve("files");
        for (Artifact a : bundle.artifacts()) {
            Path p = dir.resolve(a.path());
            try {
                if (Files.exists(p) && Files.size(p) == a.size() && Artifact.sha256(Files.readAllBytes(p)).equals(a.sha256())) continue;
                writeAtomically(p, a::writeTo);
            } catch (IOException e) {
                throw ApplyException.stateIo(p + ": " + e.getMessage(), e);
            }
        }
    }

    /** The bundle recorded as {@code applied}, read back from its copy and checked against its recorded digests. */
    public Bundle load(BackendKind b, String node, Applied applied) throws ApplyException {
        Path dir = bundleDir(b, applied.digest()).resolve("files");
        List<Artifact> artifacts = new ArrayList<>();
        for (Map.Entry<String, String> f : applied.files().entrySet()) {
            Path p = dir.resolve(f.getKey());
            byte[] content;
            try {
                content = Files.readAllBytes(p);
            } catch (IOException e) {
                throw ApplyException.refused(p + ": the copy of the applied artifact is missing (" + e.getMessage() + ")");
            }
            Artifact a = new Artifact(f.getKey(), content);
            if (!a.sha256().equals(f.getValue())) throw ApplyException.refused(p + ": the copy of the applied artifact was changed; refused");
            artifacts.add(a);
        }
        return new Bundle(b, node, applied.model(), artifacts);
    }

    public Optional<String> listing(BackendKind b, String digest, String name) throws ApplyException {
        Path p = bundleDir(b, digest).resolve(name + ".listing");
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ApplyException.stateIo(p + ": " + e.getMessage(), e);
        }
    }

    public void saveListing(BackendKind b, String digest, String name, String text) throws ApplyException {
        writeAtomically(bundleDir(b, digest).resolve(name + ".listing"), text);
    }

    /** Removes the copies of bundles the state no longer names. */
    public void prune(BackendKind b, Set<String> keep) throws ApplyException {
        Path dir = root.resolve("applied").resolve(b.id());
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) if (!keep.contains(p.getFileName().toString())) deleteTree(p);
        } catch (IOException e) {
            throw ApplyException.stateIo(dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    static void writeAtomically(Path p, String text) throws ApplyException {
        writeAtomically(p, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes to a sibling temporary file, forces it to disk, then renames it over {@code p}. */
    static void writeAtomically(Path p, byte[] content) throws ApplyException {
        writeAtomically(p, ch -> {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content);
            while (buf.hasRemaining()) ch.write(buf);
        });
    }

    /** What writes a file's bytes to its channel. */
    interface Writer {
        void write(FileChannel ch) throws IOException;
    }

    /** Writes with {@code w} to a sibling temporary file, forces it to disk, then renames it over {@code p}. */
    static void writeAtomically(Path p, Writer w) throws ApplyException {
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                    w.write(ch);
                    ch.force(true);
                }
                try {
                    Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw ApplyException.stateIo(p + ": cannot be written: " + e.getMessage(), e);
        }
    }
}
