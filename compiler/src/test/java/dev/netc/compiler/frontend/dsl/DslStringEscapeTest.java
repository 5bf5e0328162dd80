package dev.netc.compiler.frontend.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.grammar.NetcLexer;
import dev.netc.ir.Text;
import java.util.List;
import java.util.Random;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/** A DSL string literal netc writes (fmt, convert --to dsl) is one printable token that reads back as its value. */
class DslStringEscapeTest {
    @Test
    void everyValueIsOnePrintableTokenThatReadsBack() {
        Random r = new Random(8);
        int[] alphabet = {'a', ' ', '"', '\\', 'u', '0', 'n', '\n', '\r', '\t', 0x1b, 0x85, 0x9b, 0x202e, 0x2028, 0x200b,
            0xfeff, 0xd83d, 0xde00, 0xd800, 0xe9};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(8); k > 0; k--) b.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
            check(b.toString());
        }
        for (String s : List.of("", "\\u202e", "x\nfile:1:1: error[NETC001]: forged", "\u0085\u009b31m", "a".repeat(3000))) check(s);
    }

    private static void check(String value) {
        String literal = ModelToDsl.quote(value);
        assertTrue(Text.printable(literal), literal);
        NetcLexer lexer = new NetcLexer(CharStreams.fromString(literal));
        List<? extends Token> tokens = lexer.getAllTokens();
        assertEquals(1, tokens.size(), literal);
        assertEquals(NetcLexer.STRING, tokens.get(0).getType(), literal);
        assertEquals(value, DslObjects.unquote(tokens.get(0).getText()), literal);
    }

    @Test
    void fmtWritesUnsafeCharactersOfAStringAndACommentEscaped() {
        String in = "ingress-class nginx { # a \u202e comment\n  controller \"x\u0085y\\u0041\"\n}\n";
        String out = DslFormatter.format("in.netc", in, new dev.netc.ir.Diagnostics()).orElseThrow();
        assertTrue(Text.printable(out.replace("\n", "")), out);
        assertTrue(out.contains("controller \"x\\u0085yA\""), out);
        assertTrue(out.contains("# a \\u202e comment"), out);
    }
}
