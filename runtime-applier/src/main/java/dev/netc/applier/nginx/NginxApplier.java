package dev.netc.applier.nginx;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Bundle;
import dev.netc.applier.Context;
import dev.netc.applier.Exec;
import dev.netc.applier.Outcome;
import dev.netc.applier.Releases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Installs the ingress files under a prefix that nginx runs from
 * ({@code nginx -p PREFIX/ -c PREFIX/current/nginx.conf}):
 * <pre>
 * PREFIX/releases/DIGEST/…   one folder per bundle: nginx.conf and the TLS files it names (relative paths)
 * PREFIX/current             symlink to releases/DIGEST, swapped by rename (atomic)
 * PREFIX/nginx.pid, *.log    nginx's own files
 * </pre>
 * The new folder is checked with {@code nginx -t} before the swap; after it, a running nginx is reloaded and
 * the reload counts as done when the master has started new workers. If it does not (the new config could
 * not be put in place: a port in use, a file gone), the link is swapped back and the previous config stays.
 */
public final class NginxApplier implements BackendApplier {
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(5);

    @Override
    public Outcome apply(Context c) throws ApplyException {
        Path prefix = c.request().nginxPrefix().toAbsolutePath();
        Bundle target = c.target();
        Path release = prefix.resolve("releases").resolve(target.digest());
        Path current = prefix.resolve("current");
        Optional<Path> before = Releases.linkTarget(current);
        if (before.isPresent() && before.get().getFileName().toString().equals(target.digest()) && Releases.intact(release, target)
                && !c.request().full()) {
            c.say("nginx: nothing to change (" + current + " holds " + Bundle.shortDigest(target.digest()) + ")");
            return Outcome.unchanged(Map.of());
        }
        guard(target);
        Releases.write(prefix, release, target);
        Path conf = release.resolve("nginx.conf");
        // nginx -t opens the files the config names: it runs with the release as its prefix and error log, so
        // whatever it creates (temp folders, the log) stays in the release folder.
        Exec.Result t = c.exec().run(List.of("nginx", "-t", "-q", "-p", release + "/", "-e", release.resolve("error.log").toString(),
                "-c", conf.toString()));
        if (!t.ok()) {
            if (before.map(b -> !b.equals(release)).orElse(true)) Releases.deleteTree(release);
            throw ApplyException.rejected("nginx -t refused the new config: " + t.said() + "; " + current + " is unchanged");
        }
        c.say("nginx: plan: " + current + " -> releases/" + Bundle.shortDigest(target.digest()) + " (was "
                + before.map(b -> "releases/" + Bundle.shortDigest(b.getFileName().toString())).orElse("none") + "); nginx -t passed");
        if (c.dryRun()) {
            if (before.map(b -> !b.equals(release)).orElse(true)) Releases.deleteTree(release);
            c.say("nginx: dry run: nothing was changed");
            return Outcome.dryRun();
        }
        c.beforeCommit().run();
        Optional<Long> master = master(prefix);
        Set<Long> workersBefore = master.map(NginxApplier::workers).orElse(Set.of());
        Releases.swap(current, prefix.relativize(release));
        Releases.prune(prefix, new java.util.HashSet<>(List.of(target.digest(), before.map(b -> b.getFileName().toString()).orElse(""))));
        if (master.isEmpty()) {
            c.say("nginx: not running (no live " + prefix.resolve("nginx.pid") + "): the new config is in place for its next start");
            return Outcome.applied("swapped", Map.of());
        }
        Exec.Result r = c.exec().run(List.of("nginx", "-p", prefix + "/", "-c", current.resolve("nginx.conf").toString(), "-s", "reload"));
        if (r.ok() && reloaded(master.get(), workersBefore)) return Outcome.applied("reloaded", Map.of());
        // The master kept its old config: put the link back so the files match what runs.
        if (before.isPresent()) Releases.swap(current, prefix.relativize(before.get()));
        else Releases.deleteQuietly(current);
        throw ApplyException.rejected("nginx did not take the new config (" + (r.ok() ? "no new workers within "
                + RELOAD_WAIT.toSeconds() + " s; see " + prefix.resolve("error.log") : r.said()) + "); rolled back to "
                + before.map(b -> "releases/" + Bundle.shortDigest(b.getFileName().toString())).orElse("no config"));
    }

    /** Refuses (exit 5) a config that says anything the nginx backend does not write ({@link NginxGuard}). */
    static void guard(Bundle b) throws ApplyException {
        Artifact conf = b.find("nginx.conf").orElseThrow(() -> ApplyException.refused("no ingress/nginx.conf in the bundle"));
        Set<String> files = new java.util.TreeSet<>();
        for (Artifact a : b.artifacts()) files.add(a.name());
        NginxGuard.check(conf.path(), conf.text(), files);
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        guard(c.target());
        Path current = c.request().nginxPrefix().toAbsolutePath().resolve("current");
        return Releases.drift(current, c.target());
    }

    /** The running master's pid, from PREFIX/nginx.pid, when that process is alive. */
    static Optional<Long> master(Path prefix) {
        try {
            long pid = Long.parseLong(Files.readString(prefix.resolve("nginx.pid")).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Set<Long> workers(long master) {
        return ProcessHandle.of(master).map(p -> p.children().map(ProcessHandle::pid).collect(Collectors.toSet())).orElse(Set.of());
    }

    /** A reload took when the master started a worker it did not have before. */
    private static boolean reloaded(long master, Set<Long> before) {
        long deadline = System.nanoTime() + RELOAD_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (long w : workers(master)) if (!before.contains(w)) return true;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
