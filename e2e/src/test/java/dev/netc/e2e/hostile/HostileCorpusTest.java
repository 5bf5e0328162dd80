package dev.netc.e2e.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed corpus is exactly what {@link HostileCorpus} generates (same files, same bytes), and it is
 * large enough. {@code NETC_REGENERATE_CORPUS=1} rewrites it first.
 */
class HostileCorpusTest {
    @Test
    void committedCorpusIsWhatTheGeneratorWrites() throws IOException {
        if ("1".equals(System.getenv("NETC_REGENERATE_CORPUS"))) HostileCorpus.write(HostileCorpus.DIR);
        Map<String, byte[]> expected = HostileCorpus.generate();
        Set<String> committed;
        try (Stream<Path> s = Files.walk(HostileCorpus.DIR)) {
            committed = s.filter(Files::isRegularFile).map(p -> HostileCorpus.DIR.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(expected.keySet()), committed,
                "committed corpus files differ from the generator's (regenerate: NETC_REGENERATE_CORPUS=1)");
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(HostileCorpus.DIR.resolve(e.getKey())), e.getKey() + " differs from the generator's");
        }
    }

    @Test
    void corpusIsLargeAndCoversEveryCategory() throws IOException {
        List<Corpus.Entry> all = Corpus.read();
        assertTrue(all.size() >= 500, "at least 500 cases: " + all.size());
        for (String prefix : List.of("yaml-", "json-", "api-", "inject-", "dsl-", "issue-", "tamper-")) {
            assertTrue(all.stream().anyMatch(e -> e.id().startsWith(prefix)), "cases " + prefix + "*");
        }
        for (Corpus.Entry e : all) {
            assertTrue(Set.of("reject", "accept", "either", "refuse").contains(e.expect()), e.id() + ": " + e.expect());
            assertTrue(Files.isDirectory(e.dir()), e.id() + " has a folder");
        }
    }
}
