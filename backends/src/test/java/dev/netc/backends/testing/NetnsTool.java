package dev.netc.backends.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Runs real tools inside a throwaway network namespace (never the root namespace's rules). */
public final class NetnsTool implements AutoCloseable {
    public final String name = "netc-t-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * Tests that need root and real tools: without them the test is skipped with a message naming what is
     * missing; under CI=true it fails, so a broken CI machine cannot pass by skipping. A tool named by an absolute
     * path (a CNI plugin in /usr/lib/cni) is looked for there.
     */
    public static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root");
        for (String t : tools) {
            if (t.startsWith("/")) {
                if (!Files.isExecutable(Path.of(t))) missing.add(t);
                continue;
            }
            boolean found = false;
            for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) found |= Files.isExecutable(Path.of(dir, t));
            if (!found) missing.add(t);
        }
        if (missing.isEmpty()) return;
        String msg = "needs " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) Assertions.fail(msg + " (CI=true: missing tools fail the run)");
        Assumptions.abort(msg);
    }

    public NetnsTool() throws IOException, InterruptedException {
        Result r = exec(null, "ip", "netns", "add", name);
        Assertions.assertEquals(0, r.exit, r.output);
    }

    public record Result(int exit, String output) {
    }

    public Result run(String stdin, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return exec(stdin, full.toArray(String[]::new));
    }

    public static Result exec(String stdin, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out);
    }

    @Override
    public void close() throws IOException {
        try {
            exec(null, "ip", "netns", "del", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting namespace " + name, e);
        }
    }
}
