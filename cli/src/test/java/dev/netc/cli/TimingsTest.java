package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compile --timings}: one line per step (load, every pass, every backend, the write), OUT as without it. */
class TimingsTest {
    private static final Pattern LINE = Pattern.compile("timing: (.+) wall_ms=\\d+ cpu_ms=\\d+");

    @TempDir
    Path tmp;

    @Test
    void everyStepIsTimedAndNothingElseChanges() throws IOException {
        String sample = Path.of("..", "samples", "shop").toString();
        CliRunner timed = CliRunner.run("compile", "--timings", sample, "-o", tmp.resolve("a").toString());
        assertEquals(0, timed.exit(), timed.err());
        List<String> steps = timed.err().lines().filter(l -> l.startsWith("timing: ")).map(l -> {
            var m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            return m.group(1);
        }).toList();
        for (String s : List.of("load", "YamlFrontEnd", "ResolveNodes", "Validate", "Allocate", "Endpoints", "Services",
                "IngressRoutes", "render plan", "render iptables", "render nftables", "render ipvs", "render nginx",
                "digest", "manifest", "write", "total")) {
            assertTrue(steps.contains(s), s + " missing in " + steps);
        }
        assertEquals("load", steps.get(0));
        assertEquals("YamlFrontEnd", steps.get(1), "the front end is the first pass");
        assertEquals("total", steps.get(steps.size() - 1));

        CliRunner plain = CliRunner.run("compile", sample, "-o", tmp.resolve("b").toString());
        assertEquals(0, plain.exit(), plain.err());
        assertFalse(plain.err().contains("timing:"), plain.err());
        List<Path> a = files(tmp.resolve("a"));
        assertEquals(a, files(tmp.resolve("b")));
        for (Path f : a) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("a").resolve(f)), Files.readAllBytes(tmp.resolve("b").resolve(f)), f.toString());
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
