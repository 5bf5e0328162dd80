package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.approvaltests.Approvals;
import org.approvaltests.core.Options;
import org.approvaltests.namer.ApprovalNamer;
import org.approvaltests.reporters.AutoApproveReporter;
import org.approvaltests.reporters.QuietReporter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a pull request comment and a script see for real edits of the shop ({@link ShopEdits#GOLDEN}): {@code netc
 * diff --format md} and {@code --format json} of the shop against each edit, compared with
 * {@code src/test/resources/diff-golden/EDIT.md} and {@code EDIT.json}. The sides are folders {@code base} and
 * {@code head}, and the paths in the output are cut to those names, so the files are the same on every machine.
 * Approve a reviewed change as the samples' goldens are: {@code NETC_APPROVE=1 mvn -pl cli -am verify
 * -Dtest=DiffGoldenTest -Dsurefire.failIfNoSpecifiedTests=false}, then read {@code git diff cli/src/test/resources/diff-golden}.
 */
class DiffGoldenTest {
    static final File APPROVED = new File("src/test/resources/diff-golden");
    static final File RECEIVED = new File("target/diff-golden-received");

    @TempDir
    Path tmp;

    @TestFactory
    List<DynamicTest> eachEditsDiffIsTheApprovedOne() {
        List<DynamicTest> tests = new ArrayList<>();
        for (ShopEdits edit : ShopEdits.GOLDEN) {
            for (String format : List.of("md", "json")) {
                tests.add(DynamicTest.dynamicTest(edit.name() + "." + format, () -> {
                    String out = diff(edit, format);
                    Approvals.verify(out, options(edit.name() + "." + format));
                }));
            }
        }
        return tests;
    }

    /** {@code netc diff base head --format FORMAT} of the shop and the shop with {@code edit}, its paths from the sides' folder. */
    String diff(ShopEdits edit, String format) throws IOException {
        Path root = tmp.resolve(edit.name() + "-" + format).toAbsolutePath();
        Path base = ShopEdits.copy(root.resolve("base"));
        Path head = edit.apply(root.resolve("head"));
        CliRunner r = CliRunner.run("diff", base.toString(), head.toString(), "--format", format);
        assertEquals(DiffCommand.EXIT_CHANGES, r.exit(), r.err());
        assertEquals("", r.err());
        String prefix = root + File.separator;
        assertFalse(r.out().replace(prefix, "").contains(root.toString()), "every path is under a side");
        return r.out().replace(prefix, "");
    }

    private static Options options(String file) {
        Options o = new Options().forFile().withNamer(new Namer(file));
        return o.withReporter(System.getenv("NETC_APPROVE") != null ? new AutoApproveReporter() : new QuietReporter());
    }

    /** Approved files at {@code src/test/resources/diff-golden/EDIT.FORMAT}, under that name, as a reviewer reads them. */
    private record Namer(String file) implements ApprovalNamer {
        @Override
        public File getApprovedFile(String extensionWithDot) {
            return new File(APPROVED, file);
        }

        @Override
        public File getReceivedFile(String extensionWithDot) {
            return new File(RECEIVED, file);
        }

        @Override
        public ApprovalNamer addAdditionalInformation(String info) {
            return this;
        }

        @Override
        public String getApprovalName() {
            return "diff-golden/" + file;
        }

        @Override
        public String getSourceFilePath() {
            return APPROVED.getAbsolutePath();
        }
    }
}
