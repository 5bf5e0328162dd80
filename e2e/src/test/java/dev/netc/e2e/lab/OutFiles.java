package dev.netc.e2e.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a compiled OUT as a node sees them: each node file the manifest lists as composed ({@code
 * nodes/n1/nftables.nft} = the shared part, then the node's own) with its composed bytes, the parts themselves left
 * out, every other file as it is. The one place e2e reads OUT's layout.
 */
public final class OutFiles {
    private OutFiles() {
    }

    /** Relative path to bytes, sorted by path. */
    public static Map<String, byte[]> composed(Path out) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(out)) return files;
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) files.put(out.relativize(p).toString(), Files.readAllBytes(p));
        }
        Path manifest = out.resolve("netc-manifest.json");
        if (!Files.exists(manifest)) return files;
        Set<String> parts = new HashSet<>();
        Map<String, byte[]> whole = new TreeMap<>();
        for (JsonNode c : new ObjectMapper().readTree(manifest.toFile()).path("composed")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (JsonNode p : c.path("parts")) {
                parts.add(p.asText());
                b.writeBytes(Files.readAllBytes(out.resolve(p.asText())));
            }
            whole.put(c.path("path").asText(), b.toByteArray());
        }
        files.keySet().removeAll(parts);
        files.putAll(whole);
        return files;
    }
}
