package dev.netc.e2e.dns;

import dev.netc.e2e.lab.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real knotd in a network namespace, run from a dns prefix as {@code netc apply --backend dns} lays it out: the
 * main config {@code PREFIX/knot.conf} (written here: the deployment's file, which the applier never writes) reads
 * the current release through {@code PREFIX/current}. Closing stops it and waits for it, also after a failed test.
 */
final class Knotd implements AutoCloseable {
    final Path prefix;
    private final Process process;

    private Knotd(Path prefix, Process process) {
        this.prefix = prefix;
        this.process = process;
    }

    /** The deployment's main config: listen address, control socket, storage through the link, AXFR open to all (for secondaries). */
    static String mainConfig(Path prefix, String listen) {
        return "server:\n    rundir: \"" + prefix + "\"\n    listen: " + listen + "\n"
                + "control:\n    listen: \"" + prefix.resolve("knot.sock") + "\"\n"
                + "log:\n  - target: \"" + prefix.resolve("knotd.log") + "\"\n    any: info\n"
                + "database:\n    storage: \"" + prefix.resolve("db") + "\"\n"
                + "acl:\n  - id: transfer\n    address: [0.0.0.0/0, ::/0]\n    action: transfer\n"
                + "template:\n  - id: default\n    storage: \"" + prefix.resolve("current") + "\"\n    zonefile-load: whole\n"
                + "    journal-content: none\n    semantic-checks: on\n    acl: transfer\n"
                + "include: \"" + prefix.resolve("current/knot.conf") + "\"\n";
    }

    /** Writes the main config and starts knotd in {@code ns}, in the foreground of a child process; waits for its control socket. */
    static Knotd start(String ns, Path prefix, String listen) throws IOException {
        Files.createDirectories(prefix);
        Path conf = prefix.resolve("knot.conf");
        Files.writeString(conf, mainConfig(prefix, listen));
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "knotd", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("knotd.out").toFile()).start();
        Knotd k = new Knotd(prefix, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Sh.run(null, List.of("knotc", "-s", prefix.resolve("knot.sock").toString(), "status")).exit() != 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                k.close();
                throw new IOException("knotd did not start: " + Files.readString(prefix.resolve("knotd.out")));
            }
            sleep(20);
        }
        return k;
    }

    /** {@code knotc zone-status} as knotd prints it. */
    String zoneStatus() {
        return Sh.run(null, List.of("knotc", "-s", prefix.resolve("knot.sock").toString(), "zone-status")).output();
    }

    /** The lines of knotd's log so far that say it re-read its config or loaded a zone (control commands left out). */
    List<String> loads() throws IOException {
        Path log = prefix.resolve("knotd.log");
        if (!Files.exists(log)) return List.of();
        return Files.readAllLines(log).stream().filter(l -> l.contains("reloading configuration") || l.contains("zone file parsed")
                || l.contains("loaded, serial")).toList();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
