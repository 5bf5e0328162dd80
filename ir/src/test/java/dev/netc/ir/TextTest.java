package dev.netc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextTest {
    /** Every character class the escaping must catch, by code point. */
    private static final int[] MUST_ESCAPE = {
        0x00, 0x07, 0x08, '\t', '\n', 0x0b, 0x0c, '\r', 0x1b, 0x1f, 0x7f, // C0, DEL
        0x80, 0x85, 0x9b, 0x9f, // C1: NEL, CSI
        0x2028, 0x2029, // line / paragraph separator
        0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c, // bidi
        0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0xfff9, 0xe0001, 0xe0041, // other format characters
        0xd800, 0xdfff, // lone surrogates
        0x00a0, 0x2000, 0x3000, // spaces other than U+0020
        0xe000, 0x10ffff, // private use / unassigned
    };

    @Test
    void everyDangerousCharacterIsEscaped() {
        for (int cp : MUST_ESCAPE) {
            String s = "a" + new String(Character.toChars(cp)) + "b";
            String e = Text.escape(s);
            assertTrue(e.chars().allMatch(c -> c >= 0x20 && c < 0x7f), () -> "U+" + Integer.toHexString(cp) + " -> " + e);
            assertTrue(Text.printable(e), e);
            assertEquals(s, Text.unescape(e));
        }
    }

    @Test
    void knownForms() {
        assertEquals("a\\nb", Text.escape("a\nb"));
        assertEquals("\\r\\t\\\\", Text.escape("\r\t\\"));
        assertEquals("\\u202eevil", Text.escape("\u202eevil"));
        assertEquals("\\u0085\\u009b31m", Text.escape("\u0085\u009b31m"));
        assertEquals("\\u001b[2J", Text.escape("\u001b[2J"));
        assertEquals("\\udb40\\udc01", Text.escape(new String(Character.toChars(0xe0001))));
        assertEquals("a b", Text.escape("a b"));
        assertEquals("a\\u0020b", Text.token("a b"));
        assertEquals("\"say \\\"hi\\\"\"", Text.quote("say \"hi\""));
    }

    @Test
    void ordinaryTextIsUnchanged() {
        for (String s : List.of("web", "shop/storefront", "k8s.io/ingress-nginx", "café", "日本語", "Ünïcödé", "a-b.c_d",
                "😀", "/api/v1?x=1&y=2", "[10.0.0.1,fd00::1]")) {
            assertEquals(s, Text.escape(s));
            assertEquals(s, Text.sanitize(s));
        }
    }

    @Test
    void backslashSequencesThatMimicEscapesStayDistinct() {
        // "\n" typed as two characters must not look like an escaped newline, "\u202e" typed must not look like U+202E.
        assertFalse(Text.escape("a\\nb").equals(Text.escape("a\nb")));
        assertFalse(Text.escape("\\u202e").equals(Text.escape("\u202e")));
        assertEquals("\\\\u202e", Text.escape("\\u202e"));
        assertEquals("\\u", Text.unescape(Text.escape("\\u")));
    }

    @Test
    void injectiveAndReversibleOnARandomCorpus() {
        Random r = new Random(12);
        // An alphabet dense in the characters that interact: backslash, quote, u, hex digits, controls, surrogates.
        int[] alphabet = {'\\', '"', 'u', 'n', 'r', 't', '0', '2', 'e', 'f', 'a', ' ', '\n', '\r', '\t', 0x1b, 0x85, 0x9b,
            0x202e, 0x2028, 0x200b, 0xfeff, 0xd800, 0xdc00, 0xd83d, 0xde00, 0x00e9, ':'};
        Map<String, String> seen = new HashMap<>();
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(7);
            for (int k = 0; k < len; k++) b.appendCodePoint(alphabet[r.nextInt(alphabet.length)]);
            String s = b.toString();
            String e = Text.escape(s);
            String before = seen.putIfAbsent(e, s);
            if (before != null) assertEquals(before, s, "two inputs escape to " + e);
            assertTrue(Text.printable(e), e);
            assertFalse(e.contains("\n") || e.contains("\r"), e);
            assertEquals(s, Text.unescape(e));
            assertEquals(s, Text.unescape(Text.token(s)));
            String q = Text.quote(s, Integer.MAX_VALUE);
            assertEquals(s, Text.unescape(q.substring(1, q.length() - 1)));
        }
    }

    @Test
    void everyCodePointIsEscapedOrPrintable() {
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            String s = new String(Character.toChars(cp));
            String e = Text.escape(s);
            int at = cp;
            assertTrue(Text.printable(e), () -> "U+" + Integer.toHexString(at));
            assertEquals(s, Text.unescape(e));
        }
    }

    @Test
    void quoteClipsLongValuesByCodePoint() {
        String longValue = "x".repeat(10_000);
        assertEquals("\"" + "x".repeat(Text.MAX_SHOWN) + "...\"", Text.quote(longValue));
        // a surrogate pair is never cut in half
        String pairs = "😀".repeat(100);
        String q = Text.quote(pairs, 3);
        assertEquals("\"😀😀😀...\"", q);
        assertEquals("abc", Text.clip("abc", 3));
        assertEquals("ab...", Text.clip("abc", 2));
    }

    @Test
    void fileNamesCannotForgeAPosition() {
        assertEquals("a\\u003a1\\u003a1\\u003a error[NETC001]\\u003a x\\nb.yaml", Text.fileName("a:1:1: error[NETC001]: x\nb.yaml"));
        assertEquals("/tmp/in.yaml", Text.fileName("/tmp/in.yaml"));
        assertEquals(new SourcePos("a:1:1: b", 2, 3).toString(), "a\\u003a1\\u003a1\\u003a b:2:3");
    }

    @Test
    void sanitizeEscapesWhatIsUnsafeAndKeepsBackslashes() {
        assertEquals("value \"a\\\\b\" at x\\nfile:1:1: error", Text.sanitize("value " + Text.quote("a\\b") + " at x\nfile:1:1: error"));
    }
}
