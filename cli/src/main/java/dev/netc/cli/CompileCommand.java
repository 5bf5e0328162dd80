package dev.netc.cli;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.Output;
import dev.netc.backends.plan.PlanDumpBackend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.Pipeline;
import dev.netc.compiler.Timings;
import dev.netc.compiler.frontend.Suggest;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Severity;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compiles manifests (files, directories, or - for standard input) into rulesets in OUT.",
                "OUT is replaced as a whole, and only when the input has no error."})
final class CompileCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "manifest files or directories; - reads standard input")
    List<String> inputs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUT", description = "output folder")
    Path out;

    @Option(names = "--backend", split = ",", paramLabel = "LIST",
            description = "backends to run (default: all): ${COMPLETION-CANDIDATES}",
            completionCandidates = BackendNames.class)
    List<String> backends;

    @Option(names = "--node", paramLabel = "NAME", description = "only these nodes' files (repeatable)")
    List<String> nodes;

    @Option(names = "--threads", paramLabel = "N",
            description = "render nodes' own parts on N threads (default: the cores, at most 8); the output is the same whatever N")
    Integer threads;

    @Option(names = "--format", paramLabel = "text|json", description = "diagnostics format (default: text)")
    DiagnosticPrinter.Format format = DiagnosticPrinter.Format.text;

    @Option(names = {"-v", "--verbose"}, description = "also print notes (such as skipped kinds)")
    boolean verbose;

    @Option(names = "--strict", description = "warnings that say the input is not taken as written (an unknown field,"
            + " an Ingress not served, an annotation ignored, a placeholder certificate) are errors")
    boolean strict;

    @Option(names = "--allow-empty", description = "accept an input with no Kubernetes objects (by default an error,"
            + " NETC083: an upstream step that printed nothing)")
    boolean allowEmpty;

    @Option(names = "--timings", description = "print the wall and CPU time of each step (load, each pass, each backend,"
            + " the write) to standard error as 'timing: STEP wall_ms=W cpu_ms=C' lines")
    boolean timings;

    @Option(names = "--dump-after", paramLabel = "PASS", completionCandidates = PassNames.class,
            description = "print the model or plan as the pass PASS left it (plan.txt's form) to standard output, then"
                    + " compile as without it; PASS: ${COMPLETION-CANDIDATES}")
    String dumpAfter;

    @Option(names = "--sign", paramLabel = "KEY",
            description = "sign netc-manifest.json with this Ed25519 private key (PKCS#8 PEM) into netc-manifest.json.sig")
    Path signKey;

    /**
     * The one place the command's options change a diagnostic's severity: under {@code --strict}, warnings of the
     * codes marked strict-able ({@link dev.netc.ir.DiagnosticCode#strictable()}, through {@link Diagnostics#strict})
     * are errors; without {@code --allow-empty}, the note that the input held no Kubernetes objects (NETC083) is an
     * error.
     */
    List<Diagnostic> promote(List<Diagnostic> in) {
        List<Diagnostic> out = strict ? Diagnostics.strict(in) : in;
        if (allowEmpty) return out;
        return out.stream().map(d -> d.severity() == Severity.NOTE && d.code() == DiagnosticCode.NETC083
                ? new Diagnostic(Severity.ERROR, d.code(), d.message(), d.pos()) : d).toList();
    }

    static final class PassNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return new Pipeline().names().iterator();
        }
    }

    static final class BackendNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return new BackendRegistry().names().iterator();
        }
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        Timings timer = new Timings(timings ? step -> err.println(step.line()) : null);
        return timer.time("total", () -> compile(err, timer));
    }

    private Integer compile(java.io.PrintWriter err, Timings timer) {
        var outw = spec.commandLine().getOut();
        BackendRegistry registry = new BackendRegistry();
        List<Backend> chosen = new ArrayList<>();
        for (String name : backends == null ? registry.names() : new LinkedHashSet<>(backends)) {
            var b = registry.byName(name.trim());
            if (b.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown backend " + Text.quote(name) + " (known: " + String.join(", ", registry.names()) + ")");
            }
            chosen.add(b.get());
        }
        DiagnosticPrinter printer = new DiagnosticPrinter(format, verbose);
        java.security.PrivateKey key = null;
        if (signKey != null) {
            try {
                key = dev.netc.applier.ManifestSignature.readPrivate(signKey);
            } catch (dev.netc.applier.ManifestSignature.KeyException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--sign: " + e.getMessage());
            }
        }

        Pipeline.Observer observer = dumpAfter == null ? Pipeline.Observer.NONE : dumper(passName(dumpAfter), outw);

        Diagnostics loadDiagnostics = new Diagnostics();
        List<InputSource> sources = timer.time("load", () -> new InputLoader(System.in).load(inputs, loadDiagnostics));
        if (loadDiagnostics.hasErrors()) {
            printer.print(loadDiagnostics.sorted(), outw, err);
            return Netc.EXIT_INPUT_ERRORS;
        }
        // The manifest needs only each input's path and digest: the inputs' bytes (the size of the whole input) are
        // let go once the front end has read them, before the passes run.
        List<Manifest.Input> inputDigests = sources.stream().map(Manifest.Input::of).toList();
        Compiler compiler = new Compiler();
        Compiler.Read read = compiler.read(sources, timer, observer);
        sources = null;
        Compiler.Result result = compiler.compile(read, timer, observer);
        List<Diagnostic> all = new ArrayList<>(loadDiagnostics.sorted());
        all.addAll(promote(result.diagnostics()));
        printer.print(all, outw, err);
        if (result.plan().isEmpty() || all.stream().anyMatch(d -> d.severity() == Severity.ERROR)) {
            return Netc.EXIT_INPUT_ERRORS;
        }
        NetworkPlan plan = result.plan().get();

        Set<String> known = new TreeSet<>(plan.nodes().stream().map(NodePlan::name).toList());
        plan.cluster().nodes().forEach(n -> known.add(n.name()));
        Set<String> selected = nodes == null ? Set.of() : new TreeSet<>(nodes);
        for (String n : selected) {
            if (!known.contains(n)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown node '" + n + "' (nodes: " + String.join(", ", known) + ")");
            }
        }

        // A whole compile writes what every node shares once and each node's own part, each file to the staging folder
        // as it is rendered; with --node, each chosen node's files whole (the same bytes the parts compose to), for a
        // reviewer to read. OUT is replaced only once everything is written.
        int renderThreads = threads == null ? dev.netc.backends.NodeParallel.defaultThreads() : Math.max(1, threads);
        List<String> nodeNames = selected.isEmpty() ? List.copyOf(known) : List.copyOf(selected);
        java.security.PrivateKey signWith = key;
        int written;
        try (OutputWriter w = new OutputWriter(out)) {
            // the model digest of the plan.txt this compile writes for every node, taken as it goes by
            String[] planDigest = new String[1];
            for (Backend b : chosen) {
                timer.timeChecked("render " + b.name(), () -> {
                    if (selected.isEmpty()) {
                        Output.Sink sink = w.sink(b.name());
                        b.render(plan, selected, renderThreads, b instanceof PlanDumpBackend ? digesting(sink, planDigest) : sink);
                    } else {
                        for (Artifact a : b.render(plan, selected, renderThreads).composedFiles()) w.write(b.name(), a);
                    }
                    return null;
                });
            }
            String modelDigest = timer.time("digest", () -> planDigest[0] != null ? planDigest[0]
                    : PlanDumpBackend.modelDigest(plan));
            Artifact manifest = timer.time("manifest", () -> Manifest.build(inputDigests, modelDigest, nodeNames, w.written(), w.composed()));
            timer.timeChecked("write", () -> {
                w.writeUnlisted(manifest);
                // The signature is not listed in the manifest it signs; without --sign, OUT is exactly as before.
                if (signWith != null) w.writeUnlisted(new Artifact(dev.netc.applier.ManifestSignature.FILE,
                        dev.netc.applier.ManifestSignature.sign(signWith, manifest.content()), "", false));
                w.commit();
                return null;
            });
            written = w.count();
        } catch (IOException | java.io.UncheckedIOException e) {
            String why = e instanceof java.io.UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
            err.println("netc: cannot write " + Text.escape(out.toString()) + ": " + Text.sanitize(String.valueOf(why)));
            return Netc.EXIT_OUTPUT;
        }
        if (format == DiagnosticPrinter.Format.text) {
            err.println("netc: wrote " + written + " files to " + Text.escape(out.toString()));
        }
        return Netc.EXIT_OK;
    }

    /** The pass {@code --dump-after} names (its case aside), or a usage error that says which ones there are. */
    private String passName(String written) {
        if (format == DiagnosticPrinter.Format.json) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--dump-after prints to standard output, where --format json writes");
        }
        List<String> names = new Pipeline().names();
        for (String n : names) if (n.equalsIgnoreCase(written)) return n;
        String hint = Suggest.closest(written, names).map(n -> " (did you mean " + Text.quote(n) + "?)").orElse("");
        throw new CommandLine.ParameterException(spec.commandLine(), "unknown pass " + Text.quote(written) + hint + "; passes: "
                + String.join(", ", names));
    }

    /** Prints the model or the plan after the pass {@code pass}, in plan.txt's form. */
    private static Pipeline.Observer dumper(String pass, java.io.PrintWriter out) {
        return new Pipeline.Observer() {
            @Override
            public void model(String after, Cluster model) {
                if (after.equals(pass)) print(PlanDumpBackend.model(model));
            }

            @Override
            public void plan(String after, NetworkPlan plan) {
                if (after.equals(pass)) print(PlanDumpBackend.text(plan));
            }

            private void print(String text) {
                out.print("# after " + pass + "\n" + text);
                out.flush();
            }
        };
    }

    /** {@code sink}, taking the model digest ({@link PlanDumpBackend#modelDigest}) of the plan.txt that goes through it. */
    private static Output.Sink digesting(Output.Sink sink, String[] digest) {
        return new Output.Sink() {
            @Override
            public void file(Artifact a) {
                if (a.path().equals("plan.txt")) digest[0] = PlanDumpBackend.modelDigest(a);
                sink.file(a);
            }

            @Override
            public void composed(Output.Composed c) {
                sink.composed(c);
            }
        };
    }

}
