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

    /** One command of a {@link #runUnit unit}, with what it reads on standard input. */
    public record Step(List<String> command, String stdin) {
        public Step {
            command = List.copyOf(command);
        }
    }

    /** How a unit ended: all steps done, or the step (0-based) that failed and what it said. */
    public record UnitResult(boolean ok, int failedStep, String said) {
    }

    /** Where the pid of a running unit is kept, so the next applier waits for an orphaned one. */
    public Path unitPidFile() {
        return tmpDir.resolveSibling("unit.pid");
    }

    /**
     * Runs {@code steps} one after the other in one shell of their own, stopping at the first that fails. The
     * shell does not depend on the applier: if the applier is killed, the unit still runs to its end (the next
     * applier waits for it, see {@link #awaitOrphan}), so a change made of several tool runs (ipset, then
     * iptables, then ip6tables) is never left half done.
     */
    public UnitResult runUnit(List<Step> steps) throws ApplyException {
        try {
            Files.createDirectories(tmpDir);
            Path dir = Files.createTempDirectory(tmpDir, "unit-");
            StringBuilder sh = new StringBuilder("# netc apply: one unit of kernel changes; it runs to its end even if netc dies\n");
            for (int i = 0; i < steps.size(); i++) {
                Path in = dir.resolve("in-" + i);
                Files.writeString(in, steps.get(i).stdin() == null ? "" : steps.get(i).stdin(), StandardCharsets.UTF_8);
                sh.append("echo 'netc-step ").append(i).append("' >&2\n");
                for (String a : steps.get(i).command()) sh.append('\'').append(a.replace("'", "'\\''")).append("' ");
                sh.append("< '").append(in).append("' || exit ").append(100 + i).append('\n');
            }
            Path script = dir.resolve("unit.sh");
            Files.writeString(script, sh.toString(), StandardCharsets.UTF_8);
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            Process p = new ProcessBuilder("sh", script.toString()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            StateDir.writeAtomically(unitPidFile(), p.pid() + "\n");
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw ApplyException.rejected("the tools did not finish within " + timeout.toSeconds() + " s (" + dir + ")");
            }
            Files.deleteIfExists(unitPidFile());
            int exit = p.exitValue();
            String errText = Files.readString(err, StandardCharsets.UTF_8);
            if (exit == 0) return new UnitResult(true, -1, "");
            int step = exit >= 100 && exit < 100 + steps.size() ? exit - 100 : steps.size() - 1;
            String marker = "netc-step " + step + "\n";
            int at = errText.lastIndexOf(marker);
            String said = (at < 0 ? errText : errText.substring(at + marker.length())).strip();
            return new UnitResult(false, step, said);
        } catch (IOException e) {
            throw ApplyException.stateIo("cannot run the tools: " + tmpDir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApplyException.rejected("interrupted while the tools ran");
        }
    }

    /** Waits for a unit an applier that died left running (call with the lock held, before cleaning tmp/). */
    public static void awaitOrphan(Path pidFile, Duration max) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("sh")).orElse(false))
                    .ifPresent(h -> {
                        try {
                            h.onExit().get(max.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                            // go on: the caller's plan reads the kernel as it is
                        }
                    });
            Files.deleteIfExists(pidFile);
        } catch (IOException | NumberFormatException e) {
            // no unit was left running
        }
    }

    /** Runs {@code command} and returns its output, or fails with what it said. */
    public String ok(List<String> command, String stdin) throws ApplyException {
        Result r = run(command, stdin);
        if (!r.ok()) throw ApplyException.rejected(r.commandLine() + ": exit " + r.exit() + ": " + r.said());
        return r.stdout();
    }
}
