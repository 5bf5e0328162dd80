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
 * The committed corpus is exactly the committed form of what {@link HostileCorpus} generates (same files, same
 * bytes), each committed diff applies to the committed base world giving the generated case file, it stays small,
 * and the corpus the runners read (generated under {@code target/}) is the whole of it and large enough.
 * {@code NETC_REGENERATE_CORPUS=1} rewrites the committed form first.
 */
class HostileCorpusTest {
    /** The committed corpus folder stays under this many bytes (file contents). */
    static final long COMMITTED_BUDGET = 3L * 1024 * 1024;

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void committedCorpusIsWhatTheGeneratorWrites() throws IOException {
        if ("1".equals(System.getenv("NETC_REGENERATE_CORPUS"))) HostileCorpus.write(HostileCorpus.DIR);
        Map<String, byte[]> all = HostileCorpus.generate();
        Map<String, byte[]> expected = HostileCorpus.committed(all);
        assertEquals(new TreeSet<>(expected.keySet()), files(HostileCorpus.DIR),
                "committed corpus files differ from the generator's (regenerate: NETC_REGENERATE_CORPUS=1)");
        long total = 0;
        byte[] world = Files.readAllBytes(HostileCorpus.DIR.resolve(HostileCorpus.WORLD_FILE));
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            byte[] committed = Files.readAllBytes(HostileCorpus.DIR.resolve(e.getKey()));
            assertArrayEquals(e.getValue(), committed, e.getKey() + " differs from the generator's");
            total += committed.length;
            if (e.getKey().startsWith("cases/") && e.getKey().endsWith(HostileCorpus.DIFF_SUFFIX)) {
                String file = e.getKey().substring(0, e.getKey().length() - HostileCorpus.DIFF_SUFFIX.length());
                assertArrayEquals(all.get(file), HostileCorpus.applyToWorld(world, committed), e.getKey() + " applied to the base world is not " + file);
            } else if (e.getKey().startsWith("cases/")) {
                assertTrue(committed.length <= HostileCorpus.COMMIT_LIMIT, e.getKey() + " is over the commit limit");
            }
        }
        assertTrue(total < COMMITTED_BUDGET, "the committed corpus holds " + total + " bytes");
        // every case is in the index, and every case left out of the repository is there because it is big
        Set<String> committedCases = expected.keySet().stream().filter(k -> k.startsWith("cases/")).map(k -> k.split("/")[1])
                .collect(Collectors.toCollection(TreeSet::new));
        for (Corpus.Entry c : Corpus.read()) {
            if (committedCases.contains(c.id())) continue;
            long size = 0;
            for (Map.Entry<String, byte[]> f : all.entrySet()) if (f.getKey().startsWith("cases/" + c.id() + "/")) size += f.getValue().length;
            assertTrue(size > HostileCorpus.COMMIT_LIMIT, c.id() + " is small (" + size + " bytes) but not committed");
        }
    }

    @Test
    void generatedCorpusIsTheWholeCorpus() throws IOException {
        Path dir = HostileCorpus.materialize();
        Map<String, byte[]> all = HostileCorpus.generate();
        assertEquals(new TreeSet<>(all.keySet()), files(dir));
        for (Map.Entry<String, byte[]> e : all.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        assertArrayEquals(Files.readAllBytes(HostileCorpus.DIR.resolve("INDEX.tsv")), all.get("INDEX.tsv"), "INDEX.tsv lists every case");
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
            try (Stream<Path> s = Files.list(e.dir())) {
                assertTrue(s.findAny().isPresent(), e.id() + " has its files");
            }
        }
    }
}
