package dev.netc.e2e.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hostile-input corpus, read back from {@code INDEX.tsv}: every case, as {@link HostileCorpus#materialize}
 * writes it under {@code target/} (the repository holds only its committed form, see {@link HostileCorpus#committed}).
 */
public final class Corpus {
    private Corpus() {
    }

    /** One case of the index; {@code dir} holds its files. */
    public record Entry(String id, String expect, Map<String, String> checks, List<String> forbid, String attacks, Path dir) {
    }

    public static List<Entry> read() throws IOException {
        return read(HostileCorpus.materialize());
    }

    public static List<Entry> read(Path root) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("INDEX.tsv"))) {
            if (line.startsWith("#") || line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 5) throw new IllegalStateException("bad index line: " + line);
            Map<String, String> checks = new TreeMap<>();
            if (!f[2].equals("-")) {
                for (String c : f[2].split(",")) {
                    int eq = c.indexOf('=');
                    checks.put(eq < 0 ? c : c.substring(0, eq), eq < 0 ? "" : c.substring(eq + 1));
                }
            }
            List<String> forbid = f[3].equals("-") ? List.of()
                    : Arrays.stream(f[3].split("\\|")).map(HostileCorpus::unescape).toList();
            out.add(new Entry(f[0], f[1], checks, forbid, HostileCorpus.unescape(f[4]), root.resolve("cases").resolve(f[0])));
        }
        return out;
    }
}
