package dev.netc.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.cli.Netc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.reporters.AutoApproveReporter;
import org.approvaltests.reporters.QuietReporter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample compiled with every backend, compared file by file with the approved output in
 * {@code golden/approved}. To approve a change after reviewing it: {@code NETC_APPROVE=1 mvn -pl golden -am test}
 * (then read {@code git diff golden/approved}).
 */
class GoldenTest {
    static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> everySampleMatchesItsApprovedOutput() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String sample : samples()) {
            Path out = tmp.resolve(sample);
            StringWriter err = new StringWriter();
            // Relative input path, so the manifest's input paths are the same on every machine.
            int exit = Netc.run(new String[] {"compile", SAMPLES.resolve(sample).toString(), "-o", out.toString()},
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
            tests.add(DynamicTest.dynamicTest(sample + " compiles", () -> assertEquals(0, exit, err.toString())));
            TreeSet<String> produced = files(out);
            TreeSet<String> approved = files(GoldenNamer.APPROVED.toPath().resolve(sample));
            tests.add(DynamicTest.dynamicTest(sample + " has exactly the approved files", () -> {
                if (System.getenv("NETC_APPROVE") != null) {
                    for (String stale : approved) {
                        if (!produced.contains(stale)) Files.delete(GoldenNamer.APPROVED.toPath().resolve(sample).resolve(stale));
                    }
                } else {
                    assertEquals(approved, produced);
                }
            }));
            for (String f : produced) {
                String text = Files.readString(out.resolve(f), StandardCharsets.UTF_8);
                tests.add(DynamicTest.dynamicTest(sample + "/" + f, () -> Approvals.verify(text, options(sample, f))));
            }
        }
        return tests;
    }

    private static Options options(String sample, String file) {
        Options o = new Options().forFile().withNamer(new GoldenNamer(sample, file));
        return o.withReporter(System.getenv("NETC_APPROVE") != null ? new AutoApproveReporter() : new QuietReporter());
    }

    static List<String> samples() throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("target") && !n.equals("deploy") && !n.equals("ci")).sorted().toList(); // recipes, not inputs
        }
    }

    static TreeSet<String> files(Path root) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(Files::isRegularFile).forEach(p -> out.add(root.relativize(p).toString()));
        }
        return out;
    }
}
