package dev.netc.compiler.frontend;

import java.text.Normalizer;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * "Did you mean": the one place netc finds the word that something mistyped stands for (YAML kinds, DSL
 * keywords). Words are compared after folding away what the eye does not see: case, compatibility forms
 * (NFKC: full-width letters, ligatures), invisible format characters, and letters of other scripts that look
 * like Latin ones (the Cyrillic \u0435 of "S\u0435rvice"); then by edits, a swap of neighbours counting as one.
 */
public final class Suggest {
    /** Words longer than this are never compared (a bound on the work, far above any keyword or kind). */
    private static final int MAX_WORD = 64;

    /** Cyrillic and Greek letters that render like a Latin letter, and that letter. */
    private static final String CONFUSABLE_FROM =
            "\u0430\u0410\u0432\u0412\u0435\u0415\u0451\u0401\u043A\u041A\u043C\u041C"
            + "\u043D\u041D\u043E\u041E\u0440\u0420\u0441\u0421\u0442\u0422\u0443\u0423"
            + "\u0445\u0425\u0456\u0406\u0458\u0408\u0455\u0405\u04BB\u0501\u051B\u051D"
            + "\u051C\u0475\u0474\u03B1\u0391\u03B2\u0392\u03B5\u0395\u03B6\u0396\u03B7"
            + "\u0397\u03B9\u0399\u03BA\u039A\u03BC\u039C\u03BD\u039D\u03BF\u039F\u03C1"
            + "\u03A1\u03C4\u03A4\u03C5\u03A5\u03C7\u03A7";
    private static final String CONFUSABLE_TO =
            "aAbBeEeEkKmMhHoOpPcCtTyYxXiIjJsShdqwWvVaAbBeEzZnHiIkKmMvNoOpPtTuYxX";

    private Suggest() {
    }

    /**
     * The candidate closest to {@code written}: equal once folded, or within one edit (two for words of six
     * characters or more), the first in {@code candidates}' order on a tie. Empty when none is that close, so
     * that unrelated short words (Role, Node) are never offered for each other.
     */
    public static <T> Optional<T> closest(String written, Collection<T> candidates, Function<T, String> word) {
        String w = fold(written);
        if (w.isEmpty() || w.length() > MAX_WORD) return Optional.empty();
        T best = null;
        int bestDistance = w.length() >= 6 ? 3 : 2;
        for (T c : candidates) {
            int d = distance(fold(word.apply(c)), w, bestDistance);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    public static Optional<String> closest(String written, Collection<String> candidates) {
        return closest(written, candidates, Function.identity());
    }

    /** Whether two words are the same once folded (only case, compatibility forms or look-alike letters differ). */
    public static boolean lookAlike(String a, String b) {
        return fold(a).equals(fold(b));
    }

    /** Lower case, NFKC, without format characters, look-alike letters of other scripts as Latin. */
    static String fold(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (Character.getType(c) == Character.FORMAT) continue;
            int k = CONFUSABLE_FROM.indexOf(c);
            out.append(k >= 0 ? CONFUSABLE_TO.charAt(k) : c);
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** Optimal string alignment distance; {@code limit} or more once it cannot be less (lengths too far apart). */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit || a.length() > MAX_WORD || b.length() > MAX_WORD)
            return Integer.MAX_VALUE;
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
        return d[a.length()][b.length()];
    }
}
