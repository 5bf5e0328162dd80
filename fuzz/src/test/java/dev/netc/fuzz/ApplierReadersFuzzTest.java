package dev.netc.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netc.applier.ApplyException;
import dev.netc.applier.BackendKind;
import dev.netc.applier.OutDir;
import dev.netc.applier.RulesSyntaxException;
import dev.netc.applier.ipvs.IpvsRules;
import dev.netc.applier.nft.NftRuleset;
import dev.netc.applier.xt.XtRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The applier's readers: the nft, iptables-restore and ipvsadm text readers and the manifest reader. Any text
 * parses or is refused with {@link RulesSyntaxException} / {@link ApplyException}; nothing else escapes.
 */
class ApplierReadersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void readers(FuzzedDataProvider data) {
        int which = data.consumeInt(0, 3);
        String text = data.consumeRemainingAsString();
        try {
            switch (which) {
                case 0 -> NftRuleset.parse(text);
                case 1 -> XtRules.parse(text);
                case 2 -> IpvsRules.parse(text);
                default -> manifest(text);
            }
        } catch (RulesSyntaxException | ApplyException expected) {
            // a refusal with a message is the contract
            if (expected.getMessage() == null) throw new AssertionError("refusal without a message", expected);
        }
    }

    private static void manifest(String text) throws ApplyException {
        Path dir;
        try {
            dir = Files.createTempDirectory("netc-fuzz-out-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.writeString(dir.resolve(OutDir.MANIFEST), text);
            OutDir out = OutDir.read(dir);
            for (BackendKind k : BackendKind.values()) {
                try {
                    out.select("n1", k);
                } catch (ApplyException refused) {
                    // expected for nearly every input: the files are not there
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
