package dev.netc.compiler.frontend;

/** Small helpers that keep user-supplied text in messages short and printable. */
final class Messages {
    private static final int MAX_SHOWN = 64;

    private Messages() {
    }

    /** {@code "value"}, clipped to a readable length, control characters escaped. */
    static String quote(String s) {
        return "\"" + escape(s.replace("\\", "\\\\").replace("\"", "\\\""), MAX_SHOWN) + "\"";
    }

    static String clip(String s) {
        return escape(s, MAX_SHOWN);
    }

    /** Control characters escaped, at most {@code max} characters shown. */
    static String escape(String s, int max) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (int i = 0; i < s.length() && n < max; i++, n++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        if (s.length() > max) b.append("...");
        return b.toString();
    }

    /** Lower-cases the first letter, as every netc message starts lower-case. */
    static String lowerFirst(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) return s;
        // Keep acronyms (JSON, YAML, UTF) as written.
        if (s.length() > 1 && Character.isUpperCase(s.charAt(1))) return s;
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
