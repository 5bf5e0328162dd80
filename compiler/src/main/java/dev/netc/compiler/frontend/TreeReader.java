package dev.netc.compiler.frontend;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlNode.Entry;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.ScalarType;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Reads one input into positioned documents with Jackson's streaming parsers (YAML, or JSON for
 * {@code .json} files), enforcing netc's YAML safety rules as it goes: anchors, aliases and merge keys
 * ({@code <<}) are expanded as kubectl (go-yaml v3) does, within the document's value bound (every value an
 * alias stands for counts); no tags, no duplicate keys, bounded size, value count and depth. A document that breaks a rule is reported
 * once and dropped; a syntax error ends the file (the parser cannot resume after one).
 */
final class TreeReader {
    private static final String YAML_TAG_PREFIX = "tag:yaml.org,2002:";
    private static final int MAX_MESSAGE = 160;

    private final Limits limits;
    private final YAMLFactory yaml;
    private final JsonFactory json;

    TreeReader(Limits limits) {
        this.limits = limits;
        LoaderOptions options = new LoaderOptions();
        // SnakeYAML counts code points per document; a char-based bound of ours is never looser than it.
        options.setCodePointLimit(limits.maxDocumentChars());
        // These two are enforced by SnakeYAML's composer, which Jackson's streaming path does not use;
        // they are set for any code path that does, and checked again below.
        options.setNestingDepthLimit(limits.maxDepth());
        options.setMaxAliasesForCollections(1);
        // Duplicate keys are left to the tree builder (NETC003 with both positions); Jackson would turn
        // allowDuplicateKeys=false into its own generic parse error first.
        options.setAllowDuplicateKeys(true);
        this.yaml = new EventYamlFactory(YAMLFactory.builder().loaderOptions(options));
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(limits.maxDocumentChars())
                        .maxNumberLength(1000)
                        .build())
                .build();
    }

    /**
     * The documents of {@code source}, in order; empty documents are left out. {@code .json} files are JSON.
     * Other input that starts like JSON (standard input from {@code kubectl -o json}, often tab-indented,
     * which YAML refuses) is read as JSON when it is JSON, else as YAML (a YAML flow collection).
     */
    List<YamlNode> read(InputSource source, Diagnostics diagnostics) {
        List<YamlNode> docs = new ArrayList<>();
        read(source, diagnostics, docs::add);
        return List.copyOf(docs);
    }

    /**
     * As {@link #read(InputSource, Diagnostics)}, handing each document to {@code sink} as soon as it is read, so
     * that a file of many documents (a repository's manifests, a {@code kubectl get} dump in pages) never holds
     * more than one tree. Input that starts like JSON is read whole, since which reading counts is known only
     * at its end (it is one document in practice).
     */
    void read(InputSource source, Diagnostics diagnostics, Consumer<YamlNode> sink) {
        String file = source.path();
        String text = decodeUtf8(file, source.content(), diagnostics);
        if (text == null) return;
        if (file.endsWith(".json")) {
            parse(file, text, true, diagnostics, sink);
            return;
        }
        if (!startsLikeJson(text)) {
            parse(file, text, false, diagnostics, sink);
            return;
        }
        Diagnostics asJson = new Diagnostics();
        List<YamlNode> jsonDocs = new ArrayList<>();
        parse(file, text, true, asJson, jsonDocs::add);
        if (!hasSyntaxError(asJson)) {
            keep(jsonDocs, asJson, diagnostics, sink);
            return;
        }
        Diagnostics asYaml = new Diagnostics();
        List<YamlNode> yamlDocs = new ArrayList<>();
        parse(file, text, false, asYaml, yamlDocs::add);
        // Broken either way: it looked like JSON, so JSON's complaint is the one that helps.
        if (hasSyntaxError(asYaml)) keep(jsonDocs, asJson, diagnostics, sink);
        else keep(yamlDocs, asYaml, diagnostics, sink);
    }

    private static boolean hasSyntaxError(Diagnostics d) {
        return d.sorted().stream().anyMatch(x -> x.code() == DiagnosticCode.NETC001);
    }

    private static void keep(List<YamlNode> docs, Diagnostics found, Diagnostics diagnostics, Consumer<YamlNode> sink) {
        found.sorted().forEach(diagnostics::report);
        docs.forEach(sink);
    }

    private static boolean startsLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) return c == '{' || c == '[';
        }
        return false;
    }

    private void parse(String file, String input, boolean isJson, Diagnostics diagnostics, Consumer<YamlNode> sink) {
        String text = isJson ? input : withoutOversizedDocuments(file, input, diagnostics);
        Document doc = null;
        try (JsonParser p = isJson ? json.createParser(text) : yaml.createParser(new StringReader(text))) {
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) break;
                doc = new Document(file, position(file, p), p.currentTokenLocation().getCharOffset());
                try {
                    YamlNode node = value(p, t, 1, doc);
                    if (!(node instanceof Scalar s && s.isNull())) sink.accept(node);
                } catch (Rejected r) {
                    diagnostics.error(r.code, r.pos, r.getMessage());
                    if (!skipDocument(p)) break;
                }
            }
        } catch (JsonProcessingException e) {
            reportSyntax(file, e, isJson, doc, diagnostics);
        } catch (IOException | RuntimeException e) {
            // The parsers read from a String: any other failure is still a problem of the input's syntax.
            diagnostics.error(DiagnosticCode.NETC001, doc != null ? doc.start : new SourcePos(file, 1, 1),
                    isJson ? "malformed JSON" : "malformed YAML");
        }
    }

    // ---- size before parsing -------------------------------------------------------------------------------

    /**
     * The text with every YAML document longer than the bound reported (NETC004) and blanked, before the parser
     * sees it. SnakeYAML checks its code point limit only between tokens, and it scans one long scalar in
     * quadratic time (a 10 MB scalar took minutes and over a gigabyte): so the bound is applied to the raw
     * text. Documents are told apart by the lines that start with a marker ({@code ---} or {@code ...} at
     * column 1), which can never be inside a document; a piece between two markers is never longer than the
     * document it belongs to, so a document within the bound is never refused here. The parser's cost grows
     * with the square of the longest run of characters without a blank or line break (the most it reads as one
     * piece of a scalar), so that run is bounded too. Refused documents keep their line breaks, so the
     * positions of the other documents are unchanged.
     */
    private String withoutOversizedDocuments(String file, String text, Diagnostics diagnostics) {
        if (text.length() <= Math.min(limits.maxDocumentChars(), limits.maxScalarChars())) return text;
        StringBuilder out = null;
        int copied = 0;
        int line = 1;
        int pieceStart = 0;
        int pieceLine = 1;
        SourcePos longRun = null;
        // Line by line: a run has no line break in it, so only a line at least as long as the bound is scanned for
        // one; the others cost a search for the next line break.
        for (int lineStart = 0; ; ) {
            boolean end = lineStart == text.length();
            int nl = end ? -1 : text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? text.length() : nl;
            boolean marker = !end && isMarker(text, lineStart);
            if (end || marker) {
                int[] content = contentSpan(text, pieceStart, lineStart);
                String problem = null;
                SourcePos at = null;
                if (content[1] - content[0] > limits.maxDocumentChars()) {
                    problem = "document is larger than " + limits.maxDocumentChars() + " characters";
                    at = positionOf(file, text, pieceStart, pieceLine, content[0]);
                } else if (longRun != null) {
                    problem = "value longer than " + limits.maxScalarChars() + " characters without a blank or line"
                            + " break: document not read";
                    at = longRun;
                }
                if (problem != null) {
                    diagnostics.error(DiagnosticCode.NETC004, at, problem);
                    if (out == null) out = new StringBuilder();
                    out.append(text, copied, pieceStart);
                    for (int k = pieceStart; k < lineStart; k++) if (text.charAt(k) == '\n') out.append('\n');
                    copied = lineStart;
                }
                if (end) break;
                pieceStart = lineStart + 3;
                pieceLine = line;
                longRun = null;
            }
            if (longRun == null && lineEnd - lineStart > limits.maxScalarChars()) {
                // The marker's own three characters belong to no piece, but they never start a long run: a run
                // that includes them has a blank or line break right after them.
                longRun = longRun(file, text, line, lineStart, marker ? lineStart + 3 : lineStart, lineEnd);
            }
            if (nl < 0) {
                lineStart = text.length();
            } else {
                lineStart = nl + 1;
                line++;
            }
        }
        if (out == null) return text;
        out.append(text, copied, text.length());
        return out.toString();
    }

    /** Where the first run longer than the bound in {@code text[from, to)} starts, on the line at {@code lineStart}. */
    private SourcePos longRun(String file, String text, int line, int lineStart, int from, int to) {
        int runStart = from;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                runStart = i + 1;
            } else if (i - runStart >= limits.maxScalarChars()) {
                return new SourcePos(file, line, runStart - lineStart + 1);
            }
        }
        return null;
    }

    /** {@code ---} or {@code ...} at {@code i}, followed by a blank, a line break or the end. */
    private static boolean isMarker(String text, int i) {
        if (!text.startsWith("---", i) && !text.startsWith("...", i)) return false;
        if (i + 3 == text.length()) return true;
        char c = text.charAt(i + 3);
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Offsets of the first and one past the last character of {@code [from, to)} that is not blank or a comment. */
    private static int[] contentSpan(String text, int from, int to) {
        int a = from;
        while (a < to) {
            char c = text.charAt(a);
            if (c == '#') {
                while (a < to && text.charAt(a) != '\n') a++;
            } else if (Character.isWhitespace(c) || c == '\uFEFF') {
                a++;
            } else {
                break;
            }
        }
        int b = to;
        while (b > a && Character.isWhitespace(text.charAt(b - 1))) b--;
        return new int[] {a, b};
    }

    private static SourcePos positionOf(String file, String text, int from, int fromLine, int at) {
        int line = fromLine;
        int lineStart = from;
        for (int k = from; k < at; k++) {
            if (text.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        if (lineStart == from && from > 0 && text.charAt(from - 1) != '\n') {
            // The content follows a marker on its own line ("--- {…}"): count the column from the line start.
            lineStart = text.lastIndexOf('\n', from - 1) + 1;
        }
        return new SourcePos(file, line, at - lineStart + 1);
    }

    // ---- the tree ------------------------------------------------------------------------------------------

    private YamlNode value(JsonParser p, JsonToken t, int depth, Document doc) throws IOException, Rejected {
        SourcePos pos = position(doc.file, p);
        doc.count(p, limits);
        if (depth > limits.maxDepth())
            throw new Rejected(DiagnosticCode.NETC005, pos, "document nested deeper than " + limits.maxDepth()
                    + " levels");
        Event event = p instanceof EventYamlFactory.EventParser ep ? ep.event() : null;
        if (event instanceof AliasEvent a) return doc.alias(a.getAnchor(), pos, depth, limits);
        checkTag(event, pos);
        String anchor = event instanceof NodeEvent n ? n.getAnchor() : null;
        if (anchor == null) return node(p, t, pos, depth, doc, event);
        long before = doc.total() - 1; // the node itself was counted above
        int deepest = doc.deepest;
        doc.deepest = depth;
        YamlNode node = node(p, t, pos, depth, doc, event);
        doc.define(anchor, node, doc.total() - before, doc.deepest - depth);
        doc.deepest = Math.max(deepest, doc.deepest);
        return node;
    }

    private YamlNode node(JsonParser p, JsonToken t, SourcePos pos, int depth, Document doc, Event event)
            throws IOException, Rejected {
        doc.deepest = Math.max(doc.deepest, depth);
        switch (t) {
            case START_OBJECT: {
                List<Entry> entries = new ArrayList<>();
                List<Entry> merged = null;
                // The mapping's index, built as it is read once it has more entries than are scanned: it finds
                // duplicate keys too.
                Map<String, Entry> index = null;
                SourcePos mergeAt = null; // where a merge key stood, which a second one (or a "<<" key) repeats
                for (JsonToken k = next(p, doc); k != JsonToken.END_OBJECT; k = next(p, doc)) {
                    if (k != JsonToken.FIELD_NAME)
                        throw new Rejected(DiagnosticCode.NETC001, position(doc.file, p), "mapping key expected");
                    String key = p.currentName();
                    SourcePos keyPos = position(doc.file, p);
                    Event keyEvent = p instanceof EventYamlFactory.EventParser ep ? ep.event() : null;
                    checkTag(keyEvent, keyPos);
                    Entry same = Mapping.find(entries, index, key);
                    SourcePos first = same != null ? same.keyPos() : key.equals("<<") ? mergeAt : null;
                    if (first != null)
                        throw new Rejected(DiagnosticCode.NETC003, keyPos, "duplicate key " + Messages.quote(key)
                                + " (first at line " + first.line() + ")");
                    YamlNode v = value(p, next(p, doc), depth + 1, doc);
                    if (key.equals("<<") && keyEvent instanceof ScalarEvent se
                            && se.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
                        if (merged == null) merged = new ArrayList<>();
                        merge(v, keyPos, merged);
                        mergeAt = keyPos;
                    } else {
                        index = add(entries, index, new Entry(key, keyPos, v));
                    }
                }
                if (merged != null) {
                    // As go-yaml v3 (kubectl): keys written in the mapping win over merged ones, wherever the merge
                    // key stands; of the merged mappings, the first that has a key wins. Merged entries follow the
                    // written ones and keep the positions where they were written (under the anchor).
                    for (Entry e : merged) {
                        if (!e.key().equals("<<") && Mapping.find(entries, index, e.key()) == null)
                            index = add(entries, index, e);
                    }
                }
                return new Mapping(entries, pos, index == null ? Map.of() : index);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                for (JsonToken i = next(p, doc); i != JsonToken.END_ARRAY; i = next(p, doc))
                    items.add(value(p, i, depth + 1, doc));
                return new Sequence(items, pos);
            }
            case VALUE_STRING: {
                String text = p.getText();
                // A plain empty value ("key:") is null in YAML; Jackson hands it over as an empty string.
                if (text.isEmpty() && event instanceof ScalarEvent se
                        && se.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN)
                    return new Scalar(ScalarType.NULL, "", null, pos);
                return new Scalar(ScalarType.STRING, text, null, pos);
            }
            case VALUE_NUMBER_INT: {
                String text = p.getText();
                BigInteger v;
                try {
                    v = p.getBigIntegerValue();
                } catch (IOException | RuntimeException e) {
                    return new Scalar(ScalarType.STRING, text, null, pos);
                }
                return new Scalar(ScalarType.INTEGER, text, v, pos);
            }
            case VALUE_NUMBER_FLOAT:
                return new Scalar(ScalarType.NUMBER, p.getText(), null, pos);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Scalar(ScalarType.BOOLEAN, p.getText(), null, pos);
            case VALUE_NULL:
                return new Scalar(ScalarType.NULL, p.getText() == null ? "" : p.getText(), null, pos);
            default:
                throw new Rejected(DiagnosticCode.NETC001, pos, "unexpected " + t.asString() + " value");
        }
    }

    /** Adds {@code e} (its key is new); the index is made when the entries outgrow a scan. Returns the index. */
    private static Map<String, Entry> add(List<Entry> entries, Map<String, Entry> index, Entry e) {
        entries.add(e);
        if (index != null) {
            index.put(e.key(), e);
        } else if (entries.size() > Mapping.SCANNED) {
            index = new HashMap<>();
            for (Entry x : entries) index.put(x.key(), x);
        }
        return index;
    }

    private static JsonToken next(JsonParser p, Document doc) throws IOException, Rejected {
        JsonToken t = p.nextToken();
        if (t == null) throw new Rejected(DiagnosticCode.NETC001, doc.start, "unexpected end of input");
        return t;
    }

    /**
     * The mappings a merge key ({@code <<}) brings in, in order: its value is a mapping (usually an alias of
     * one) or a list of them, as go-yaml v3 requires.
     */
    private static void merge(YamlNode v, SourcePos keyPos, List<Entry> merged) throws Rejected {
        if (v instanceof Mapping m) {
            merged.addAll(m.entries());
            return;
        }
        if (v instanceof Sequence s && s.items().stream().allMatch(i -> i instanceof Mapping)) {
            for (YamlNode i : s.items()) merged.addAll(((Mapping) i).entries());
            return;
        }
        throw new Rejected(DiagnosticCode.NETC002, keyPos,
                "merge key \"<<\" needs a mapping or a list of mappings, not " + v.describe());
    }

    /** Tags are refused wherever they appear, keys included. */
    private static void checkTag(Event event, SourcePos pos) throws Rejected {
        String tag = event instanceof ScalarEvent s ? s.getTag()
                : event instanceof CollectionStartEvent c ? c.getTag() : null;
        if (tag != null) {
            String shown = tag.startsWith(YAML_TAG_PREFIX) ? "!!" + tag.substring(YAML_TAG_PREFIX.length()) : tag;
            throw new Rejected(DiagnosticCode.NETC044, pos, "tag " + Messages.quote(shown)
                    + " is not accepted (no YAML tags)");
        }
    }

    /** After a rejected document: read on to the end of it. False when that is not possible. */
    private static boolean skipDocument(JsonParser p) {
        try {
            while (p.getParsingContext() != null && !p.getParsingContext().inRoot()) {
                if (p.nextToken() == null) return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // the document was reported already; one diagnostic per mistake
        }
    }

    private static SourcePos position(String file, JsonParser p) {
        if (p instanceof EventYamlFactory.EventParser ep) {
            // The event's mark is what Jackson's location is made of; read directly, it costs no object.
            Mark m = ep.event() == null ? null : ep.event().getStartMark();
            if (m != null) return new SourcePos(file, Math.max(1, m.getLine() + 1), Math.max(1, m.getColumn() + 1));
        }
        JsonLocation l = p.currentTokenLocation();
        return new SourcePos(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    // ---- errors --------------------------------------------------------------------------------------------

    private void reportSyntax(String file, JsonProcessingException e, boolean isJson, Document doc,
                              Diagnostics diagnostics) {
        SourcePos docStart = doc != null ? doc.start : new SourcePos(file, 1, 1);
        if (e instanceof StreamConstraintsException) {
            diagnostics.error(DiagnosticCode.NETC004, docStart, "document is larger than "
                    + limits.maxDocumentChars() + " characters");
            return;
        }
        MarkedYAMLException marked = cause(e, MarkedYAMLException.class);
        if (marked != null && marked.getProblemMark() != null) {
            Mark m = marked.getProblemMark();
            diagnostics.error(DiagnosticCode.NETC001, new SourcePos(file, m.getLine() + 1, m.getColumn() + 1),
                    "malformed YAML: " + yamlProblem(marked));
            return;
        }
        YAMLException plain = cause(e, YAMLException.class);
        if (plain != null && String.valueOf(plain.getMessage()).contains("exceeds the limit")) {
            diagnostics.error(DiagnosticCode.NETC004, docStart, "document is larger than "
                    + limits.maxDocumentChars() + " characters");
            return;
        }
        JsonLocation l = e.getLocation();
        SourcePos pos = l != null && l.getLineNr() > 0
                ? new SourcePos(file, l.getLineNr(), Math.max(1, l.getColumnNr())) : docStart;
        diagnostics.error(DiagnosticCode.NETC001, pos, (isJson ? "malformed JSON: " : "malformed YAML: ")
                + jacksonProblem(e.getOriginalMessage()));
    }

    private static <T extends Throwable> T cause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
            if (c.getCause() == c) break;
        }
        return null;
    }

    /** SnakeYAML's problem text, e.g. "mapping values are not allowed here", without its source excerpt. */
    private static String yamlProblem(MarkedYAMLException e) {
        String problem = firstLine(e.getProblem());
        String context = firstLine(e.getContext());
        String text = problem.isEmpty() ? context : problem + (context.isEmpty() ? "" : " (" + context + ")");
        return text.isEmpty() ? "syntax error" : Messages.escape(Messages.lowerFirst(text), MAX_MESSAGE);
    }

    /** Jackson's message without its location suffix or Java class names. */
    private static String jacksonProblem(String message) {
        String m = firstLine(message);
        for (String cut : new String[] {" at [Source", " (start marker at", ": <org.", " <org."}) {
            int i = m.indexOf(cut);
            if (i >= 0) m = m.substring(0, i);
        }
        if (m.contains("org.yaml") || m.contains("com.fasterxml") || m.contains("Exception")) return "syntax error";
        if (m.startsWith("Expected a field name")) return "mapping keys must be plain values";
        // "Unexpected character ('}' (code 125))" reads better as "unexpected character '}'".
        m = m.replaceAll("\\('(.{1,4})' \\(code \\d+\\)\\)", "'$1'").strip();
        return m.isEmpty() ? "syntax error" : Messages.escape(Messages.lowerFirst(m), MAX_MESSAGE);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }

    // ---- bytes to text -------------------------------------------------------------------------------------

    /** Strict UTF-8 (the encoding of every Kubernetes manifest); a leading byte-order mark is dropped. */
    private static String decodeUtf8(String file, byte[] bytes, Diagnostics diagnostics) {
        // The JDK's own decoding is several times faster than a CharsetDecoder; it replaces what is not UTF-8 by
        // U+FFFD, so only a text that holds one (rare, and then possibly written so) is decoded again strictly.
        String fast = new String(bytes, StandardCharsets.UTF_8);
        if (fast.indexOf('\uFFFD') < 0) return fast.startsWith("\uFEFF") ? fast.substring(1) : fast;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            diagnostics.error(DiagnosticCode.NETC001, new SourcePos(file, line, bad - lineStart + 1),
                    "input is not valid UTF-8");
            return null;
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    // ---- per-document state --------------------------------------------------------------------------------

    /** Counts what one document holds, so the limits apply per document as documented. */
    private static final class Document {
        final String file;
        final SourcePos start;
        final long startOffset;
        int nodes;
        /** Values an alias stands for, beyond the alias itself: counted against the same bound as nodes. */
        long expanded;
        /** The deepest level reached so far under the node being read (for the height of an anchored node). */
        int deepest;
        final Map<String, Anchored> anchors = new HashMap<>();

        Document(String file, SourcePos start, long startOffset) {
            this.file = file;
            this.start = start;
            this.startOffset = Math.max(0, startOffset);
        }

        long total() {
            return nodes + expanded;
        }

        /** A later anchor of the same name replaces an earlier one for the aliases after it, as in YAML. */
        void define(String name, YamlNode node, long size, int height) {
            anchors.put(name, new Anchored(node, size, height));
        }

        /**
         * The node an alias stands for: the anchored node itself (trees are immutable, so sharing it is a copy
         * that keeps the positions where the value was written). Every value it holds counts against the
         * document's value bound, so exponential expansion (billion laughs) is refused at the first alias that
         * goes past it, without building anything.
         */
        YamlNode alias(String name, SourcePos pos, int depth, Limits limits) throws Rejected {
            Anchored a = anchors.get(name);
            if (a == null)
                throw new Rejected(DiagnosticCode.NETC002, pos, "alias \"*" + Messages.clip(name)
                        + "\" has no anchor before it in the document");
            // The alias itself was counted as one value already; its node holds size values.
            expanded += a.size - 1;
            if (total() > limits.maxNodes())
                throw new Rejected(DiagnosticCode.NETC002, pos, "alias \"*" + Messages.clip(name)
                        + "\": document expands past " + limits.maxNodes() + " values through aliases");
            if (depth + a.height > limits.maxDepth())
                throw new Rejected(DiagnosticCode.NETC005, pos, "document nested deeper than " + limits.maxDepth()
                        + " levels (through alias \"*" + Messages.clip(name) + "\")");
            deepest = Math.max(deepest, depth + a.height);
            return a.node;
        }

        void count(JsonParser p, Limits limits) throws Rejected {
            if (++nodes > limits.maxNodes())
                throw new Rejected(DiagnosticCode.NETC004, start, "document has more than " + limits.maxNodes()
                        + " values");
            long end = p instanceof EventYamlFactory.EventParser ep ? ep.endIndex() : p.currentLocation().getCharOffset();
            if (end - startOffset > limits.maxDocumentChars())
                throw new Rejected(DiagnosticCode.NETC004, start, "document is larger than "
                        + limits.maxDocumentChars() + " characters");
        }
    }

    /** An anchored node, the number of values it holds (itself included) and how many levels lie under it. */
    private record Anchored(YamlNode node, long size, int height) {
    }

    /** A document broke a rule: reported once, the document is dropped. */
    private static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final transient DiagnosticCode code;
        final transient SourcePos pos;

        Rejected(DiagnosticCode code, SourcePos pos, String message) {
            super(message, null, false, false);
            this.code = code;
            this.pos = pos;
        }
    }
}
