package dev.netc.applier;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The release folders a cluster-wide backend installs into ({@code PREFIX/releases/DIGEST/…}) and the
 * {@code PREFIX/current} link a server reads them through: written in a staging folder and renamed into place,
 * the link swapped by rename, the current and previous releases kept. Shared by the nginx and dns appliers.
 */
public final class Releases {
    private Releases() {
    }

    /** Whether {@code release} holds every artifact of {@code b}, byte for byte. */
    public static boolean intact(Path release, Bundle b) {
        try {
            for (Artifact a : b.artifacts()) {
                Path p = release.resolve(a.name());
                if (!Files.exists(p) || !Artifact.sha256(Files.readAllBytes(p)).equals(a.sha256())) return false;
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What {@code release} holds otherwise than {@code b}, one line per artifact: missing, different or unreadable ({@code --check}). */
    public static List<String> drift(Path release, Bundle b) {
        List<String> out = new ArrayList<>();
        for (Artifact a : b.artifacts()) {
            Path p = release.resolve(a.name());
            try {
                if (!Files.exists(p)) out.add(a.name() + ": missing");
                else if (!Artifact.sha256(Files.readAllBytes(p)).equals(a.sha256())) out.add(a.name() + ": differs from the artifact");
            } catch (IOException e) {
                out.add(a.name() + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** Writes the bundle's files to {@code release} (by way of a staging folder renamed into place), unless it is intact. */
    public static void write(Path prefix, Path release, Bundle b) throws ApplyException {
        if (intact(release, b)) return;
        Path staging = prefix.resolve("releases").resolve(".staging-" + b.digest());
        try {
            deleteTree(staging);
            for (Artifact a : b.artifacts()) {
                Path p = staging.resolve(a.name());
                Files.createDirectories(p.getParent());
                Files.write(p, a.content());
                if (a.name().endsWith(".key")) Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
            deleteTree(release);
            Files.move(staging, release, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw ApplyException.stateIo(release + ": cannot be written: " + e.getMessage(), e);
        }
    }

    /** Where {@code link} points, resolved against its folder; empty when it is no symlink. */
    public static Optional<Path> linkTarget(Path link) {
        try {
            if (!Files.isSymbolicLink(link)) return Optional.empty();
            return Optional.of(link.resolveSibling(Files.readSymbolicLink(link)).normalize());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Points {@code link} at {@code to} by renaming a new link over it: readers see the old or the new one. */
    public static void swap(Path link, Path to) throws ApplyException {
        Path tmp = link.resolveSibling("." + link.getFileName() + ".new");
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, to);
            try {
                Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw ApplyException.stateIo(link + ": cannot be swapped: " + e.getMessage(), e);
        }
    }

    /** Keeps the current and the previous release; older ones go. */
    public static void prune(Path prefix, Set<String> keep) throws ApplyException {
        Path releases = prefix.resolve("releases");
        try (Stream<Path> s = Files.list(releases)) {
            for (Path p : s.toList()) if (!keep.contains(p.getFileName().toString())) deleteTree(p);
        } catch (IOException e) {
            throw ApplyException.stateIo(releases + ": " + e.getMessage(), e);
        }
    }

    public static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing else to put back
        }
    }

    public static void deleteTree(Path p) throws ApplyException {
        try {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
            try (Stream<Path> s = Files.walk(p)) {
                for (Path x : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw ApplyException.stateIo(p + ": " + e.getMessage(), e);
        }
    }
}
