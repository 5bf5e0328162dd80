package dev.netc.compiler;

import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the inputs named on the command line: files, directories (recursively, in sorted order, only
 * {@code .yaml}, {@code .yml}, {@code .json} and {@code .netc} files) and {@code -} for standard input.
 */
public final class InputLoader {
    /** Larger inputs are refused before parsing: a manifest repository is far below this. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    private final InputStream stdin;

    public InputLoader(InputStream stdin) {
        this.stdin = stdin;
    }

    public List<InputSource> load(List<String> args, Diagnostics diagnostics) {
        List<InputSource> out = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-")) {
                try {
                    byte[] bytes = stdin.readNBytes((int) MAX_FILE_BYTES + 1);
                    if (bytes.length > MAX_FILE_BYTES) {
                        diagnostics.error(DiagnosticCode.NETC004, new SourcePos("-", 0, 0),
                                "standard input is larger than " + MAX_FILE_BYTES + " bytes");
                    } else {
                        out.add(new InputSource("-", bytes));
                    }
                } catch (IOException e) {
                    diagnostics.error(DiagnosticCode.NETC006, new SourcePos("-", 0, 0),
                            "cannot read standard input: " + e.getMessage());
                }
                continue;
            }
            Path p = Path.of(arg);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    List<Path> files = walk.filter(Files::isRegularFile).filter(InputLoader::isInputFile)
                            .sorted().toList();
                    for (Path f : files) readFile(f, out, diagnostics);
                } catch (IOException e) {
                    diagnostics.error(DiagnosticCode.NETC006, new SourcePos(arg, 0, 0),
                            "cannot read directory: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                readFile(p, out, diagnostics);
            } else {
                diagnostics.error(DiagnosticCode.NETC006, new SourcePos(arg, 0, 0),
                        Files.exists(p) ? "not a regular file or directory" : "no such file or directory");
            }
        }
        return List.copyOf(out);
    }

    static boolean isInputFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json")
                || n.endsWith(".netc"));
    }

    private static void readFile(Path f, List<InputSource> out, Diagnostics diagnostics) {
        String shown = f.toString();
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                diagnostics.error(DiagnosticCode.NETC004, new SourcePos(shown, 0, 0),
                        "file is larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            out.add(new InputSource(shown, Files.readAllBytes(f)));
        } catch (IOException e) {
            diagnostics.error(DiagnosticCode.NETC006, new SourcePos(shown, 0, 0), "cannot read: " + e.getMessage());
        }
    }
}
