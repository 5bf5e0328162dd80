package dev.netc.compiler.frontend.dsl;

import dev.netc.compiler.frontend.Suggest;
import dev.netc.grammar.NetcLexer;
import dev.netc.grammar.NetcParser;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parses DSL text with the generated parser and reports syntax errors as a person reads them:
 * {@code unexpected 'prot', expected a service statement or '}' (did you mean 'port'?)}. ANTLR's recovery goes
 * on after a mistake; errors it would report again for the same mistake (the rest of that line, or while it is
 * still recovering) are left out, so one mistake gives one diagnostic.
 */
public final class DslSyntax {
    /** The parse of one file: its tree and tokens, and whether it had a syntax error. */
    public record Parsed(NetcParser.FileContext tree, CommonTokenStream tokens, boolean ok) {
    }

    static final int LBRACE = literalType("'{'");
    static final int RBRACE = literalType("'}'");
    /** Rules whose own tokens include a block's '{' ... '}'. */
    private static final Set<Integer> BLOCK_OWNERS = Set.of(NetcParser.RULE_cluster, NetcParser.RULE_node,
            NetcParser.RULE_namespace, NetcParser.RULE_inNamespace, NetcParser.RULE_pod, NetcParser.RULE_workload,
            NetcParser.RULE_service, NetcParser.RULE_endpointSlice, NetcParser.RULE_networkPolicy,
            NetcParser.RULE_policyItem, NetcParser.RULE_adminPolicy, NetcParser.RULE_adminItem,
            NetcParser.RULE_ingressClass, NetcParser.RULE_ingress, NetcParser.RULE_ingressItem,
            NetcParser.RULE_tlsSecret);

    private DslSyntax() {
    }

    public static Parsed parse(String file, String text, Diagnostics diagnostics) {
        // A statement ends with its line: a last line without a newline is still a line.
        String source = text.endsWith("\n") ? text : text + "\n";
        NetcLexer lexer = new NetcLexer(CharStreams.fromString(source, file));
        lexer.removeErrorListeners(); // the lexer cannot fail: OTHER takes any character
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        NetcParser parser = new NetcParser(tokens);
        parser.removeErrorListeners();
        Reporter reporter = new Reporter(file, diagnostics);
        parser.setErrorHandler(reporter);
        NetcParser.FileContext tree = parser.file();
        return new Parsed(tree, tokens, reporter.errors == 0);
    }

    /** Position of a token, 1-based. */
    static SourcePos pos(String file, Token t) {
        return new SourcePos(file, t.getLine(), t.getCharPositionInLine() + 1);
    }

    // ---- messages ------------------------------------------------------------------------------------------

    private static final class Reporter extends DefaultErrorStrategy {
        private final String file;
        private final Diagnostics diagnostics;
        private int errors;
        private int lastErrorLine = -1;
        private int lastRecoverIndex = -1;

        Reporter(String file, Diagnostics diagnostics) {
            this.file = file;
            this.diagnostics = diagnostics;
        }

        @Override
        public void reportError(Parser recognizer, RecognitionException e) {
            if (inErrorRecoveryMode(recognizer)) return;
            beginErrorCondition(recognizer);
            IntervalSet expected = e instanceof NoViableAltException || e instanceof InputMismatchException
                    ? e.getExpectedTokens() : recognizer.getExpectedTokens();
            report(recognizer, e.getOffendingToken() != null ? e.getOffendingToken() : recognizer.getCurrentToken(),
                    expected);
        }

        @Override
        protected void reportUnwantedToken(Parser recognizer) {
            if (inErrorRecoveryMode(recognizer)) return;
            beginErrorCondition(recognizer);
            report(recognizer, recognizer.getCurrentToken(), getExpectedTokens(recognizer));
        }

        @Override
        protected void reportMissingToken(Parser recognizer) {
            if (inErrorRecoveryMode(recognizer)) return;
            beginErrorCondition(recognizer);
            report(recognizer, recognizer.getCurrentToken(), getExpectedTokens(recognizer));
        }

        private void report(Parser parser, Token offending, IntervalSet expected) {
            errors++;
            int line = offending.getType() == Token.EOF ? lastLine(parser) : offending.getLine();
            if (line == lastErrorLine) return; // the same mistake seen again further along its line
            lastErrorLine = line;
            SourcePos at = offending.getType() == Token.EOF
                    ? new SourcePos(file, line, 1) : pos(file, offending);
            String message = "unexpected " + describe(offending) + ", expected "
                    + expectedWords(expected, parser.getContext(), parser.getVocabulary())
                    + closing(offending, parser.getContext())
                    + didYouMean(offending, expected, parser.getVocabulary());
            diagnostics.error(DiagnosticCode.NETC049, at, message);
        }

        /**
         * At a block's loop, a line that cannot start a statement: report it and skip the line (the mistake is
         * one line; what follows it is parsed as if it were not there).
         */
        @Override
        public void sync(Parser recognizer) {
            if (inErrorRecoveryMode(recognizer)) return;
            ATNState s = recognizer.getInterpreter().atn.states.get(recognizer.getState());
            int la = recognizer.getInputStream().LA(1);
            IntervalSet next = recognizer.getATN().nextTokens(s);
            if (next.contains(la) || next.contains(Token.EPSILON) || la == Token.EOF) return;
            switch (s.getStateType()) {
                case ATNState.STAR_LOOP_ENTRY, ATNState.PLUS_LOOP_BACK, ATNState.STAR_LOOP_BACK -> {
                    beginErrorCondition(recognizer);
                    report(recognizer, recognizer.getCurrentToken(), recognizer.getExpectedTokens());
                    skipLine(recognizer, la != NetcLexer.NL, true);
                    endErrorCondition(recognizer);
                }
                default -> {
                }
            }
        }

        /** After an error inside a statement: skip to the end of its line (a block it opened included). */
        @Override
        public void recover(Parser recognizer, RecognitionException e) {
            int index = recognizer.getInputStream().index();
            boolean stuck = index == lastRecoverIndex;
            lastRecoverIndex = index;
            // A rule that owns a block gives up on it whole; a part of a header (a missing name) stops at its '{'.
            skipLine(recognizer, stuck, BLOCK_OWNERS.contains(recognizer.getContext().getRuleIndex()));
        }

        /**
         * A '{' or '}' that ends its line opens or closes a block: it is never deleted as stray (the line is taken
         * to end before a '}'). One inside a line is a typo like any other token.
         */
        @Override
        protected Token singleTokenDeletion(Parser recognizer) {
            if (endsBlockLine(recognizer) && (recognizer.getInputStream().LA(1) == DslSyntax.LBRACE
                    || closesOnItsLine(recognizer, recognizer.getInputStream().LT(1)))) return null;
            return super.singleTokenDeletion(recognizer);
        }

        /** A '}' typed inside a statement's line is not taken for the end of the statement and of its block. */
        @Override
        protected boolean singleTokenInsertion(Parser recognizer) {
            if (recognizer.getInputStream().LA(1) == DslSyntax.RBRACE
                    && !(endsBlockLine(recognizer) && closesOnItsLine(recognizer, recognizer.getInputStream().LT(1)))) {
                return false;
            }
            return super.singleTokenInsertion(recognizer);
        }

        /** The next token is a '{' or '}' that ends its line. */
        private static boolean endsBlockLine(Parser recognizer) {
            int la = recognizer.getInputStream().LA(1);
            int next = recognizer.getInputStream().LA(2);
            return (la == DslSyntax.LBRACE || la == DslSyntax.RBRACE) && (next == NetcLexer.NL || next == Token.EOF);
        }

        /** A '}' alone on its line, or closing a '{' of its own line; not one typed after a statement. */
        private static boolean closesOnItsLine(Parser recognizer, Token brace) {
            TokenStream tokens = recognizer.getInputStream();
            int open = 0;
            boolean alone = true;
            for (int i = brace.getTokenIndex() - 1; i >= 0; i--) {
                Token t = tokens.get(i);
                if (t.getType() == NetcLexer.NL) break;
                if (t.getChannel() != Token.DEFAULT_CHANNEL) continue;
                alone = false;
                if (t.getType() == DslSyntax.LBRACE) open++;
                if (t.getType() == DslSyntax.RBRACE) open--;
            }
            return alone || open > 0;
        }

        /**
         * Consumes the rest of the line, up to its end-of-line token (left for the line rule) or a '}' that closes
         * the enclosing block; with {@code skipBlocks}, a block the line opens is skipped whole, else the skip
         * stops at its '{'. {@code mustMove}: consume at least one token, so that recovery always makes progress.
         */
        private static void skipLine(Parser recognizer, boolean mustMove, boolean skipBlocks) {
            int depth = 0;
            boolean moved = false;
            while (true) {
                int la = recognizer.getInputStream().LA(1);
                if (la == Token.EOF) return;
                boolean block = endsBlockLine(recognizer);
                boolean opens = block && la == DslSyntax.LBRACE;
                boolean closes = block && la == DslSyntax.RBRACE;
                boolean stop = la == NetcLexer.NL || closes || (opens && !skipBlocks);
                if (depth == 0 && stop && (moved || !mustMove)) return;
                if (opens) depth++;
                if (closes && depth > 0) depth--;
                recognizer.consume();
                moved = true;
            }
        }

        private static int lastLine(Parser parser) {
            Token t = parser.getInputStream().LT(-1);
            return t == null ? 1 : Math.max(1, t.getLine());
        }
    }

    /** At the end of the file: which open block is missing its '}'. */
    private static String closing(Token offending, ParserRuleContext ctx) {
        if (offending.getType() != Token.EOF) return "";
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            if (c.children == null) continue;
            boolean opened = false;
            for (ParseTree child : c.children) {
                if (child instanceof TerminalNode tn && tn.getSymbol().getType() == LBRACE) {
                    opened = true;
                }
            }
            if (opened) return " (to close the block opened at line " + c.getStart().getLine() + ")";
        }
        return "";
    }

    /** The token type of a literal such as {@code '{'}. */
    static int literalType(String literal) {
        Vocabulary v = NetcLexer.VOCABULARY;
        for (int i = 0; i <= v.getMaxTokenType(); i++) {
            if (literal.equals(v.getLiteralName(i))) return i;
        }
        throw new IllegalArgumentException("no token " + literal);
    }

    /** How the offending token reads in a message. */
    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case NetcLexer.NL -> "end of line";
            case NetcLexer.BAD_STRING -> t.getText().length() > 1 && t.getText().endsWith("\"")
                    ? "string " + clip(t.getText()) + " with an unknown escape (use \\\\, \\\", \\n, \\r, \\t or \\uXXXX)"
                    : "unterminated string " + clip(t.getText());
            case NetcLexer.OTHER -> "character '" + clip(t.getText()) + "'";
            case NetcLexer.STRING -> clip(t.getText());
            default -> "'" + clip(t.getText()) + "'";
        };
    }

    private static String clip(String s) {
        // Source text as written (its backslashes are the DSL's), anything unsafe in it escaped.
        return dev.netc.ir.Text.sanitize(s.length() > 48 ? s.substring(0, 48) + "..." : s);
    }

    /** The expected token set in words: "a name", "a port number", "'{'", keywords, or a statement of a block. */
    static String expectedWords(IntervalSet expected, ParserRuleContext ctx, Vocabulary vocabulary) {
        Set<String> words = new LinkedHashSet<>();
        List<String> keywords = new ArrayList<>();
        boolean nameExpected = expected.contains(NetcLexer.NAME);
        if (nameExpected && expected.contains(literalType("'!'"))) words.add("a label selector (app=web, tier, !tier, *)");
        if (nameExpected && expected.contains(NetcLexer.RANGE) && expected.contains(NetcLexer.IPV4)) {
            words.add("a label value");
        }
        for (int type : expected.toList()) {
            String literal = vocabulary.getLiteralName(type);
            if (literal != null && isKeyword(literal)) {
                if (!nameExpected) keywords.add(literal);
                continue;
            }
            if (!words.isEmpty() && nameExpected && type != NetcLexer.NL && type != Token.EOF
                    && type != RBRACE && type != literalType("','") && type != literalType("')'")) continue;
            tokenWord(type, literal, nameExpected).ifPresent(words::add);
        }
        List<String> parts = new ArrayList<>();
        if (keywords.size() > 4) {
            // "a service statement or '}'": the line ends and the file ends are implied.
            parts.add(statementOf(ctx));
            words.remove("end of line");
            words.remove("end of file");
        } else {
            parts.addAll(keywords);
        }
        parts.addAll(words);
        if (parts.isEmpty()) return "something else";
        if (parts.size() == 1) return parts.get(0);
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
    }

    private static Optional<String> tokenWord(int type, String literal, boolean nameExpected) {
        return switch (type) {
            case NetcLexer.NAME -> Optional.of("a name");
            case NetcLexer.STRING -> nameExpected ? Optional.empty() : Optional.of("a quoted string");
            case NetcLexer.NUMBER -> Optional.of("a number");
            case NetcLexer.RANGE -> Optional.of("a port range");
            case NetcLexer.IPV4, NetcLexer.IPV6 -> Optional.of("an IP address");
            case NetcLexer.CIDR4, NetcLexer.CIDR6 -> Optional.of("a CIDR");
            case NetcLexer.WILDCARD -> Optional.of("a wildcard host");
            case NetcLexer.NL -> Optional.of("end of line");
            case Token.EOF -> Optional.of("end of file");
            case NetcLexer.BAD_STRING, NetcLexer.OTHER, NetcLexer.WS, NetcLexer.COMMENT -> Optional.empty();
            default -> Optional.ofNullable(literal);
        };
    }

    static boolean isKeyword(String literal) {
        return literal.length() > 3 && Character.isLetter(literal.charAt(1));
    }

    /** "a service statement": the kind of block the parser is in, from its rule. */
    private static String statementOf(ParserRuleContext ctx) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            String what = switch (c.getRuleIndex()) {
                case NetcParser.RULE_file, NetcParser.RULE_decl -> "a declaration (cluster, namespace, in, node,"
                        + " ingress-class, admin-network-policy)";
                case NetcParser.RULE_cluster, NetcParser.RULE_clusterItem -> "a cluster statement";
                case NetcParser.RULE_node, NetcParser.RULE_nodeItem -> "a node statement";
                case NetcParser.RULE_namespace, NetcParser.RULE_namespaceItem -> "a namespace statement or object";
                case NetcParser.RULE_inNamespace, NetcParser.RULE_object -> "an object (pod, deployment, service,"
                        + " network-policy, ingress, ...)";
                case NetcParser.RULE_pod, NetcParser.RULE_podItem -> "a pod statement";
                case NetcParser.RULE_workload, NetcParser.RULE_workloadItem -> "a workload statement";
                case NetcParser.RULE_service, NetcParser.RULE_serviceItem -> "a service statement";
                case NetcParser.RULE_endpointSlice, NetcParser.RULE_sliceItem -> "an endpoint-slice statement";
                case NetcParser.RULE_endpointOption -> "an endpoint option";
                case NetcParser.RULE_networkPolicy, NetcParser.RULE_policyItem -> "a network-policy statement";
                case NetcParser.RULE_ruleItem, NetcParser.RULE_adminRuleItem -> "'from', 'to' or 'port'";
                case NetcParser.RULE_adminPolicy, NetcParser.RULE_adminItem -> "an admin-network-policy statement";
                case NetcParser.RULE_ingressClass, NetcParser.RULE_ingressClassItem -> "an ingress-class statement";
                case NetcParser.RULE_ingress, NetcParser.RULE_ingressItem -> "an ingress statement";
                case NetcParser.RULE_tlsSecret, NetcParser.RULE_tlsSecretItem -> "a tls-secret statement";
                default -> null;
            };
            if (what != null) return what;
        }
        return "a statement";
    }

    /** A keyword one or two edits away from what was written (the shared {@link Suggest}). */
    private static String didYouMean(Token offending, IntervalSet expected, Vocabulary vocabulary) {
        if (offending.getType() != NetcLexer.NAME || offending.getText().length() < 2) return "";
        List<String> keywords = new ArrayList<>();
        for (int type : expected.toList()) {
            String literal = vocabulary.getLiteralName(type);
            if (literal != null && isKeyword(literal)) keywords.add(literal);
        }
        return Suggest.closest(offending.getText(), keywords, l -> l.substring(1, l.length() - 1))
                .map(best -> " (did you mean " + best + "?)").orElse("");
    }
}
