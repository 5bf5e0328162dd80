package dev.netc.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.cli.Netc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.reporters.AutoApproveReporter;
import org.approvaltests.reporters.QuietReporter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pass at a time: each {@code golden/passes/CASE.netc} names the pass it is about on its first line
 * ({@code # after: MergePolicy}), and what {@code netc compile --dump-after PASS} prints for it is compared with
 * {@code golden/approved/passes/CASE.txt} — the model or plan as that pass left it, origins included. Approve a
 * reviewed change as the samples' goldens are: {@code NETC_APPROVE=1 mvn -pl golden -am verify}.
 */
class PassGoldenTest {
    static final Path CASES = Path.of("passes");

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> eachCaseShowsWhatItsPassDid() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> cases;
        try (Stream<Path> s = Files.list(CASES)) {
            cases = s.filter(p -> p.toString().endsWith(".netc")).sorted().toList();
        }
        assertTrue(cases.size() >= 5, cases.toString());
        for (Path c : cases) {
            String first = Files.readAllLines(c).get(0);
            String name = c.getFileName().toString().replaceFirst("\\.netc$", "");
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assertTrue(first.startsWith("# after: "), c + " says which pass it shows on its first line");
                String pass = first.substring("# after: ".length()).strip();
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int exit = Netc.run(new String[] {"compile", c.toString(), "-o", tmp.resolve(name).toString(), "--backend", "plan",
                        "--dump-after", pass}, new PrintWriter(out), new PrintWriter(err));
                assertEquals(0, exit, err.toString());
                assertTrue(out.toString().startsWith("# after " + pass + "\n"), out.toString());
                Approvals.verify(out.toString(), options(name));
            }));
        }
        return tests;
    }

    private static Options options(String name) {
        Options o = new Options().forFile().withNamer(new GoldenNamer("passes", name + ".txt"));
        return o.withReporter(System.getenv("NETC_APPROVE") != null ? new AutoApproveReporter() : new QuietReporter());
    }
}
