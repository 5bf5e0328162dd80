package dev.netc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.backends.Artifact;
import dev.netc.backends.Output;
import dev.netc.compiler.InputSource;
import dev.netc.ir.ContentHash;
import java.util.Comparator;

import java.util.List;

/**
 * {@code netc-manifest.json}: what went in (each input's digest, and the digest of the resolved model, which
 * does not depend on how the input was split into files or ordered), the nodes, and every artifact with its
 * sha256 and backend. No timestamps: the same input gives the same bytes.
 */
final class Manifest {
    static final String PATH = "netc-manifest.json";
    static final String FORMAT = "netc.dev/manifest/v1";

    /** A node file composed of parts (listed among the artifacts), with the digest and size of its composed bytes. */
    record ComposedEntry(String backend, Output.Composed file, String sha256, long size) {
    }

    /** An input file as the manifest lists it. */
    record Input(String path, String sha256) {
        static Input of(InputSource s) {
            return new Input(s.path(), Manifest.sha256(s.content()));
        }
    }

    /**
     * @param artifacts the files written, each with the name of the backend that wrote it, its sha256 and size
     * @param composed  the node files that are compositions of artifacts: {@code composed} in the manifest, each with
     *                  its parts in order and the sha256 and size of the composed bytes (what the applier checks
     *                  before it loads them)
     */
    static Artifact build(List<Input> inputs, String modelDigest, List<String> nodes,
                          List<OutputWriter.Written> artifacts, List<ComposedEntry> composed) {
        // Input paths are user text: non-ASCII as JSON escapes, so a person reading the file sees nothing raw.
        ObjectMapper m = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();
        ObjectNode root = m.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode in = root.putArray("inputs");
        inputs.stream().sorted(Comparator.comparing(Input::path)).forEach(i -> {
            ObjectNode o = in.addObject();
            o.put("path", i.path());
            o.put("sha256", i.sha256());
        });
        root.put("model", modelDigest);
        ArrayNode ns = root.putArray("nodes");
        nodes.stream().sorted().forEach(ns::add);
        ArrayNode arts = root.putArray("artifacts");
        artifacts.stream().sorted(Comparator.comparing(OutputWriter.Written::path)).forEach(e -> {
            ObjectNode o = arts.addObject();
            o.put("path", e.path());
            o.put("backend", e.backend());
            if (!e.node().isEmpty()) o.put("node", e.node());
            o.put("sha256", e.sha256());
            o.put("size", e.size());
        });
        if (!composed.isEmpty()) {
            ArrayNode comp = root.putArray("composed");
            composed.stream().sorted(Comparator.comparing(c -> c.file().path())).forEach(c -> {
                ObjectNode o = comp.addObject();
                o.put("path", c.file().path());
                o.put("backend", c.backend());
                o.put("node", c.file().node());
                o.put("sha256", c.sha256());
                o.put("size", c.size());
                ArrayNode parts = o.putArray("parts");
                c.file().parts().forEach(parts::add);
            });
        }
        try {
            return Artifact.text(PATH, "", m.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    static String sha256(byte[] data) {
        return ContentHash.hex(data);
    }
}
