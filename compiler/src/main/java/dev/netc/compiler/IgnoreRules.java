package dev.netc.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The rules of one {@code .netcignore} file, in gitignore syntax: blank lines and {@code #} comments are skipped;
 * {@code !} re-includes; a trailing {@code /} matches directories only; a pattern with a {@code /} elsewhere is
 * relative to the file's directory, one without matches a name at any depth below it; {@code *} and {@code ?}
 * match within a name, {@code [...]} a character class, {@code **} any number of directories; {@code \} escapes.
 * The last rule that matches decides. As in git, nothing below an ignored directory is read again.
 */
final class IgnoreRules {
    private record Rule(Pattern pattern, boolean negated, boolean dirOnly, boolean anchored) {
    }

    private final List<Rule> rules;
    /** Line numbers of patterns that are not valid (as git does, they match nothing). */
    final List<Integer> invalidLines;

    private IgnoreRules(List<Rule> rules, List<Integer> invalidLines) {
        this.rules = List.copyOf(rules);
        this.invalidLines = List.copyOf(invalidLines);
    }

    static IgnoreRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        List<Integer> invalid = new ArrayList<>();
        int lineNo = 0;
        for (String raw : text.split("\r?\n", -1)) {
            lineNo++;
            String line = stripTrailingSpaces(raw);
            if (line.isEmpty() || line.startsWith("#")) continue;
            boolean negated = line.startsWith("!");
            if (negated) line = line.substring(1);
            boolean dirOnly = line.endsWith("/") && !line.endsWith("\\/");
            if (dirOnly) line = line.substring(0, line.length() - 1);
            if (line.isEmpty()) continue;
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) line = line.substring(1);
            try {
                rules.add(new Rule(Pattern.compile(regex(line)), negated, dirOnly, anchored));
            } catch (PatternSyntaxException e) {
                invalid.add(lineNo);
            }
        }
        return new IgnoreRules(rules, invalid);
    }

    /**
     * Whether {@code relative} (a path below this file's directory, {@code /}-separated) is ignored; null when no
     * rule matches it (the rules of the directories above decide).
     */
    Boolean ignored(String relative, boolean isDirectory) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        Boolean result = null;
        for (Rule r : rules) {
            if (r.dirOnly && !isDirectory) continue;
            if (r.pattern.matcher(r.anchored ? relative : name).matches()) result = !r.negated;
        }
        return result;
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ' && (end < 2 || s.charAt(end - 2) != '\\')) end--;
        return s.substring(0, end);
    }

    private static String regex(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        for (int i = 0; i < n; i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*'
                    && (i == 0 || glob.charAt(i - 1) == '/') && (i + 2 == n || glob.charAt(i + 2) == '/')) {
                if (i + 2 == n) {
                    re.append(".*"); // trailing "/**": everything inside
                } else {
                    re.append("(?:.*/)?"); // "**/": any number of directories, none included
                    i++; // and the "/"
                }
                i++;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    re.append("\\[");
                    continue;
                }
                String body = glob.substring(i + 1, close);
                boolean not = body.startsWith("!") || body.startsWith("^");
                if (not) body = body.substring(1);
                re.append('[').append(not ? "^/" : "");
                for (char b : body.toCharArray()) {
                    if (b == '\\' || b == '[' || b == ']' || b == '^' || b == '&') re.append('\\');
                    re.append(b);
                }
                re.append(']');
                i = close;
            } else if (c == '\\' && i + 1 < n) {
                re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
