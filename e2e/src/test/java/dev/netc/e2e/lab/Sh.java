package dev.netc.e2e.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command and says plainly what failed. */
public final class Sh {
    private Sh() {
    }

    public record Result(int exit, String output) {
    }

    public static Result run(String stdin, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs {@code cmd}, failing with its output when it exits non-zero. */
    static String okIn(String stdin, String... cmd) {
        Result r = run(stdin, List.of(cmd));
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + " -> exit " + r.exit() + ": " + r.output());
        return r.output();
    }

    public static String ok(String... cmd) {
        return okIn(null, cmd);
    }

    /** In a network namespace. */
    public static String in(String ns, String stdin, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return okIn(stdin, full.toArray(String[]::new));
    }

    /** Skips (or, under CI=true, fails) a traffic test when root or a tool is missing. */
    static void requireLab(String... tools) {
        dev.netc.backends.testing.NetnsTool.require(tools);
    }
}
