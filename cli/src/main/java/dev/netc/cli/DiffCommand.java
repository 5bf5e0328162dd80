package dev.netc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.backends.diff.TrafficDiff;
import dev.netc.backends.diff.TrafficRow;
import dev.netc.backends.plan.PlanDumpBackend;
import dev.netc.backends.plan.PlanSections;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Text;
import java.io.ByteArrayInputStream;
import dev.netc.ir.plan.NetworkPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netc diff BASE HEAD}: both sides compiled, the traffic whose fate differs ({@link TrafficDiff}, printed
 * by {@link TrafficText}), and what their plans decide compared section by section (see
 * {@link PlanSections}): each object, each Service port's frontends and endpoints, each node's Local endpoints and
 * each pod's policy, with where each side wrote it. Where a manifest says a thing (its file, its line, the order of
 * documents) is no change. Two plans without a changed section give the same rulesets on every node, so exit 0
 * means no change in behaviour.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares what two inputs (or Git revisions) decide, with where each side says it.",
                "The traffic whose fate changed (rows of source, destination, protocol and ports), then each object,"
                        + " Service port, node's Local endpoints and pod's policy that was added, removed or changed.",
                "BASE and HEAD are manifest files or folders; with --git, revisions of the repository."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:no change in what the plans decide", "1:changes", "2:usage error", "3:a side has input errors"})
final class DiffCommand implements Callable<Integer> {
    static final int EXIT_CHANGES = 1;
    static final int EXIT_SIDE_ERRORS = 3;

    enum Format { text, json, md }

    /** The Markdown's first line, invisible in a comment: how samples/ci/netc-diff-comment.sh finds the comment netc wrote. */
    static final String MARKER = "<!-- netc diff -->";

    /** GitHub's limit on a comment's body: the Markdown is cut to it, saying so. */
    static final int MAX_MARKDOWN = 65_536;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "BASE HEAD | PATH", arity = "0..*",
            description = "without --git: the inputs before and after (manifest files or folders); with --git: the paths in"
                    + " the repository to compare (default: all of it)")
    List<String> args = new java.util.ArrayList<>();

    @Option(names = "--git", paramLabel = "REV[..REV]",
            description = "compare Git revisions, read from the repository's objects (no checkout): A..B the two commits;"
                    + " REV alone the merge base of REV and HEAD against the working tree")
    String git;

    @Option(names = "-C", paramLabel = "DIR", description = "with --git: as if started in DIR (the repository and the PATHs are found from it)")
    Path directory;

    @Option(names = "--format", paramLabel = "text|json|md", description = "text (default), json, or md (a pull request comment)")
    Format format = Format.text;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<NetworkPlan> before;
        Optional<NetworkPlan> after;
        if (git == null) {
            if (args.size() != 2) throw new CommandLine.ParameterException(spec.commandLine(), "BASE and HEAD are needed (or --git REV)");
            before = plan("BASE", args.get(0), load(List.of(args.get(0))), err);
            after = plan("HEAD", args.get(1), load(List.of(args.get(1))), err);
        } else {
            List<Optional<NetworkPlan>> sides = gitSides(err);
            if (sides == null) return Netc.EXIT_USAGE;
            before = sides.get(0);
            after = sides.get(1);
        }
        if (before.isEmpty() || after.isEmpty()) return EXIT_SIDE_ERRORS;
        List<PlanSections.Change> changes = new java.util.ArrayList<>(PlanSections.diff(before.get(), after.get()));
        if (changes.isEmpty()) changes.addAll(unexplained(before.get(), after.get()));
        List<TrafficRow> rows = changes.isEmpty() ? List.of() : TrafficDiff.of(before.get(), after.get());
        if (format == Format.json) {
            out.print(json(rows, changes));
        } else if (format == Format.md) {
            out.print(markdown(rows, changes, MAX_MARKDOWN));
        } else {
            boolean colour = System.console() != null && System.getenv("NO_COLOR") == null;
            for (TrafficRow t : rows) TrafficText.print(out, t, colour);
            if (!rows.isEmpty()) out.println();
            for (PlanSections.Change c : changes) text(out, c);
            out.println(changes.isEmpty() ? "no change" : plural(rows.size(), "traffic row") + ", " + plural(changes.size(), "plan change"));
        }
        out.flush();
        return changes.isEmpty() ? Netc.EXIT_OK : EXIT_CHANGES;
    }

    /** The two sides of {@code --git}, each its plan (empty: it has errors, printed); null when Git refused, said in one line. */
    private List<Optional<NetworkPlan>> gitSides(PrintWriter err) {
        Path cwd = (directory == null ? Path.of("") : directory).toAbsolutePath().normalize();
        List<Path> scratch = new java.util.ArrayList<>();
        try (org.eclipse.jgit.lib.Repository repo = GitSides.open(cwd)) {
            List<String> paths = GitSides.repositoryPaths(repo, cwd, args);
            String[] revs = git.split("\\.\\.", -1);
            if (revs.length > 2 || revs[0].isEmpty() || (revs.length == 2 && revs[1].isEmpty())) {
                throw new GitSides.GitException("--git: " + Text.quote(git) + " is neither REV nor REV..REV");
            }
            org.eclipse.jgit.lib.ObjectId baseId = revs.length == 2 ? GitSides.commit(repo, revs[0]) : GitSides.mergeBase(repo, GitSides.commit(repo, revs[0]));
            String baseName = revs.length == 2 ? revs[0] : baseId.abbreviate(12).name();
            Optional<NetworkPlan> before = plan("BASE", baseName, fromRevision(repo, baseId, baseName, paths, scratch), err);
            Optional<NetworkPlan> after;
            if (revs.length == 2) {
                after = plan("HEAD", revs[1], fromRevision(repo, GitSides.commit(repo, revs[1]), revs[1], paths, scratch), err);
            } else {
                List<String> inputs = args.isEmpty() ? List.of(repo.getWorkTree().toString()) : args.stream().map(a -> cwd.resolve(a).toString()).toList();
                after = plan("HEAD", "the working tree", load(inputs), err);
            }
            return List.of(before, after);
        } catch (GitSides.GitException e) {
            err.println("netc diff: " + e.getMessage());
            return null;
        } finally {
            for (Path p : scratch) deleteTree(p);
        }
    }

    /** A revision's files (under {@code paths}) loaded from a scratch folder, named {@code path@name}. */
    private static Loaded fromRevision(org.eclipse.jgit.lib.Repository repo, org.eclipse.jgit.lib.ObjectId id, String name,
                                       List<String> paths, List<Path> scratch) throws GitSides.GitException {
        Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("netc-diff-").toRealPath();
        } catch (java.io.IOException e) {
            throw new GitSides.GitException("--git: no scratch folder: " + e.getMessage());
        }
        scratch.add(dir);
        Loaded l = load(GitSides.checkoutInto(repo, id, paths, dir));
        return new Loaded(GitSides.renamed(l.sources(), dir, name), l.diagnostics());
    }

    private static void deleteTree(Path p) {
        try {
            OutputWriter.deleteTree(p);
        } catch (java.io.IOException e) {
            // a scratch folder left in the temporary directory: nothing of the diff depends on it
        }
    }

    /** What the input loader reads of {@code inputs}; a loading error is the compile's. */
    private static Loaded load(List<String> inputs) {
        Diagnostics d = new Diagnostics();
        return new Loaded(new InputLoader(new ByteArrayInputStream(new byte[0])).load(inputs, d), d);
    }

    /** Inputs as loaded, with the loader's diagnostics. */
    private record Loaded(List<InputSource> sources, Diagnostics diagnostics) {
    }

    /** One side compiled to its plan; its errors printed, each line naming the side, when it has any. */
    private static Optional<NetworkPlan> plan(String side, String input, Loaded loaded, PrintWriter err) {
        Diagnostics d = loaded.diagnostics();
        List<InputSource> sources = loaded.sources();
        Compiler.Result r = d.hasErrors() ? new Compiler.Result(Optional.empty(), d.sorted()) : new Compiler().compile(sources);
        if (r.plan().isEmpty()) {
            for (Diagnostic x : r.diagnostics()) err.println(side + ": " + x);
            err.println("netc diff: " + side + " (" + Text.escape(input) + ") has errors");
            return Optional.empty();
        }
        return r.plan();
    }

    /**
     * When no plan section changed, every backend's files of the two plans compared: one change naming those that
     * differ (a value no section of plan.txt prints, such as a certificate's bytes), so that exit 0 always means the
     * same files on every node.
     */
    static List<PlanSections.Change> unexplained(NetworkPlan before, NetworkPlan after) {
        java.util.TreeMap<String, String> a = new java.util.TreeMap<>();
        java.util.TreeMap<String, String> b = new java.util.TreeMap<>();
        for (dev.netc.backends.Backend backend : new BackendRegistry().all()) {
            if (backend instanceof PlanDumpBackend) continue; // compared section by section, origins aside
            for (dev.netc.backends.Artifact x : backend.emit(before, Set.of())) a.put(backend.name() + ":" + x.path(), x.sha256());
            for (dev.netc.backends.Artifact x : backend.emit(after, Set.of())) b.put(backend.name() + ":" + x.path(), x.sha256());
        }
        java.util.TreeSet<String> paths = new java.util.TreeSet<>(a.keySet());
        paths.addAll(b.keySet());
        List<String> differ = paths.stream().filter(p -> !java.util.Objects.equals(a.get(p), b.get(p))).toList();
        if (differ.isEmpty()) return List.of();
        return List.of(new PlanSections.Change("changed", "output that no plan section shows", "", files(differ, a), files(differ, b),
                List.of(), List.of()));
    }

    /** Each file ({@code backend:path}) with the start of its digest on one side, or "none" where that side has no such file. */
    private static List<String> files(List<String> keys, java.util.Map<String, String> digests) {
        return keys.stream().map(k -> k.substring(k.indexOf(':') + 1) + " "
                + (digests.containsKey(k) ? "sha256=" + digests.get(k).substring(0, 12) : "none")).toList();
    }

    private static void text(PrintWriter out, PlanSections.Change c) {
        out.println(c.kind() + " " + c.key());
        for (String l : c.before()) out.println("  - " + l.strip());
        for (String l : c.after()) out.println("  + " + l.strip());
        if (!c.originsBefore().isEmpty() || !c.originsAfter().isEmpty()) {
            out.println("  origins: " + where(c.originsBefore()) + " -> " + where(c.originsAfter()));
        }
    }

    static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    private static String where(List<String> origins) {
        return origins.isEmpty() ? "-" : String.join(", ", new java.util.TreeSet<>(origins));
    }

    /** The area of a change, for the Markdown's summary and sections: what kind of section, and on which node. */
    static String area(PlanSections.Change c) {
        String k = c.key();
        if (k.startsWith("service-plan ")) return "Service ports";
        if (k.startsWith("pods' policy ")) return c.node().isEmpty() ? "pods' policy" : "pods' policy on node " + c.node();
        if (k.startsWith("node-plan ") && k.contains(" policy ")) return "pods' policy on node " + c.node();
        if (k.startsWith("node-plan ") && k.contains(" local ")) return "Local endpoints on node " + c.node();
        if (k.startsWith("node-plan ")) return "node plans";
        return "model objects";
    }

    /**
     * The changes as a pull request comment: a summary table of each area's counts, then a {@code <details>} section
     * per area with each change's lines as a diff and its origins; at most {@code max} characters, cut at a change
     * with a notice that says how many are shown.
     */
    static String markdown(List<TrafficRow> rows, List<PlanSections.Change> changes, int max) {
        java.util.TreeMap<String, List<PlanSections.Change>> byArea = new java.util.TreeMap<>();
        for (PlanSections.Change c : changes) byArea.computeIfAbsent(area(c), a -> new java.util.ArrayList<>()).add(c);
        java.util.TreeMap<String, List<TrafficRow>> byTraffic = new java.util.TreeMap<>();
        for (TrafficRow r : rows) byTraffic.computeIfAbsent(trafficArea(r), a -> new java.util.ArrayList<>()).add(r);
        StringBuilder head = new StringBuilder(MARKER).append("\n## netc diff: ").append(changes.isEmpty() ? "no change"
                : plural(rows.size(), "traffic row") + ", " + plural(changes.size(), "plan change")).append("\n\n");
        if (!rows.isEmpty()) {
            head.append("| traffic | rows | now reaches | no longer reaches |\n|---|---:|---:|---:|\n");
            byTraffic.forEach((a, rs) -> head.append("| ").append(html(a)).append(" | ").append(rs.size()).append(" | ")
                    .append(rs.stream().filter(r -> r.after().reaches() && !r.before().reaches()).count()).append(" | ")
                    .append(rs.stream().filter(r -> r.before().reaches() && !r.after().reaches()).count()).append(" |\n"));
            head.append('\n');
        }
        if (!changes.isEmpty()) {
            head.append("| area | added | removed | changed |\n|---|---:|---:|---:|\n");
            byArea.forEach((a, cs) -> head.append("| ").append(html(a)).append(" | ").append(count(cs, "added")).append(" | ")
                    .append(count(cs, "removed")).append(" | ").append(count(cs, "changed")).append(" |\n"));
            head.append('\n');
        }
        StringBuilder b = new StringBuilder(head);
        int all = rows.size() + changes.size();
        int[] shown = {0};
        for (var e : byTraffic.entrySet()) {
            String opening = "<details><summary>" + html(e.getKey()) + ": " + plural(e.getValue().size(), "row")
                    + "</summary>\n\n| from | to | traffic | before | after | origins |\n|---|---|---|---|---|---|\n";
            List<String> items = e.getValue().stream().map(r -> "| " + cell(TrafficText.peer(r.from())) + " | " + cell(TrafficText.peer(r.to()))
                    + " | " + cell(TrafficText.traffic(r)) + " | " + cell(TrafficText.fate(r.before())) + " | " + cell(TrafficText.fate(r.after()))
                    + " | " + cell(TrafficText.origins(r.originsBefore()) + " → " + TrafficText.origins(r.originsAfter())) + " |\n").toList();
            if (!section(b, opening, items, "\n</details>\n\n", shown, all, max)) return b.toString();
        }
        for (var e : byArea.entrySet()) {
            String opening = "<details><summary>" + html(e.getKey()) + ": " + plural(e.getValue().size(), "change") + "</summary>\n\n";
            List<String> items = new java.util.ArrayList<>();
            for (PlanSections.Change c : e.getValue()) {
                StringBuilder one = new StringBuilder();
                one.append("**").append(c.kind()).append("** ").append(code(c.key())).append("\n\n");
                List<String> lines = new java.util.ArrayList<>();
                c.before().forEach(l -> lines.add("- " + l.strip()));
                c.after().forEach(l -> lines.add("+ " + l.strip()));
                String fence = fence(String.join("\n", lines), 3);
                one.append(fence).append("diff\n").append(String.join("\n", lines)).append('\n').append(fence).append("\n\n");
                if (!c.originsBefore().isEmpty() || !c.originsAfter().isEmpty()) {
                    one.append("origins: ").append(code(where(c.originsBefore()))).append(" → ").append(code(where(c.originsAfter()))).append("\n\n");
                }
                items.add(one.toString());
            }
            if (!section(b, opening, items, "</details>\n\n", shown, all, max)) return b.toString();
        }
        return b.toString();
    }

    /**
     * Appends one {@code <details>} section of rendered items to {@code b}, as many as keep it within {@code max}
     * characters with the truncation notice; false when it had to stop there (the notice then appended).
     */
    private static boolean section(StringBuilder b, String opening, List<String> items, String closing, int[] shown, int all, int max) {
        StringBuilder sec = new StringBuilder(opening);
        int inSection = 0;
        for (String one : items) {
            String notice = truncated(shown[0] + inSection, all);
            if (b.length() + sec.length() + one.length() + closing.length() + notice.length() > max) {
                if (inSection > 0) b.append(sec).append(closing);
                b.append(notice);
                return false;
            }
            sec.append(one);
            inSection++;
        }
        b.append(sec).append(closing);
        shown[0] += inSection;
        return true;
    }

    /** The Markdown area of a traffic row: its kind, and the node for rows that hold on one node. */
    static String trafficArea(TrafficRow r) {
        String kind = switch (r.kind()) {
            case TrafficRow.POLICY -> "pods and addresses";
            case TrafficRow.SERVICE -> "Service cluster IPs";
            case TrafficRow.NODE_PORT -> "node ports";
            default -> "external and load-balancer IPs";
        };
        return r.node().map(n -> kind + " on node " + Text.escape(n)).orElse(kind);
    }

    /** Text for a Markdown table cell: HTML-escaped, no line break. */
    private static String cell(String s) {
        return html(s).replace("\n", " ");
    }

    private static String truncated(int shown, int all) {
        return "**Truncated:** " + shown + " of " + all + " rows and changes shown (a comment holds at most " + MAX_MARKDOWN
                + " characters); `netc diff` prints them all.\n";
    }

    private static long count(List<PlanSections.Change> cs, String kind) {
        return cs.stream().filter(c -> c.kind().equals(kind)).count();
    }

    /** Text as inline code, fenced with more backticks than it holds in a row. */
    private static String code(String s) {
        String f = fence(s, 1);
        return f + (s.startsWith("`") || s.endsWith("`") ? " " + s + " " : s) + f;
    }

    /** Backticks, at least {@code min} and one more than the longest run in {@code s}. */
    private static String fence(String s, int min) {
        int run = 0;
        int longest = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(min, longest + 1));
    }

    /** Text for HTML ({@code <summary>}, table cells): its markup characters and pipes as entities. */
    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;");
    }

    /**
     * The diff as one JSON object (README's schema, {@code diff.schema.json}): {@code changes}, the traffic rows, and
     * {@code sections}, the plan sections that changed ({@code {kind, section, node, before, after, origins}}).
     */
    static String json(List<TrafficRow> rows, List<PlanSections.Change> changes) {
        com.fasterxml.jackson.databind.ObjectMapper m = DiagnosticPrinter.readableJson();
        ObjectNode root = m.createObjectNode();
        ArrayNode traffic = root.putArray("changes");
        for (TrafficRow r : rows) TrafficText.json(traffic, r);
        ArrayNode arr = root.putArray("sections");
        for (PlanSections.Change c : changes) {
            ObjectNode o = arr.addObject();
            o.put("kind", c.kind());
            o.put("section", c.key());
            if (c.node().isEmpty()) o.putNull("node");
            else o.put("node", c.node());
            ArrayNode b = o.putArray("before");
            c.before().forEach(l -> b.add(l.strip()));
            ArrayNode a = o.putArray("after");
            c.after().forEach(l -> a.add(l.strip()));
            ObjectNode origins = o.putObject("origins");
            ArrayNode ob = origins.putArray("before");
            new java.util.TreeSet<>(c.originsBefore()).forEach(ob::add);
            ArrayNode oa = origins.putArray("after");
            new java.util.TreeSet<>(c.originsAfter()).forEach(oa::add);
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
