package dev.netc.cli;

import dev.netc.compiler.frontend.dsl.DslFormatter;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import dev.netc.ir.Text;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = {"Prints intent DSL files (.netc) in their canonical form.",
                "With --write, rewrites the files that are not; with --check, only says which are not (exit 1)."})
final class FmtCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = ".netc files")
    List<Path> files;

    @Option(names = {"-w", "--write"}, description = "rewrite the files in place instead of printing them")
    boolean write;

    @Option(names = "--check", description = "print nothing; exit 1 when a file is not in canonical form")
    boolean check;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (write && check) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--write and --check exclude each other");
        }
        Diagnostics diagnostics = new Diagnostics();
        boolean unformatted = false;
        for (Path file : files) {
            Optional<String> text = read(file, diagnostics);
            if (text.isEmpty()) continue;
            Optional<String> formatted = DslFormatter.format(file.toString(), text.get(), diagnostics);
            if (formatted.isEmpty()) continue;
            boolean changed = !formatted.get().equals(text.get());
            if (check) {
                if (changed) {
                    String shown = Text.escape(file.toString());
                    err.println("netc: " + shown + " is not in canonical form (netc fmt --write " + shown + ")");
                    unformatted = true;
                }
            } else if (write) {
                if (changed && !rewrite(file, formatted.get(), err)) return Netc.EXIT_OUTPUT;
            } else {
                out.print(formatted.get());
            }
        }
        new DiagnosticPrinter(DiagnosticPrinter.Format.text, false).print(diagnostics.sorted(), out, err);
        return diagnostics.hasErrors() || unformatted ? Netc.EXIT_INPUT_ERRORS : Netc.EXIT_OK;
    }

    private static Optional<String> read(Path file, Diagnostics diagnostics) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString());
        } catch (CharacterCodingException e) {
            diagnostics.error(DiagnosticCode.NETC049, new SourcePos(file.toString(), 1, 1), "input is not valid UTF-8");
        } catch (IOException e) {
            diagnostics.error(DiagnosticCode.NETC006, new SourcePos(file.toString(), 0, 0), "cannot read: "
                    + e.getMessage());
        }
        return Optional.empty();
    }

    /** Through a temporary sibling and a rename, so an interrupted write never leaves half a file. */
    private static boolean rewrite(Path file, String text, java.io.PrintWriter err) {
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            err.println("netc: cannot write " + Text.escape(file.toString()) + ": " + Text.sanitize(String.valueOf(e.getMessage())));
            return false;
        }
    }
}
