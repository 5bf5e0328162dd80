package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netc.backends.Artifact;
import dev.netc.backends.Output;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staging folder: files are written as they come, OUT changes only at the commit, and any error before it leaves
 * OUT as it was with nothing left beside it; composed digests are of the parts' bytes one after the other.
 */
class OutputWriterTest {
    @TempDir
    Path tmp;

    private Path previousOut() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("nodes/n1"));
        Files.writeString(out.resolve("netc-manifest.json"), "{}\n");
        Files.writeString(out.resolve("nodes/n1/nftables.nft"), "old\n");
        return out;
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) m.put(root.relativize(p).toString(), Files.readString(p));
        }
        return m;
    }

    private List<String> besideOut() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anErrorWhileStreamingLeavesOutAsItWas() throws IOException {
        Path out = previousOut();
        Map<String, String> before = tree(out);
        try (OutputWriter w = new OutputWriter(out)) {
            Output.Sink sink = w.sink("nftables");
            sink.file(Artifact.text("shared/nftables/a.nft", "", "table inet netc {}\n"));
            sink.file(Artifact.text("nodes/n1/nftables.node.nft", "n1", "own\n"));
            // a folder where a file already is: the write fails halfway through the render
            assertThrows(UncheckedIOException.class, () -> sink.file(Artifact.text("nodes/n1/nftables.node.nft/x", "n1", "x")));
        }
        assertEquals(before, tree(out));
        assertEquals(List.of("out"), besideOut(), "the staging folder is removed");
    }

    @Test
    void outChangesOnlyAtTheCommit() throws IOException {
        Path out = previousOut();
        Map<String, String> before = tree(out);
        try (OutputWriter w = new OutputWriter(out)) {
            w.sink("plan").file(Artifact.text("plan.txt", "", "plan\n"));
            w.write("nginx", new Artifact("ingress/x.key", "key\n".getBytes(StandardCharsets.UTF_8), "", true));
            w.writeUnlisted(Artifact.text(Manifest.PATH, "", "{\"new\": true}\n"));
            assertEquals(before, tree(out), "nothing of the new output shows before the commit");
            w.commit();
            assertEquals(3, w.count());
            assertEquals(List.of("plan.txt", "ingress/x.key"), w.written().stream().map(OutputWriter.Written::path).toList());
        }
        assertEquals(Map.of("plan.txt", "plan\n", "ingress/x.key", "key\n", Manifest.PATH, "{\"new\": true}\n"), tree(out));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("ingress/x.key"))));
        assertEquals(List.of("out"), besideOut(), "the previous output is removed");
    }

    @Test
    void composedDigestsAreOfThePartsInOrder() throws IOException {
        String head = "shared head\n".repeat(1000);
        String tail = "shared tail\n";
        List<Output.Composed> composed = new ArrayList<>();
        List<String> whole = new ArrayList<>();
        try (OutputWriter w = new OutputWriter(tmp.resolve("out"))) {
            Output.Sink sink = w.sink("iptables");
            sink.file(Artifact.text("shared/iptables/h.rules", "", head));
            sink.file(Artifact.text("shared/iptables/t.rules", "", tail));
            for (String n : List.of("n1", "n2", "n3")) {
                String own = "own of " + n + "\n";
                sink.file(Artifact.text("nodes/" + n + "/own.rules", n, own));
                // shared parts first (hashed once), a shared part after a node's own (read back), and a node's own only
                Output.Composed c = new Output.Composed("nodes/" + n + "/iptables.rules", n,
                        List.of("shared/iptables/h.rules", "nodes/" + n + "/own.rules", "shared/iptables/t.rules"));
                sink.composed(c);
                composed.add(c);
                whole.add(head + own + tail);
                Output.Composed alone = new Output.Composed("nodes/" + n + "/alone.rules", n, List.of("nodes/" + n + "/own.rules"));
                sink.composed(alone);
                composed.add(alone);
                whole.add(own);
            }
            // a node's part that is no longer among the last node's files: read back from the staging folder
            Output.Composed late = new Output.Composed("nodes/n1/late.rules", "n1",
                    List.of("shared/iptables/t.rules", "nodes/n1/own.rules", "shared/iptables/h.rules"));
            sink.composed(late);
            composed.add(late);
            whole.add(tail + "own of n1\n" + head);
            assertThrows(IllegalStateException.class, () -> sink.composed(new Output.Composed("nodes/n1/x", "n1",
                    List.of("shared/iptables/none.rules"))));
            List<Manifest.ComposedEntry> entries = w.composed();
            assertEquals(composed.size(), entries.size());
            for (int i = 0; i < entries.size(); i++) {
                byte[] bytes = whole.get(i).getBytes(StandardCharsets.UTF_8);
                assertEquals(composed.get(i), entries.get(i).file());
                assertEquals("iptables", entries.get(i).backend());
                assertEquals(Manifest.sha256(bytes), entries.get(i).sha256(), composed.get(i).path());
                assertEquals(bytes.length, entries.get(i).size(), composed.get(i).path());
            }
        }
    }
}
