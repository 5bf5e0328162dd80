package dev.netc.applier.dns;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Bundle;
import dev.netc.applier.Change;
import dev.netc.applier.Context;
import dev.netc.applier.Exec;
import dev.netc.applier.Outcome;
import dev.netc.applier.Releases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Installs the cluster's zones under a prefix that knotd runs from:
 * <pre>
 * PREFIX/releases/DIGEST/knot.conf      the backend's fragment: the zone: section, files relative to the release
 * PREFIX/releases/DIGEST/zones/*.zone   the zone files
 * PREFIX/current                        symlink to releases/DIGEST, swapped by rename (atomic)
 * PREFIX/knot.conf, knot.sock           the deployment's main config and knotd's control socket
 * </pre>
 * The main config is the deployment's (it says where knotd listens and as whom it runs); the applier never
 * writes it. It reads the release through the link, so a swap and a {@code knotc reload} move knotd to it:
 * <pre>
 * server:   {rundir: PREFIX, listen: 0.0.0.0@53}
 * control:  {listen: PREFIX/knot.sock}
 * database: {storage: PREFIX/db}
 * template: [{id: default, storage: PREFIX/current, zonefile-load: whole, journal-content: none}]
 * include:  PREFIX/current/knot.conf
 * </pre>
 * ({@code zonefile-load: whole} and no journal: the file is the truth, also when its serial goes down on a
 * rollback.) The bundle is judged by {@link DnsGuard} first; the new release is checked before the swap by
 * {@code kzonecheck -o ZONE FILE} per zone and {@code knotc conf-check} of the fragment; a refusal leaves
 * {@code current} as it was and reloads nothing. After the swap, a running knotd (its control socket answers)
 * is told {@code knotc reload}, which re-reads the included fragment (zones added and removed) and every zone
 * file that changed; the reload counts as done when {@code knotc zone-status} shows exactly the target's zones,
 * each at its file's SOA serial (the backend derives the serial from the zone's content). If it does not within
 * {@link #RELOAD_WAIT}, the link is swapped back and knotd reloaded again.
 */
public final class DnsApplier implements BackendApplier {
    static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

    @Override
    public Outcome apply(Context c) throws ApplyException {
        Path prefix = c.request().dnsPrefix().toAbsolutePath();
        Bundle target = c.target();
        Path release = prefix.resolve("releases").resolve(target.digest());
        Path current = prefix.resolve("current");
        Optional<Path> before = Releases.linkTarget(current);
        Map<String, DnsGuard.Zone> zones = guard(target);
        Map<String, DnsPlan.ZoneFacts> after = facts(target, zones);
        DnsPlan plan = DnsPlan.plan(target.digest(), before.map(b -> b.getFileName().toString()), Releases.intact(release, target),
                c.request().full(), before.map(DnsApplier::installed).orElse(Map.of()), after);
        if (!plan.install()) {
            c.say("dns: nothing to change (" + current + " holds " + Bundle.shortDigest(target.digest()) + "); nothing reloaded");
            return Outcome.unchanged(Map.of());
        }
        Releases.write(prefix, release, target);
        boolean keepRelease = before.map(release::equals).orElse(false);
        try {
            checkRelease(c.exec(), prefix, release, zones);
        } catch (ApplyException e) {
            if (!keepRelease) Releases.deleteTree(release);
            throw e;
        }
        c.say("dns: plan: " + current + " -> releases/" + Bundle.shortDigest(target.digest()) + " (was " + shortName(before)
                + "); kzonecheck and knotc conf-check passed");
        for (Change ch : plan.changes()) c.say("  " + ch);
        if (c.dryRun()) {
            if (!keepRelease) Releases.deleteTree(release);
            c.say("dns: dry run: nothing was changed");
            return Outcome.dryRun();
        }
        c.beforeCommit().run();
        Knot knot = new Knot(c.exec(), prefix.resolve("knot.sock"));
        boolean running = knot.running();
        Releases.swap(current, prefix.relativize(release));
        Releases.prune(prefix, new HashSet<>(List.of(target.digest(), before.map(b -> b.getFileName().toString()).orElse(""))));
        if (!running) {
            c.say("dns: knotd not running (no answer on " + prefix.resolve("knot.sock") + "): the new zones are in place for its next start");
            return Outcome.applied("swapped", Map.of());
        }
        Exec.Result r = knot.reload();
        List<String> problems = r.ok() ? knot.awaitServing(after, RELOAD_WAIT) : List.of("knotc reload: " + r.said());
        if (problems.isEmpty()) return Outcome.applied("reloaded", Map.of());
        // knotd kept (some of) its old zones: put the link back and have it read them again, so files and answers agree.
        if (before.isPresent()) Releases.swap(current, prefix.relativize(before.get()));
        else Releases.deleteQuietly(current);
        Exec.Result back = knot.reload();
        throw ApplyException.rejected("knotd did not take the new zones (" + String.join("; ", problems) + "); rolled back to "
                + shortName(before) + (back.ok() ? "" : " (knotc reload: " + back.said() + ")"));
    }

    /** Refuses (exit 5) a bundle that holds anything the dns backend does not write ({@link DnsGuard}). */
    static Map<String, DnsGuard.Zone> guard(Bundle b) throws ApplyException {
        return DnsGuard.check("dns/", texts(b));
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        Map<String, DnsGuard.Zone> zones = guard(c.target());
        Path prefix = c.request().dnsPrefix().toAbsolutePath();
        Path current = prefix.resolve("current");
        List<String> out = new ArrayList<>(Releases.drift(current, c.target()));
        Knot knot = new Knot(c.exec(), prefix.resolve("knot.sock"));
        if (knot.running()) out.addAll(DnsPlan.unconfirmed(facts(c.target(), zones), knot.zoneStatus()));
        return out;
    }

    private static Map<String, String> texts(Bundle b) {
        Map<String, String> files = new TreeMap<>();
        for (Artifact a : b.artifacts()) files.put(a.name(), a.text());
        return files;
    }

    private static Map<String, DnsPlan.ZoneFacts> facts(Bundle b, Map<String, DnsGuard.Zone> zones) {
        Map<String, String> shas = new TreeMap<>();
        Map<String, String> texts = new TreeMap<>();
        for (Artifact a : b.artifacts()) {
            shas.put(a.name(), a.sha256());
            texts.put(a.name(), a.text());
        }
        return facts(zones, shas, texts);
    }

    /** A zone without a readable SOA serial gets -1: kzonecheck refuses it before anything depends on the serial. */
    private static Map<String, DnsPlan.ZoneFacts> facts(Map<String, DnsGuard.Zone> zones, Map<String, String> shas, Map<String, String> texts) {
        Map<String, DnsPlan.ZoneFacts> out = new TreeMap<>();
        for (DnsGuard.Zone z : zones.values()) {
            out.put(z.domain(), new DnsPlan.ZoneFacts(z.file(), shas.get(z.file()), DnsPlan.soaSerial(texts.get(z.file())).orElse(-1L)));
        }
        return out;
    }

    /** The zones of an installed release, read back from its files; none when it cannot be read or judged. */
    private static Map<String, DnsPlan.ZoneFacts> installed(Path release) {
        Map<String, String> texts = new TreeMap<>();
        Map<String, String> shas = new TreeMap<>();
        try (Stream<Path> s = Files.walk(release)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                String name = release.relativize(p).toString();
                texts.put(name, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                shas.put(name, Artifact.sha256(bytes));
            }
            return facts(DnsGuard.check(release + "/", texts), shas, texts);
        } catch (IOException | ApplyException e) {
            return Map.of();
        }
    }

    /**
     * kzonecheck per zone (semantic checks as knotd's, with the origin the fragment gives it) and knotc conf-check
     * of the fragment in a scratch config whose storage is the release, so its relative files resolve there.
     */
    private static void checkRelease(Exec exec, Path prefix, Path release, Map<String, DnsGuard.Zone> zones) throws ApplyException {
        for (DnsGuard.Zone z : zones.values()) {
            Exec.Result r = exec.run(List.of("kzonecheck", "-v", "-o", z.domain(), release.resolve(z.file()).toString()));
            if (!r.ok()) {
                // -v puts the loader's errors (file, line, why) on stdout and only the verdict on stderr.
                String said = (r.stdout().strip() + "\n" + r.stderr().strip()).strip().replace('\n', ' ');
                throw ApplyException.rejected("kzonecheck refused zone " + z.domain() + " (" + z.file() + "): " + DnsGuard.clip(said) + "; "
                        + prefix.resolve("current") + " is unchanged, nothing reloaded");
            }
        }
        Path conf = prefix.resolve("releases").resolve(".check-" + release.getFileName() + ".conf");
        try {
            Files.writeString(conf, "template:\n  - id: default\n    storage: \"" + release + "\"\ninclude: \"" + release.resolve(DnsGuard.FRAGMENT) + "\"\n");
            Exec.Result r = exec.run(List.of("knotc", "-c", conf.toString(), "conf-check"));
            if (!r.ok()) {
                throw ApplyException.rejected("knotc conf-check refused " + DnsGuard.FRAGMENT + ": " + r.said() + "; "
                        + prefix.resolve("current") + " is unchanged, nothing reloaded");
            }
        } catch (IOException e) {
            throw ApplyException.stateIo(conf + ": cannot be written: " + e.getMessage(), e);
        } finally {
            Releases.deleteQuietly(conf);
        }
    }

    private static String shortName(Optional<Path> release) {
        return release.map(b -> "releases/" + Bundle.shortDigest(b.getFileName().toString())).orElse("none");
    }
}
