package dev.netc.applier.nft;

import dev.netc.applier.RulesSyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nft text — an artifact, or what {@code nft list} prints — read into the commands it holds and the tables
 * they leave behind, each table as named sets, maps and chains. Whitespace is normalised and set elements
 * are kept one by one, so two texts that describe the same objects compare equal object by object, and the
 * differences between an applied artifact and a new one can be installed as one small transaction.
 *
 * <p>The reader knows nft's block structure (tables; chains, sets, maps and other named objects inside
 * them), strings, comments and statement separators; everything inside a statement is kept as text.
 */
public record NftRuleset(List<Command> commands, SortedMap<TableId, Table> tables) {
    public NftRuleset {
        commands = List.copyOf(commands);
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables));
    }

    /** A table: its family and name, as in {@code table ip netc}. */
    public record TableId(String family, String name) implements Comparable<TableId> {
        @Override
        public int compareTo(TableId o) {
            int c = family.compareTo(o.family);
            return c != 0 ? c : name.compareTo(o.name);
        }

        @Override
        public String toString() {
            return family + " " + name;
        }
    }

    /** One statement with the line it started on (1-based) in the text it was read from. */
    public record Stmt(String text, int line) {
    }

    /** A top-level command: a table block, {@code delete table …}, or something else (kept as text). */
    public record Command(Kind kind, Optional<TableId> table, String text, int line, int endLine, boolean emptyBlock) {
        public enum Kind { TABLE_BLOCK, DELETE_TABLE, FLUSH_TABLE, OTHER }
    }

    public record Chain(String name, List<Stmt> header, List<Stmt> rules, int line) {
        public Chain {
            header = List.copyOf(header);
            rules = List.copyOf(rules);
        }

        public List<String> ruleTexts() {
            return rules.stream().map(Stmt::text).toList();
        }

        public List<String> headerTexts() {
            return header.stream().map(Stmt::text).toList();
        }

        public boolean base() {
            return header.stream().anyMatch(s -> s.text().startsWith("type "));
        }
    }

    /** A set or a map ({@code keyword}); elements of a dynamic set are filled by the datapath and not compared. */
    public record NSet(String keyword, String name, List<Stmt> declaration, List<Element> elements, boolean dynamic, int line) {
        public NSet {
            declaration = List.copyOf(declaration);
            elements = List.copyOf(elements);
        }

        public List<String> declarationTexts() {
            return declaration.stream().map(Stmt::text).toList();
        }
    }

    /** One element as written ({@code 10.0.0.1 . tcp . 80 comment "x" : goto c}) and its key ({@code 10.0.0.1 . tcp . 80}). */
    public record Element(String text, String key, int line) {
    }

    /** Any other named object (counter, quota, flowtable, ct helper…): compared as a whole. */
    public record Other(String header, List<Stmt> body, int line) {
        public Other {
            body = List.copyOf(body);
        }
    }

    public record Table(TableId id, List<Stmt> attributes, SortedMap<String, Chain> chains, SortedMap<String, NSet> sets,
                        SortedMap<String, Other> others) {
        public Table {
            attributes = List.copyOf(attributes);
            chains = Collections.unmodifiableSortedMap(new TreeMap<>(chains));
            sets = Collections.unmodifiableSortedMap(new TreeMap<>(sets));
            others = Collections.unmodifiableSortedMap(new TreeMap<>(others));
        }

        Table merge(Table more) {
            List<Stmt> attrs = new ArrayList<>(attributes);
            attrs.addAll(more.attributes);
            SortedMap<String, Chain> ch = new TreeMap<>(chains);
            more.chains.forEach((n, c) -> ch.merge(n, c, (a, b) -> {
                List<Stmt> rules = new ArrayList<>(a.rules());
                rules.addAll(b.rules());
                return new Chain(n, a.header().isEmpty() ? b.header() : a.header(), rules, a.line());
            }));
            SortedMap<String, NSet> st = new TreeMap<>(sets);
            more.sets.forEach((n, s) -> st.merge(n, s, (a, b) -> {
                List<Element> els = new ArrayList<>(a.elements());
                els.addAll(b.elements());
                return new NSet(a.keyword(), n, a.declaration().isEmpty() ? b.declaration() : a.declaration(), els, a.dynamic() || b.dynamic(), a.line());
            }));
            SortedMap<String, Other> ot = new TreeMap<>(others);
            ot.putAll(more.others);
            return new Table(id, attrs, ch, st, ot);
        }
    }


    static final Pattern TABLE_HEADER = Pattern.compile("table(?: (ip|ip6|inet|arp|bridge|netdev))? (\\S+)");
    /** The keywords of a table's named objects ({@code chain NAME {}, {@code ct helper NAME {}, …). */
    static final List<String> OBJECT_KEYWORDS = List.of("chain", "set", "map", "flowtable", "counter", "quota", "limit", "secmark",
            "synproxy", "ct helper", "ct timeout", "ct expectation");
    static final Pattern OBJECT_HEADER = Pattern.compile("(" + String.join("|", OBJECT_KEYWORDS) + ") (\\S+)");
    private static final Pattern TABLE_COMMAND = Pattern.compile("(delete|flush|add|create|destroy) table(?: (ip|ip6|inet|arp|bridge|netdev))? (\\S+)");

    public static NftRuleset parse(String text) throws RulesSyntaxException {
        return parse(text, 1);
    }

    /** Reads {@code text} whose first line is line {@code firstLine} of the file it comes from. */
    public static NftRuleset parse(String text, int firstLine) throws RulesSyntaxException {
        Block root = new Reader(text, firstLine).read();
        List<Command> commands = new ArrayList<>();
        Map<TableId, Table> tables = new LinkedHashMap<>();
        for (Object item : root.items) {
            if (item instanceof Stmt s) {
                Matcher m = TABLE_COMMAND.matcher(s.text());
                if (m.matches()) {
                    TableId id = new TableId(m.group(2) == null ? "ip" : m.group(2), m.group(3));
                    switch (m.group(1)) {
                        case "delete", "destroy" -> {
                            commands.add(new Command(Command.Kind.DELETE_TABLE, Optional.of(id), s.text(), s.line(), s.line(), false));
                            tables.remove(id);
                        }
                        case "flush" -> commands.add(new Command(Command.Kind.FLUSH_TABLE, Optional.of(id), s.text(), s.line(), s.line(), false));
                        default -> {
                            commands.add(new Command(Command.Kind.TABLE_BLOCK, Optional.of(id), s.text(), s.line(), s.line(), true));
                            tables.merge(id, emptyTable(id), Table::merge);
                        }
                    }
                } else {
                    commands.add(new Command(Command.Kind.OTHER, Optional.empty(), s.text(), s.line(), s.line(), false));
                }
            } else {
                Block b = (Block) item;
                Matcher m = TABLE_HEADER.matcher(b.header);
                if (!m.matches()) throw new RulesSyntaxException(b.line, "unexpected block: " + b.header);
                TableId id = new TableId(m.group(1) == null ? "ip" : m.group(1), m.group(2));
                Table t = table(id, b);
                commands.add(new Command(Command.Kind.TABLE_BLOCK, Optional.of(id), "table " + id, b.line, b.endLine, b.items.isEmpty()));
                tables.merge(id, t, Table::merge);
            }
        }
        return new NftRuleset(commands, new TreeMap<>(tables));
    }

    private static Table emptyTable(TableId id) {
        return new Table(id, List.of(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());
    }

    private static Table table(TableId id, Block b) throws RulesSyntaxException {
        List<Stmt> attributes = new ArrayList<>();
        SortedMap<String, Chain> chains = new TreeMap<>();
        SortedMap<String, NSet> sets = new TreeMap<>();
        SortedMap<String, Other> others = new TreeMap<>();
        for (Object item : b.items) {
            if (item instanceof Stmt s) {
                attributes.add(s);
                continue;
            }
            Block o = (Block) item;
            Matcher m = OBJECT_HEADER.matcher(o.header);
            if (!m.matches()) throw new RulesSyntaxException(o.line, "unexpected block in table " + id + ": " + o.header);
            String kind = m.group(1);
            String name = m.group(2);
            List<Stmt> stmts = new ArrayList<>();
            for (Object x : o.items) {
                if (x instanceof Stmt s) stmts.add(s);
                else throw new RulesSyntaxException(((Block) x).line, "unexpected block in " + kind + " " + name);
            }
            switch (kind) {
                case "chain" -> {
                    List<Stmt> header = new ArrayList<>();
                    List<Stmt> rules = new ArrayList<>();
                    for (Stmt s : stmts) {
                        if (isChainHeader(s.text())) header.add(s);
                        else rules.add(s);
                    }
                    Chain c = new Chain(name, header, rules, o.line);
                    chains.merge(name, c, (x, y) -> {
                        List<Stmt> r = new ArrayList<>(x.rules());
                        r.addAll(y.rules());
                        return new Chain(name, x.header().isEmpty() ? y.header() : x.header(), r, x.line());
                    });
                }
                case "set", "map" -> {
                    List<Stmt> decl = new ArrayList<>();
                    List<Element> elements = new ArrayList<>();
                    for (Stmt s : stmts) {
                        if (s.text().startsWith("elements =") || s.text().startsWith("elements=")) elements.addAll(elements(s));
                        else decl.add(s);
                    }
                    boolean dynamic = decl.stream().anyMatch(s -> s.text().startsWith("flags ") && s.text().matches("flags .*\\bdynamic\\b.*"));
                    sets.put(name, new NSet(kind, name, decl, elements, dynamic, o.line));
                }
                default -> others.put(kind + " " + name, new Other(kind + " " + name, stmts, o.line));
            }
        }
        return new Table(id, attributes, chains, sets, others);
    }

    private static boolean isChainHeader(String s) {
        return s.startsWith("type ") || s.startsWith("policy ") || s.startsWith("comment ") || s.startsWith("devices ");
    }

    /** The elements of {@code elements = { a, b }}: split at commas outside strings and inner braces. */
    static List<Element> elements(Stmt s) {
        String t = s.text();
        int open = t.indexOf('{');
        int close = t.lastIndexOf('}');
        if (open < 0 || close < open) return List.of();
        List<Element> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quote = false;
        int depth = 0;
        for (int i = open + 1; i < close; i++) {
            char c = t.charAt(i);
            if (quote) {
                cur.append(c);
                if (c == '"') quote = false;
            } else if (c == '"') {
                quote = true;
                cur.append(c);
            } else if (c == '{') {
                depth++;
                cur.append(c);
            } else if (c == '}') {
                depth--;
                cur.append(c);
            } else if (c == ',' && depth == 0) {
                add(out, cur, s.line());
            } else {
                cur.append(c);
            }
        }
        add(out, cur, s.line());
        return out;
    }

    private static void add(List<Element> out, StringBuilder cur, int line) {
        String e = cur.toString().strip();
        cur.setLength(0);
        if (!e.isEmpty()) out.add(new Element(e, key(e), line));
    }

    /** An element's key: its text before {@code :} (a map's value), without comment, timeout, expires or counter. */
    static String key(String element) {
        List<String> tokens = tokens(element);
        List<String> key = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String tok = tokens.get(i);
            if (tok.equals(":")) break;
            if (tok.equals("comment") || tok.equals("timeout") || tok.equals("expires")) {
                i++;
                continue;
            }
            if (tok.equals("counter")) {
                while (i + 1 < tokens.size() && (tokens.get(i + 1).equals("packets") || tokens.get(i + 1).equals("bytes"))) i += 2;
                continue;
            }
            key.add(tok);
        }
        return String.join(" ", key);
    }

    /** Splits at spaces outside strings. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quote = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') quote = !quote;
            if (c == ' ' && !quote) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** The canonical text of one table: nft syntax, objects sorted by name, elements sorted, dynamic elements left out. */
    public static String canonical(Table t) {
        StringBuilder b = new StringBuilder("table ").append(t.id()).append(" {\n");
        for (Stmt s : t.attributes()) b.append('\t').append(s.text()).append('\n');
        for (NSet s : t.sets().values()) {
            b.append('\t').append(s.keyword()).append(' ').append(s.name()).append(" {\n");
            for (Stmt d : s.declaration()) b.append("\t\t").append(d.text()).append('\n');
            if (!s.dynamic() && !s.elements().isEmpty()) {
                List<String> els = s.elements().stream().map(Element::text).sorted().toList();
                b.append("\t\telements = { ").append(String.join(",\n\t\t\t", els)).append(" }\n");
            }
            b.append("\t}\n");
        }
        for (Other o : t.others().values()) {
            b.append('\t').append(o.header()).append(" {\n");
            for (Stmt s : o.body()) b.append("\t\t").append(s.text()).append('\n');
            b.append("\t}\n");
        }
        for (Chain c : t.chains().values()) {
            b.append("\tchain ").append(c.name()).append(" {\n");
            if (!c.header().isEmpty()) b.append("\t\t").append(String.join("; ", c.headerTexts())).append(";\n");
            for (Stmt r : c.rules()) b.append("\t\t").append(r.text()).append('\n');
            b.append("\t}\n");
        }
        return b.append("}\n").toString();
    }

    public String canonical() {
        return canonical(tables);
    }

    /** The canonical text of several tables, in the order of their ids. */
    public static String canonical(SortedMap<TableId, Table> tables) {
        StringBuilder b = new StringBuilder();
        for (Table t : tables.values()) b.append(canonical(t));
        return b.toString();
    }

    /** A block read from the text: its header (before {), the line it starts and ends on, statements and blocks. */
    private static final class Block {
        final String header;
        final int line;
        final int level;
        int endLine;
        final List<Object> items = new ArrayList<>();

        Block(String header, int line, int level) {
            this.header = header;
            this.line = line;
            this.level = level;
        }
    }

    /**
     * Splits text into statements and blocks. A brace opens a block only for a table at the top and for a named
     * object inside a table; any other brace (anonymous sets, verdict maps, element lists) belongs to its statement.
     */
    private static final class Reader {
        private final String s;
        private int line;

        Reader(String s, int firstLine) {
            this.s = s;
            this.line = firstLine;
        }

        Block read() throws RulesSyntaxException {
            List<Block> stack = new ArrayList<>();
            Block root = new Block("", line, 0);
            stack.add(root);
            StringBuilder buf = new StringBuilder();
            int stmtLine = line;
            boolean started = false;
            int inline = 0;
            boolean quote = false;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                Block top = stack.get(stack.size() - 1);
                if (quote) {
                    buf.append(c);
                    if (c == '"') quote = false;
                    if (c == '\n') line++;
                    continue;
                }
                if (!started && !Character.isWhitespace(c) && c != '#' && c != ';' && c != '}') {
                    started = true;
                    stmtLine = line;
                }
                switch (c) {
                    case '"' -> {
                        quote = true;
                        buf.append(c);
                    }
                    case '#' -> {
                        while (i + 1 < s.length() && s.charAt(i + 1) != '\n') i++;
                    }
                    case '{' -> {
                        if (inline == 0 && opens(top.level, norm(buf.toString()))) {
                            stack.add(new Block(norm(buf.toString()), stmtLine, top.level + 1));
                            buf.setLength(0);
                            started = false;
                        } else {
                            inline++;
                            buf.append(" { ");
                        }
                    }
                    case '}' -> {
                        if (inline > 0) {
                            inline--;
                            buf.append(" } ");
                        } else {
                            flush(top, buf, stmtLine);
                            started = false;
                            if (stack.size() == 1) throw new RulesSyntaxException(line, "'}' closes nothing");
                            stack.remove(stack.size() - 1);
                            top.endLine = line;
                            stack.get(stack.size() - 1).items.add(top);
                        }
                    }
                    case '\n' -> {
                        if (inline > 0) {
                            buf.append(' ');
                        } else {
                            flush(top, buf, stmtLine);
                            started = false;
                        }
                        line++;
                    }
                    case ';' -> {
                        if (inline > 0) {
                            buf.append(';');
                        } else {
                            flush(top, buf, stmtLine);
                            started = false;
                        }
                    }
                    default -> buf.append(c);
                }
            }
            if (quote) throw new RulesSyntaxException(line, "unterminated string");
            if (inline > 0) throw new RulesSyntaxException(line, "unclosed '{'");
            Block top = stack.get(stack.size() - 1);
            flush(top, buf, stmtLine);
            if (stack.size() > 1) throw new RulesSyntaxException(top.line, "'" + top.header + " {' is not closed");
            return root;
        }

        private static boolean opens(int level, String header) {
            if (level == 0) return TABLE_HEADER.matcher(header).matches();
            if (level == 1) return OBJECT_HEADER.matcher(header).matches();
            return false;
        }

        private static void flush(Block top, StringBuilder buf, int stmtLine) {
            String t = norm(buf.toString());
            buf.setLength(0);
            if (!t.isEmpty()) top.items.add(new Stmt(t, stmtLine));
        }
    }

    /** Collapses runs of whitespace outside strings and around braces to single spaces. */
    static String norm(String s) {
        StringBuilder b = new StringBuilder();
        boolean quote = false;
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') quote = !quote;
            if (!quote && Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && b.length() > 0) b.append(' ');
            space = false;
            b.append(c);
        }
        return b.toString();
    }
}
