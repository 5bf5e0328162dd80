package dev.netc.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.backends.plan.PlanDumpBackend;
import dev.netc.backends.plan.PlanSections;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Text;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netc diff BASE HEAD}: both sides compiled, and what their plans decide compared section by section (see
 * {@link PlanSections}): each object, each Service port's frontends and endpoints, each node's Local endpoints and
 * each pod's policy, with where each side wrote it. Where a manifest says a thing (its file, its line, the order of
 * documents) is no change. Two plans without a changed section give the same rulesets on every node, so exit 0
 * means no change in behaviour.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compares what two inputs decide: each object, Service port, node's Local endpoints and pod's policy",
                "that was added, removed or changed, with where each side wrote it. BASE and HEAD are manifest files or folders."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:no change in what the plans decide", "1:changes", "2:usage error", "3:a side has input errors"})
final class DiffCommand implements Callable<Integer> {
    static final int EXIT_CHANGES = 1;
    static final int EXIT_SIDE_ERRORS = 3;

    enum Format { text, json }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASE", description = "the input before: a manifest file or folder")
    String base;

    @Parameters(index = "1", paramLabel = "HEAD", description = "the input after: a manifest file or folder")
    String head;

    @Option(names = "--format", paramLabel = "text|json", description = "text (default) or json")
    Format format = Format.text;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> before = plan("BASE", base, err);
        Optional<String> after = plan("HEAD", head, err);
        if (before.isEmpty() || after.isEmpty()) return EXIT_SIDE_ERRORS;
        List<PlanSections.Change> changes = PlanSections.changes(PlanSections.of(before.get()), PlanSections.of(after.get()));
        if (format == Format.json) {
            out.print(json(changes));
        } else {
            for (PlanSections.Change c : changes) text(out, c);
            out.println(changes.isEmpty() ? "no change" : changes.size() + " change" + (changes.size() == 1 ? "" : "s"));
        }
        out.flush();
        return changes.isEmpty() ? Netc.EXIT_OK : EXIT_CHANGES;
    }

    /** One side compiled to its plan.txt; its errors printed, each line naming the side, when it has any. */
    private static Optional<String> plan(String side, String input, PrintWriter err) {
        Diagnostics d = new Diagnostics();
        List<InputSource> sources = new InputLoader(new ByteArrayInputStream(new byte[0])).load(List.of(input), d);
        Compiler.Result r = d.hasErrors() ? new Compiler.Result(Optional.empty(), d.sorted()) : new Compiler().compile(sources);
        if (r.plan().isEmpty()) {
            for (Diagnostic x : r.diagnostics()) err.println(side + ": " + x);
            err.println("netc diff: " + side + " (" + Text.escape(input) + ") has errors");
            return Optional.empty();
        }
        return Optional.of(new PlanDumpBackend().emit(r.plan().get(), Set.of()).get(0).text());
    }

    private static void text(PrintWriter out, PlanSections.Change c) {
        out.println(c.kind() + " " + c.key());
        for (String l : c.before()) out.println("  - " + l.strip());
        for (String l : c.after()) out.println("  + " + l.strip());
        if (!c.originsBefore().isEmpty() || !c.originsAfter().isEmpty()) {
            out.println("  origins: " + where(c.originsBefore()) + " -> " + where(c.originsAfter()));
        }
    }

    private static String where(List<String> origins) {
        return origins.isEmpty() ? "-" : String.join(", ", new java.util.TreeSet<>(origins));
    }

    /** The changes as one JSON object: {@code {"changes": [{kind, section, node, before, after, origins}]}}. */
    static String json(List<PlanSections.Change> changes) {
        JsonMapper m = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
        ObjectNode root = m.createObjectNode();
        ArrayNode arr = root.putArray("changes");
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
