package dev.netc.e2e.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.ir.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The lab's outputs: its manifests (e2e/src/test/resources/dns/cluster.yaml, B.5's fixture) compiled by
 * {@code netc compile --backend nftables,dns}, the zone files read back, and a compiled OUT tampered with for the
 * applier's refusals (a file rewritten and its manifest entry re-hashed, as whoever can write OUT could).
 */
final class DnsOut {
    private DnsOut() {
    }

    /** The lab's manifests as written. */
    static String lab() throws IOException {
        try (InputStream in = DnsOut.class.getResourceAsStream("/dns/cluster.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes {@code yaml} to {@code dir/name.yaml} and compiles it to {@code dir/name} (exit 0 or the test fails). */
    static Path compile(Path dir, String name, String yaml) throws IOException {
        Path in = Files.writeString(dir.resolve(name + ".yaml"), yaml);
        Path out = dir.resolve(name);
        DnsApplyTest.Run r = DnsApplyTest.netc(List.of("compile", in.toString(), "--backend", "nftables,dns", "-o", out.toString()));
        assertEquals(0, r.exit(), r.all());
        return out;
    }

    static Path zone(Path out, String zone) {
        return out.resolve("dns/zones/" + zone + ".zone");
    }

    /** The zones of an OUT, as its knot.conf lists them. */
    static List<String> zones(Path out) throws IOException {
        return Files.readAllLines(out.resolve("dns/knot.conf")).stream().filter(l -> l.startsWith("  - domain: "))
                .map(l -> l.substring("  - domain: ".length())).toList();
    }

    /** A zone file's records as kdig prints them ({@link Dig#record}); the file writes absolute owners. */
    static Set<String> records(Path out, String zone) throws IOException {
        Set<String> records = new TreeSet<>();
        for (String line : Files.readAllLines(zone(out, zone))) {
            if (line.isBlank() || line.startsWith("$") || line.startsWith(";")) continue;
            records.add(Dig.record(line));
        }
        return records;
    }

    /** The zone's SOA record as kdig prints it. */
    static String soa(Path out, String zone) throws IOException {
        return records(out, zone).stream().filter(r -> r.split(" ", 5)[3].equals("SOA")).findFirst().orElseThrow();
    }

    /** The zone's SOA serial. */
    static long serial(Path out, String zone) throws IOException {
        return Long.parseLong(soa(out, zone).split(" ")[6]);
    }

    /** Replaces {@code dns/PATH} in a compiled OUT with {@code text} and re-hashes its manifest entry. */
    static void tamper(Path out, String path, String text) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Path manifest = out.resolve("netc-manifest.json");
        ObjectNode root = (ObjectNode) m.readTree(manifest.toFile());
        ArrayNode artifacts = (ArrayNode) root.get("artifacts");
        String full = "dns/" + path;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Files.write(out.resolve(full), bytes);
        boolean found = false;
        for (var a : artifacts) {
            if (a.path("path").asText().equals(full)) {
                ((ObjectNode) a).put("sha256", ContentHash.hex(bytes)).put("size", bytes.length);
                found = true;
            }
        }
        if (!found) throw new AssertionError(full + " is not in " + manifest);
        Files.writeString(manifest, root.toPrettyString());
    }
}
