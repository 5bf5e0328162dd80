package dev.netc.ir;

/**
 * The one escaping of user text for everything a person reads: {@code plan.txt}, diagnostics, comments in
 * rulesets, what the CLI echoes. User text (a manifest value, a file name, a command-line argument) may hold
 * characters that change what a terminal or an editor shows: line breaks that forge whole lines, escape
 * sequences, bidi overrides that reorder a line, invisible characters. {@link #escape} writes each of them as
 * an escape and the backslash as {@code \\}, so the result is printable, one line, and still tells apart every
 * two inputs (it is injective: {@link #unescape} gives the input back).
 *
 * <p>Escaped, by {@link Character#getType}: controls (C0, DEL, C1 with NEL U+0085 and CSI U+009B), format
 * characters (bidi embeddings, overrides and isolates U+202A–202E, U+2066–2069, the marks U+200E/200F/061C,
 * zero-width U+200B–200D, BOM U+FEFF, soft hyphen, tags...), line and paragraph separators U+2028/2029, spaces
 * other than U+0020, private-use and unassigned code points, and lone surrogates. Forms: {@code \n}, {@code \r},
 * {@code \t}, {@code \\}, and {@code \}{@code uXXXX} (lower-case hex, one per UTF-16 unit, so a supplementary
 * code point is two of them).
 */
public final class Text {
    /** How many code points of a user value a message shows before it is cut with {@code ...}. */
    public static final int MAX_SHOWN = 64;

    private Text() {
    }

    /** Whether a code point is written as an escape. */
    public static boolean unsafe(int cp) {
        if (cp == '\\') return false; // escaped, but as itself: see escape()
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            case Character.SPACE_SEPARATOR -> cp != ' ';
            default -> false;
        };
    }

    /** Whether {@code s} has no character {@link #unsafe} would escape (it may still hold backslashes). */
    public static boolean printable(String s) {
        return s.codePoints().noneMatch(Text::unsafe);
    }

    /** User text as one printable line; injective. */
    public static String escape(String s) {
        return escape(s, Integer.MAX_VALUE, false, false, false);
    }

    /**
     * Like {@link #escape}, and a space is {@code \}{@code u0020} too: for line formats whose fields are
     * separated by spaces ({@code plan.txt}), so a value cannot add a field.
     */
    public static String token(String s) {
        return escape(s, Integer.MAX_VALUE, false, true, false);
    }

    /**
     * A file name where a diagnostic names its position ({@code file:line:col: ...}): {@link #escape}d, and a colon
     * as {@code \}{@code u003a} too, so that the first {@code :line:col: } of a diagnostic line is always the real
     * position, whatever the name holds.
     */
    public static String fileName(String s) {
        return s.indexOf(':') < 0 ? escape(s) : escape(s).replace(":", "\\u003a");
    }

    /** {@code "value"} for a message: escaped, {@code "} as {@code \"}, cut after {@link #MAX_SHOWN} code points. */
    public static String quote(String s) {
        return quote(s, MAX_SHOWN);
    }

    /** {@code "value"}, escaped, at most {@code max} code points shown, then {@code ...}. */
    public static String quote(String s, int max) {
        return "\"" + escape(s, max, true, false, false) + "\"";
    }

    /** Escaped, cut after {@link #MAX_SHOWN} code points (for values shown without quotes: numbers, kinds). */
    public static String clip(String s) {
        return clip(s, MAX_SHOWN);
    }

    /** Escaped, at most {@code max} code points shown, then {@code ...}. */
    public static String clip(String s, int max) {
        return escape(s, max, false, false, false);
    }

    /**
     * Text that netc composed, which may embed user values: every {@link #unsafe} character escaped, the
     * backslash left alone (values inside were already escaped by {@link #quote} or {@link #escape}, and
     * would be escaped twice). The last line of defence where text reaches a person: diagnostics.
     */
    public static String sanitize(String s) {
        return printable(s) ? s : escape(s, Integer.MAX_VALUE, false, false, true);
    }

    /** The inverse of {@link #escape} and {@link #token} (and of the inside of an unclipped {@link #quote}). */
    public static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i + 1 >= s.length()) throw new IllegalArgumentException("dangling backslash at " + i);
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case '\\', '"' -> b.append(e);
                case 'u' -> {
                    String hex = i + 5 <= s.length() ? s.substring(i + 1, i + 5) : "";
                    if (!hex.matches("[0-9a-f]{4}")) {
                        throw new IllegalArgumentException("bad \\u escape at " + (i - 1));
                    }
                    b.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " at " + (i - 1));
            }
        }
        return b.toString();
    }

    private static String escape(String s, int max, boolean quotes, boolean spaces, boolean keepBackslash) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        int shown = 0;
        int i = 0;
        for (; i < s.length() && shown < max; shown++) {
            int cp = s.codePointAt(i);
            int units = Character.charCount(cp);
            switch (cp) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append(keepBackslash ? "\\" : "\\\\");
                case '"' -> b.append(quotes ? "\\\"" : "\"");
                case ' ' -> b.append(spaces ? "\\u0020" : " ");
                default -> {
                    if (unsafe(cp)) {
                        for (int k = 0; k < units; k++) unit(b, s.charAt(i + k));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
            i += units;
        }
        if (i < s.length()) b.append("...");
        return b.toString();
    }

    private static void unit(StringBuilder b, char c) {
        b.append("\\u");
        String hex = Integer.toHexString(c);
        for (int k = hex.length(); k < 4; k++) b.append('0');
        b.append(hex);
    }
}
