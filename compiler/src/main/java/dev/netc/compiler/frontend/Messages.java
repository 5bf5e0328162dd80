package dev.netc.compiler.frontend;

import dev.netc.ir.Text;

/** User-supplied text in the front end's messages: short and printable, through {@link Text}. */
final class Messages {
    private Messages() {
    }

    /** {@code "value"}, clipped to a readable length, escaped ({@link Text#quote}). */
    static String quote(String s) {
        return Text.quote(s);
    }

    /** Escaped and clipped, without quotes ({@link Text#clip}). */
    static String clip(String s) {
        return Text.clip(s);
    }

    /** Escaped, at most {@code max} code points shown ({@link Text#clip}). */
    static String escape(String s, int max) {
        return Text.clip(s, max);
    }

    /** Lower-cases the first letter, as every netc message starts lower-case. */
    static String lowerFirst(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) return s;
        // Keep acronyms (JSON, YAML, UTF) as written.
        if (s.length() > 1 && Character.isUpperCase(s.charAt(1))) return s;
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
