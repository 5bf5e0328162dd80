package dev.netc.e2e.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.ir.ContentHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Puts dns files into a compiled OUT in the dns backend's layout ({@code dns/knot.conf}, {@code dns/zones/*.zone};
 * backend "dns", node "") and lists them in its manifest: the stand-in for {@code netc compile --backend dns} until
 * that backend is merged, so the applier and the lab run on the files it will write.
 */
final class DnsOut {
    private DnsOut() {
    }

    static void put(Path out, Map<String, String> files) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Path manifest = out.resolve("netc-manifest.json");
        ObjectNode root = (ObjectNode) m.readTree(manifest.toFile());
        ArrayNode artifacts = (ArrayNode) root.get("artifacts");
        for (var f : files.entrySet()) {
            String path = "dns/" + f.getKey();
            byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(out.resolve(path).getParent());
            Files.write(out.resolve(path), bytes);
            for (int i = artifacts.size() - 1; i >= 0; i--) if (artifacts.get(i).path("path").asText().equals(path)) artifacts.remove(i);
            artifacts.addObject().put("path", path).put("backend", "dns").put("node", "").put("sha256", ContentHash.hex(bytes))
                    .put("size", bytes.length);
        }
        Files.writeString(manifest, root.toPrettyString());
    }

    /** The fixture's files (e2e/src/test/resources/dns: knot.conf and zones/), by path under dns/. */
    static Map<String, String> fixture() throws IOException {
        Map<String, String> files = new java.util.TreeMap<>();
        for (String name : new String[] {"knot.conf", "zones/cluster.local.zone", "zones/10.in-addr.arpa.zone", "zones/d.f.ip6.arpa.zone"}) {
            try (var in = DnsOut.class.getResourceAsStream("/dns/" + name)) {
                files.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
