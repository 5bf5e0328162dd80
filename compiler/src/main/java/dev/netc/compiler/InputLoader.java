package dev.netc.compiler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the inputs named on the command line: files, directories and {@code -} for standard input. Directories
 * are read as repositories are laid out: recursively, in sorted order, only {@code .yaml}, {@code .yml},
 * {@code .json} and {@code .netc} files; hidden files and folders (a leading {@code .}: {@code .github},
 * {@code .git}) are not read; paths matched by a {@code .netcignore} (gitignore syntax, in any folder, for the
 * paths below it) are not read; a kustomization and the patches it names are skipped with a note (NETC082):
 * netc reads rendered output. Files found in a folder that hold no Kubernetes object are skipped by the front end
 * with a note (NETC081); a file named on the command line is always read.
 */
public final class InputLoader {
    /** Larger inputs are refused before parsing: a manifest repository is far below this. */
    public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** A kustomization larger than this is not read for the patches it names (it is still skipped). */
    private static final long MAX_KUSTOMIZATION_BYTES = 1024 * 1024;
    static final String IGNORE_FILE = ".netcignore";
    private static final List<String> KUSTOMIZATION_NAMES = List.of("kustomization.yaml", "kustomization.yml",
            "Kustomization");
    static final String RENDERED = "netc reads rendered output (kustomize build DIR | netc compile -)";

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
                try {
                    for (Path f : walk(p, diagnostics)) readFile(f, true, out, diagnostics);
                } catch (IOException e) {
                    diagnostics.error(DiagnosticCode.NETC006, new SourcePos(arg, 0, 0),
                            "cannot read directory: " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                readFile(p, false, out, diagnostics);
            } else {
                diagnostics.error(DiagnosticCode.NETC006, new SourcePos(arg, 0, 0),
                        Files.exists(p) ? "not a regular file or directory" : "no such file or directory");
            }
        }
        return List.copyOf(out);
    }

    /** The input files below {@code root}, sorted; kustomizations and their patches reported and left out. */
    private static List<Path> walk(Path root, Diagnostics diagnostics) throws IOException {
        Map<Path, IgnoreRules> ignores = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        List<Path> kustomizations = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && (hidden(dir) || ignored(root, dir, true, ignores)))
                    return FileVisitResult.SKIP_SUBTREE;
                Path rules = dir.resolve(IGNORE_FILE);
                if (Files.isRegularFile(rules) && Files.size(rules) <= MAX_KUSTOMIZATION_BYTES) {
                    IgnoreRules parsed = IgnoreRules.parse(new String(Files.readAllBytes(rules),
                            StandardCharsets.UTF_8));
                    for (int line : parsed.invalidLines)
                        diagnostics.warning(DiagnosticCode.NETC084, new SourcePos(rules.toString(), line, 1),
                                "invalid pattern: it matches nothing");
                    ignores.put(dir, parsed);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!attrs.isRegularFile() || ignored(root, file, false, ignores)) return FileVisitResult.CONTINUE;
                if (KUSTOMIZATION_NAMES.contains(file.getFileName().toString())) kustomizations.add(file);
                else if (isInputFile(file)) files.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        List<Path> patches = new ArrayList<>();
        for (Path k : kustomizations) {
            diagnostics.note(DiagnosticCode.NETC082, new SourcePos(k.toString(), 0, 0),
                    "kustomization skipped: " + RENDERED);
            for (String named : patchesOf(k)) patches.add(k.getParent().resolve(named).normalize());
        }
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            if (patches.contains(f.normalize())) {
                diagnostics.note(DiagnosticCode.NETC082, new SourcePos(f.toString(), 0, 0),
                        "kustomize patch skipped: " + RENDERED);
            } else {
                out.add(f);
            }
        }
        out.sort(null);
        return out;
    }

    /** The files a kustomization names as patches (patches, patchesStrategicMerge, patchesJson6902). */
    private static List<String> patchesOf(Path kustomization) {
        List<String> out = new ArrayList<>();
        try {
            if (Files.size(kustomization) > MAX_KUSTOMIZATION_BYTES) return out;
            JsonNode k = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(kustomization));
            if (k == null || !k.isObject()) return out;
            for (String key : List.of("patches", "patchesStrategicMerge", "patchesJson6902")) {
                for (JsonNode item : k.path(key)) {
                    String path = item.isTextual() ? item.asText() : item.path("path").asText("");
                    // An inline patch (a YAML text in patchesStrategicMerge) names no file.
                    if (!path.isEmpty() && !path.contains("\n")) out.add(path);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not readable as YAML: it is skipped all the same; its patches are then read (and reported) as input.
        }
        return out;
    }

    private static boolean hidden(Path p) {
        return p.getFileName() != null && p.getFileName().toString().startsWith(".");
    }

    /** Whether a .netcignore of {@code path}'s folders ignores it: the deepest file with a matching rule decides. */
    private static boolean ignored(Path root, Path path, boolean isDirectory, Map<Path, IgnoreRules> ignores) {
        Boolean result = null;
        for (Path dir = path.getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
            IgnoreRules rules = ignores.get(dir);
            if (rules == null) continue;
            String relative = dir.relativize(path).toString().replace('\\', '/');
            Boolean r = rules.ignored(relative, isDirectory);
            if (r != null) {
                result = r;
                break;
            }
        }
        return result != null && result;
    }

    static boolean isInputFile(Path p) {
        String n = p.getFileName().toString();
        return !n.startsWith(".") && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json")
                || n.endsWith(".netc"));
    }

    private static void readFile(Path f, boolean found, List<InputSource> out, Diagnostics diagnostics) {
        String shown = f.toString();
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                diagnostics.error(DiagnosticCode.NETC004, new SourcePos(shown, 0, 0),
                        "file is larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            out.add(new InputSource(shown, Files.readAllBytes(f), found));
        } catch (IOException e) {
            diagnostics.error(DiagnosticCode.NETC006, new SourcePos(shown, 0, 0), "cannot read: " + e.getMessage());
        }
    }
}
