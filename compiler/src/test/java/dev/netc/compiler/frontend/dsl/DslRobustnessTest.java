package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every sample twin with one character deleted or inserted, 3000 times (a fixed seed): the front end never
 * throws, every diagnostic points into the file, and one typo gives one syntax error — apart from a few edits
 * of braces that no reading can tell apart from two mistakes (kept below 3%).
 */
class DslRobustnessTest {
    private static final String INSERTED = "{}#\"=,/!*()-> abc1.:";

    @Test
    void oneCharacterTyposNeverCrashAndRarelyCascade() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of("../samples-dsl"))) {
            files = walk.filter(p -> p.toString().endsWith(".netc")).sorted().toList();
        }
        Random random = new Random(20261201L);
        int runs = 0;
        List<String> cascades = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            long lines = text.lines().count() + 1;
            for (int i = 0; i < 300; i++) {
                int at = random.nextInt(text.length());
                boolean delete = random.nextBoolean();
                char c = INSERTED.charAt(random.nextInt(INSERTED.length()));
                if (delete && text.charAt(at) == '\n') continue; // joining two lines is two mistakes
                String typo = delete ? text.substring(0, at) + text.substring(at + 1)
                        : text.substring(0, at) + c + text.substring(at);
                Diagnostics d = new Diagnostics();
                new YamlFrontEnd().apply(List.of(new InputSource("typo.netc", typo.getBytes(StandardCharsets.UTF_8))), d);
                runs++;
                for (Diagnostic x : d.sorted()) {
                    assertTrue(x.pos().line() >= 1 && x.pos().line() <= lines, x.render());
                }
                long syntax = d.sorted().stream().filter(x -> x.code() == DiagnosticCode.NETC049).count();
                if (syntax > 1) cascades.add(file + " offset " + at + (delete ? " deleted" : " inserted " + c));
            }
        }
        assertTrue(runs > 2000, "ran " + runs);
        assertTrue(cascades.size() * 100 < runs * 3, cascades.size() + " of " + runs + " typos gave more than one"
                + " syntax error: " + cascades);
    }
}
