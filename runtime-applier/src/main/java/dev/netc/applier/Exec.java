package dev.netc.applier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool. Input and output go through files, so a tool that is in the middle of a transaction finishes
 * it even when the applier is killed. The tool inherits the calling thread's network namespace, which is how
 * {@link NetnsThread} runs tools "on a node".
 */
public final class Exec {
    private final Path tmpDir;
    private final Duration timeout;

    public Exec(Path tmpDir, Duration timeout) {
        this.tmpDir = tmpDir;
        this.timeout = timeout;
    }

    public record Result(List<String> command, int exit, String stdout, String stderr) {
        public Result {
            command = List.copyOf(command);
        }

        public boolean ok() {
            return exit == 0;
        }

        /** What the tool said, for a message: its standard error, else its output. */
        public String said() {
            String s = stderr.isBlank() ? stdout : stderr;
            return s.strip();
        }

        public String commandLine() {
            return String.join(" ", command);
        }
    }

    public Result run(List<String> command) throws ApplyException {
        return run(command, null);
    }

    /** Runs {@code command} with {@code stdin} (may be null) and waits for it, at most the timeout. */
    public Result run(List<String> command, String stdin) throws ApplyException {
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            Files.createDirectories(tmpDir);
            out = Files.createTempFile(tmpDir, "exec-", ".out");
            err = Files.createTempFile(tmpDir, "exec-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                in = Files.createTempFile(tmpDir, "exec-", ".in");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
                pb.redirectInput(in.toFile());
            } else {
                pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw ApplyException.rejected(command.get(0) + " cannot be run (" + e.getMessage() + "); is it installed?");
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw ApplyException.rejected(String.join(" ", command) + ": no answer within " + timeout.toSeconds() + " s");
            }
            return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApplyException.stateIo("cannot run " + command.get(0) + ": temporary files in " + tmpDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApplyException.rejected("interrupted while running " + command.get(0));
        } finally {
            for (Path p : new Path[] {in, out, err}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temporary file left behind is removed by the next run's cleanup of the folder
                    }
                }
            }
        }
    }

    /** Runs {@code command} and returns its output, or fails with what it said. */
    public String ok(List<String> command, String stdin) throws ApplyException {
        Result r = run(command, stdin);
        if (!r.ok()) throw ApplyException.rejected(r.commandLine() + ": exit " + r.exit() + ": " + r.said());
        return r.stdout();
    }

    public Path tmpDir() {
        return tmpDir;
    }
}
