package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.grammar.NetcLexer;
import dev.netc.ir.Diagnostics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code netc fmt}: canonical, idempotent, and it never changes what a file says. */
class DslFormatterTest {
    /** Every .netc file of the repository: the samples' twins and the test corpora of compiler and cli. */
    static Stream<Path> corpus() throws IOException {
        Path root = Path.of("..");
        try (Stream<Path> a = Files.walk(root.resolve("samples-dsl"));
             Stream<Path> b = Files.walk(Path.of("src/test/resources"));
             Stream<Path> c = Files.walk(root.resolve("cli/src/test/resources"))) {
            return Stream.of(a, b, c).flatMap(s -> s).filter(p -> p.toString().endsWith(".netc")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void formattingIsIdempotentAndKeepsEveryTokenAndComment(Path file) throws IOException {
        String text = Files.readString(file);
        Diagnostics d = new Diagnostics();
        Optional<String> once = DslFormatter.format(file.toString(), text, d);
        if (once.isEmpty()) {
            // A file with a syntax error is not formatted, and says why.
            assertTrue(d.hasErrors(), file.toString());
            return;
        }
        assertEquals(once, DslFormatter.format(file.toString(), once.get(), new Diagnostics()), file.toString());
        assertEquals(tokens(text), tokens(once.get()), file.toString());
    }

    @Test
    void theSamplesAreWrittenInCanonicalForm() throws IOException {
        for (Path file : corpus().filter(p -> !p.toString().contains("dsl-diagnostics")).toList()) {
            String text = Files.readString(file);
            assertEquals(text, DslFormatter.format(file.toString(), text, new Diagnostics()).orElseThrow(),
                    file.toString());
        }
    }

    @Test
    void messyInputBecomesCanonical() {
        String messy = """


                # the shop
                in   shop{   # its namespace
                  service web {


                          selector app = web ,tier=front   # the pods
                    port http 80 / TCP ->   http



                     # and the policy
                  }
                  network-policy p {
                   pods app in ( a,b ) , ! legacy
                  }
                  service web2 { port 81
                  }
                  }
                cluster c {
                }


                """;
        String expected = """
                # the shop
                in shop { # its namespace
                  service web {
                    selector app=web, tier=front # the pods
                    port http 80/TCP -> http

                    # and the policy
                  }
                  network-policy p {
                    pods app in (a, b), !legacy
                  }
                  service web2 {
                    port 81
                  }
                }

                cluster c {
                }
                """;
        assertEquals(expected, DslFormatter.format("messy.netc", messy, new Diagnostics()).orElseThrow());
    }

    @Test
    void aFileWithASyntaxErrorIsNotFormatted() {
        Diagnostics d = new Diagnostics();
        assertFalse(DslFormatter.format("bad.netc", "in x {\n  service web {\n    prot 80\n  }\n}\n", d).isPresent());
        assertEquals(List.of("bad.netc:3:5: error[NETC049]: unexpected 'prot', expected a service statement or '}'"
                        + " (did you mean 'port'?)"),
                d.sorted().stream().map(x -> x.render()).toList());
    }

    /** The words of a text and its comments, without layout: what formatting must keep. */
    private static List<String> tokens(String text) {
        NetcLexer lexer = new NetcLexer(CharStreams.fromString(text));
        return lexer.getAllTokens().stream()
                .filter(t -> t.getType() != NetcLexer.NL)
                .map(Token::getText).map(String::strip).toList();
    }
}
