package dev.netc.applier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled output folder read through its {@code netc-manifest.json}: every artifact the applier installs
 * is listed there with its node, backend, size and sha256, and is checked against it before anything is
 * planned. A file that does not verify, or that belongs to another node, is refused.
 */
public record OutDir(Path root, String model, List<String> nodes, List<Entry> entries) {
    public static final String MANIFEST = "netc-manifest.json";
    public static final String FORMAT = "netc.dev/manifest/v1";

    /** One artifact as the manifest lists it; {@code node} is empty for files every node shares. */
    public record Entry(String path, String backend, String node, String sha256, long size) {
    }

    public OutDir {
        nodes = List.copyOf(nodes);
        entries = List.copyOf(entries);
    }

    public static OutDir read(Path root) throws ApplyException {
        Path manifest = root.resolve(MANIFEST);
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readAllBytes(manifest));
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
            entries.add(new Entry(path, a.path("backend").asText(""), a.path("node").asText(""), sha, a.path("size").asLong()));
        }
        return new OutDir(root, json.path("model").asText(""), nodes, entries);
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
        for (Entry e : entries) {
            if (!e.backend().equals(backend.id())) continue;
            if (backend.perNode() && !e.node().equals(node)) continue;
            artifacts.add(verified(e, node, backend));
        }
        if (artifacts.isEmpty()) {
            throw ApplyException.refused("no " + backend.id() + " artifact" + (backend.perNode() ? " for node " + node : "")
                    + " in " + root + " (was it compiled with --backend " + backend.id() + "?)");
        }
        return new Bundle(backend, node, model, artifacts);
    }

    private Artifact verified(Entry e, String node, BackendKind backend) throws ApplyException {
        Path normalized = Path.of(e.path()).normalize();
        if (normalized.isAbsolute() || normalized.startsWith("..") || !normalized.toString().equals(e.path())) {
            throw ApplyException.refused(e.path() + ": path leaves the output folder; refused");
        }
        String expectedPrefix = backend.perNode() ? "nodes/" + node + "/" : "ingress/";
        if (!e.path().startsWith(expectedPrefix)) {
            throw ApplyException.refused(e.path() + ": listed for node " + node + " but not in " + expectedPrefix + "; refused");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(root.resolve(normalized));
        } catch (IOException ex) {
            throw ApplyException.refused(root.resolve(e.path()) + ": listed in the manifest but cannot be read: " + ex.getMessage());
        }
        Artifact a = new Artifact(e.path(), content);
        if (content.length != e.size() || !a.sha256().equals(e.sha256())) {
            throw ApplyException.refused(e.path() + ": sha256 " + Bundle.shortDigest(a.sha256()) + " (" + content.length
                    + " bytes) does not match the manifest's " + Bundle.shortDigest(e.sha256()) + " (" + e.size()
                    + " bytes): the output was changed after it was compiled; refused");
        }
        return a;
    }
}
