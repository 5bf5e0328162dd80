package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.applier.Applier;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendKind;
import dev.netc.applier.Request;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Node n1 for the podnet applier's kernel tests: a network namespace of its own whose underlay is a veth pair
 * ({@code eth0} 192.168.77.11/24 and fd00::11/64, the other nodes on its link), an OUT folder written by hand and a
 * state directory. Closing removes the namespace and the files, also after a failed test.
 */
final class PodnetLab implements AutoCloseable {
    final String ns = "netc-t-" + UUID.randomUUID().toString().substring(0, 8);
    final Path dir;
    private int outs;

    /**
     * As backends' {@code NetnsTool.require} (the lab helper of the other root tests): without root or {@code ip} the
     * test is skipped with a message naming what is missing; under CI=true it fails instead.
     */
    static void require() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) missing.add("root");
        boolean ip = false;
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) ip |= Files.isExecutable(Path.of(d, "ip"));
        if (!ip) missing.add("ip");
        if (missing.isEmpty()) return;
        String msg = "needs " + String.join(", ", missing);
        if ("true".equals(System.getenv("CI"))) Assertions.fail(msg + " (CI=true: missing tools fail the run)");
        Assumptions.abort(msg);
    }

    PodnetLab() throws IOException {
        dir = Files.createTempDirectory("netc-podnet-");
        ok("ip", "netns", "add", ns);
        // no IPv6 link-local addresses: the kernel adds them (and their local routes) whenever duplicate address
        // detection ends, which may fall in a test's ip-monitor window
        in("sysctl", "-qw", "net.ipv6.conf.all.addr_gen_mode=1", "net.ipv6.conf.default.addr_gen_mode=1");
        in("ip", "link", "set", "lo", "up");
        in("ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        in("ip", "addr", "add", "192.168.77.11/24", "dev", "eth0");
        in("ip", "addr", "add", "fd00::11/64", "dev", "eth0", "nodad");
        in("ip", "link", "set", "eth0", "up");
        in("ip", "link", "set", "eth0p", "up");
    }

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** An OUT folder whose manifest lists {@code plan} as node n1's {@code podnet/routes}. */
    Path out(String plan) throws IOException {
        Path out = dir.resolve("out-" + (++outs));
        return writeOut(out, plan);
    }

    static Path writeOut(Path out, String plan) throws IOException {
        String file = "nodes/n1/podnet/routes";
        Files.createDirectories(out.resolve(file).getParent());
        byte[] b = plan.getBytes(StandardCharsets.UTF_8);
        Files.write(out.resolve(file), b);
        Files.writeString(out.resolve("netc-manifest.json"), "{\"format\":\"netc.dev/manifest/v1\",\"model\":\"m\",\"nodes\":[\"n1\"],"
                + "\"artifacts\":[{\"path\":\"" + file + "\",\"backend\":\"podnet\",\"node\":\"n1\",\"sha256\":\"" + Artifact.sha256(b)
                + "\",\"size\":" + b.length + "}]}");
        return out;
    }

    Run apply(Path out, Request.Mode mode) {
        Request req = Request.of("n1", Optional.of(out), List.of(BackendKind.PODNET), mode, dir.resolve("state")).withNetns(Optional.of(ns));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = new Applier().run(req, new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    Run apply(Path out) {
        return apply(out, Request.Mode.APPLY);
    }

    /** {@code netc apply --rollback}: the bundle applied before the last one. */
    Run rollback() {
        Request req = Request.of("n1", Optional.empty(), List.of(BackendKind.PODNET), Request.Mode.ROLLBACK, dir.resolve("state"))
                .withNetns(Optional.of(ns));
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = new Applier().run(req, new PrintWriter(o), new PrintWriter(e));
        return new Run(code, o.toString(), e.toString());
    }

    /** A command inside the namespace; fails the test when it fails. */
    String in(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return ok(full.toArray(String[]::new));
    }

    static String ok(String... cmd) {
        Result r = run(cmd);
        assertEquals(0, r.exit(), () -> String.join(" ", cmd) + ": " + r.output());
        return r.output();
    }

    record Result(int exit, String output) {
    }

    static Result run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
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

    /** netc's routes of {@code table}, one {@code ip route} line each, sorted. */
    List<String> table(int table) {
        List<String> out = new ArrayList<>();
        for (String fam : List.of("-4", "-6")) {
            // A table the kernel never held a route of "does not exist" (IPv6): no routes.
            run("ip", "-n", ns, fam, "route", "show", "table", String.valueOf(table), "proto", "201").output().lines()
                    .filter(l -> !l.contains("does not exist") && !l.contains("Dump terminated")).map(String::strip)
                    .filter(l -> !l.isEmpty()).forEach(out::add);
        }
        return out.stream().sorted().toList();
    }

    /** The table the winning netc rule of IPv4 names, or -1. */
    int activeTable() {
        int best = Integer.MAX_VALUE;
        int table = -1;
        for (String l : in("ip", "-4", "rule", "show").lines().toList()) {
            String[] t = l.strip().split("\\s+");
            int pref = Integer.parseInt(t[0].replace(":", ""));
            int i = List.of(t).indexOf("lookup");
            if (i < 0 || pref >= best) continue;
            String tab = t[i + 1];
            if (tab.equals(String.valueOf(PodnetPlanner.TABLE_A)) || tab.equals(String.valueOf(PodnetPlanner.TABLE_B))) {
                best = pref;
                table = Integer.parseInt(tab);
            }
        }
        return table;
    }

    @Override
    public void close() throws IOException {
        run("ip", "netns", "pids", ns).output().lines().forEach(pid -> run("kill", "-9", pid.strip()));
        run("ip", "netns", "del", ns);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
