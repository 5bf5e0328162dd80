package dev.netc.cli;

import dev.netc.backends.Artifact;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the output folder so that readers see the old folder or the new one, never a half-written one:
 * everything goes to a temporary sibling folder first, which then replaces OUT by rename.
 */
final class OutputWriter {
    void write(Path out, List<Artifact> artifacts) throws IOException {
        Path abs = out.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".netc-tmp-");
        try {
            for (Artifact a : artifacts) {
                Path f = tmp.resolve(a.path()).normalize();
                if (!f.startsWith(tmp)) throw new IOException("artifact path escapes the output folder: " + a.path());
                Files.createDirectories(f.getParent());
                Files.write(f, a.content());
                if (a.secret()) Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            replace(tmp, abs);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    /** Moves the old OUT aside, the new one in, then removes the old one. */
    private static void replace(Path tmp, Path out) throws IOException {
        if (!Files.exists(out)) {
            move(tmp, out);
            return;
        }
        if (!Files.isDirectory(out)) throw new IOException(out + " exists and is not a directory");
        Path old = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".netc-old-");
        Files.delete(old);
        move(out, old);
        try {
            move(tmp, out);
        } catch (IOException e) {
            move(old, out); // put the previous output back
            throw e;
        }
        deleteTree(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
