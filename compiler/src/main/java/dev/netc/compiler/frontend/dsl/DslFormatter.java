package dev.netc.compiler.frontend.dsl;

import dev.netc.grammar.NetcLexer;
import dev.netc.ir.Diagnostics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.Token;

/**
 * {@code netc fmt}: the canonical form of a DSL file. The file is parsed (a file with a syntax error is not
 * formatted); its statements are printed one per line, indented two spaces per block, with one space between
 * words and none around {@code = / ,} or inside parentheses; comments stay where they were (own line or end of
 * line); runs of blank lines become one, none at a block's edges, and top-level declarations are separated by
 * one. Printing the output again gives the same bytes.
 */
public final class DslFormatter {
    private static final String INDENT = "  ";

    private DslFormatter() {
    }

    /** The canonical text, or empty when the text has a syntax error (reported). */
    public static Optional<String> format(String file, String text, Diagnostics diagnostics) {
        DslSyntax.Parsed parsed = DslSyntax.parse(file, text, diagnostics);
        if (!parsed.ok()) return Optional.empty();
        return Optional.of(print(lines(parsed.tokens().getTokens())));
    }

    /** One line of output: its tokens (default channel) and its comment, if any. */
    private record Line(List<Token> tokens, String comment) {
        boolean blank() {
            return tokens.isEmpty() && comment == null;
        }

        boolean opens() {
            return !tokens.isEmpty() && tokens.get(tokens.size() - 1).getType() == DslSyntax.LBRACE;
        }

        boolean closes() {
            return !tokens.isEmpty() && tokens.get(0).getType() == DslSyntax.RBRACE;
        }
    }

    private static List<Line> lines(List<Token> all) {
        List<Line> out = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        String comment = null;
        for (int i = 0; i < all.size(); i++) {
            Token t = all.get(i);
            if (t.getType() == Token.EOF) break;
            if (t.getType() == NetcLexer.NL) {
                out.add(new Line(List.copyOf(current), comment));
                current.clear();
                comment = null;
            } else if (t.getType() == NetcLexer.COMMENT) {
                // A comment is shown as written, but never with a raw control, format or separator character.
                comment = dev.netc.ir.Text.sanitize(t.getText().stripTrailing());
            } else if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                current.add(t);
                // A statement written after '{' goes on a line of its own.
                if (t.getType() == DslSyntax.LBRACE && nextIsStatement(all, i + 1)) {
                    out.add(new Line(List.copyOf(current), null));
                    current.clear();
                }
            }
        }
        if (!current.isEmpty() || comment != null) out.add(new Line(List.copyOf(current), comment));
        return out;
    }

    private static boolean nextIsStatement(List<Token> all, int from) {
        for (int i = from; i < all.size(); i++) {
            Token t = all.get(i);
            if (t.getType() == NetcLexer.NL || t.getType() == Token.EOF || t.getType() == NetcLexer.COMMENT) return false;
            if (t.getChannel() == Token.DEFAULT_CHANNEL) return true;
        }
        return false;
    }

    private static String print(List<Line> lines) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        boolean pendingBlank = false;
        Line previous = null;
        int previousDepth = 0;
        for (Line line : lines) {
            if (line.blank()) {
                pendingBlank = previous != null;
                continue;
            }
            int indent = line.closes() ? Math.max(0, depth - 1) : depth;
            boolean afterDeclaration = previous != null && previous.closes() && previousDepth == 0 && indent == 0;
            boolean blank = (pendingBlank || afterDeclaration) && previous != null && !previous.opens()
                    && !line.closes();
            if (blank) b.append('\n');
            pendingBlank = false;
            b.append(INDENT.repeat(indent)).append(words(line.tokens));
            if (line.comment != null) b.append(line.tokens.isEmpty() ? "" : " ").append(line.comment);
            b.append('\n');
            for (Token t : line.tokens) {
                if (t.getType() == DslSyntax.LBRACE) depth++;
                else if (t.getType() == DslSyntax.RBRACE) depth = Math.max(0, depth - 1);
            }
            previous = line;
            previousDepth = depth;
        }
        return b.toString();
    }

    /** The tokens of one line with canonical spacing. */
    static String words(List<Token> tokens) {
        StringBuilder b = new StringBuilder();
        Token before = null;
        for (Token t : tokens) {
            if (before != null && spaceBetween(before, t)) b.append(' ');
            // A string in its canonical spelling: what it holds, with netc's escapes (nothing unsafe raw).
            b.append(t.getType() == NetcLexer.STRING ? ModelToDsl.quote(DslObjects.unquote(t.getText())) : t.getText());
            before = t;
        }
        return b.toString();
    }

    private static boolean spaceBetween(Token left, Token right) {
        String l = left.getText();
        String r = right.getText();
        if (r.equals(",") || r.equals(")") || r.equals("=") || r.equals("/")) return false;
        return !(l.equals("(") || l.equals("=") || l.equals("/") || l.equals("!"));
    }
}
