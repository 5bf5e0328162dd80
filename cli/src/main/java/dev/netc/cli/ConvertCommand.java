package dev.netc.cli;

import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.compiler.frontend.YamlNode;
import dev.netc.compiler.frontend.dsl.ModelToDsl;
import dev.netc.compiler.frontend.dsl.YamlWriter;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Converts between the two front ends: manifests (YAML, JSON) and intent DSL (.netc) files.",
                "--to dsl writes the cluster the inputs declare as DSL; --to yaml writes their objects as YAML.",
                "Either way, compiling the output gives the same artifacts as compiling the inputs."})
final class ConvertCommand implements Callable<Integer> {
    enum Target { dsl, yaml }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "files or directories; - reads standard input")
    List<String> inputs;

    @Option(names = "--to", required = true, paramLabel = "dsl|yaml", description = "what to write")
    Target to;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path outFile;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        DiagnosticPrinter printer = new DiagnosticPrinter(DiagnosticPrinter.Format.text, false);
        Diagnostics diagnostics = new Diagnostics();
        List<InputSource> sources = new InputLoader(System.in).load(inputs, diagnostics);
        if (diagnostics.hasErrors()) {
            printer.print(diagnostics.sorted(), out, err);
            return Netc.EXIT_INPUT_ERRORS;
        }
        // The front end checks the input either way: a conversion of input with errors would only move them.
        Cluster cluster = new YamlFrontEnd().apply(sources, diagnostics);
        if (diagnostics.hasErrors()) {
            printer.print(diagnostics.sorted(), out, err);
            return Netc.EXIT_INPUT_ERRORS;
        }
        String text;
        if (to == Target.dsl) {
            text = ModelToDsl.print(cluster, diagnostics);
        } else {
            List<YamlNode> documents = new ArrayList<>();
            Diagnostics again = new Diagnostics(); // the same input read twice: its notes were reported once
            for (InputSource s : sources) documents.addAll(YamlFrontEnd.trees(s, again));
            text = YamlWriter.write(documents);
        }
        printer.print(diagnostics.sorted(), out, err);
        if (outFile == null) {
            out.print(text);
            return Netc.EXIT_OK;
        }
        try {
            Files.writeString(outFile, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("netc: cannot write " + Text.escape(outFile.toString()) + ": " + Text.sanitize(String.valueOf(e.getMessage())));
            return Netc.EXIT_OUTPUT;
        }
        return Netc.EXIT_OK;
    }
}
