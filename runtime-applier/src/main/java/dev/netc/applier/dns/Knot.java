package dev.netc.applier.dns;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Exec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A running knotd, through {@code knotc -s SOCKET}: whether it answers, reload, and the zones it serves. */
final class Knot {
    private final Exec exec;
    private final Path socket;

    Knot(Exec exec, Path socket) {
        this.exec = exec;
        this.socket = socket;
    }

    boolean running() throws ApplyException {
        return java.nio.file.Files.exists(socket) && knotc("status").ok();
    }

    /** Re-reads the config (zones of the included fragment added and removed) and every zone file that changed. */
    Exec.Result reload() throws ApplyException {
        return knotc("reload");
    }

    /** Zone name to the serial knotd serves. */
    Map<String, String> zoneStatus() throws ApplyException {
        Exec.Result r = knotc("zone-status");
        return r.ok() ? DnsPlan.zoneStatus(r.stdout()) : Map.of();
    }

    /** knotd loads zones in the background after a reload: polls until it serves the target, or says what it still lacks. */
    List<String> awaitServing(Map<String, DnsPlan.ZoneFacts> target, Duration wait) throws ApplyException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> problems = DnsPlan.unconfirmed(target, zoneStatus());
            if (problems.isEmpty() || System.nanoTime() > deadline) return problems;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return problems;
            }
        }
    }

    private Exec.Result knotc(String... action) throws ApplyException {
        List<String> cmd = new java.util.ArrayList<>(List.of("knotc", "-s", socket.toString(), "-t", "10"));
        cmd.addAll(List.of(action));
        return exec.run(cmd);
    }
}
