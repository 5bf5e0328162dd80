package dev.netc.cli;

import dev.netc.backends.Artifact;
import dev.netc.backends.Output;
import dev.netc.ir.ContentHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the output folder so that readers see the old folder or the new one, never a half-written one: every file
 * goes to a temporary sibling folder as soon as it is rendered, and that folder replaces OUT by rename at
 * {@link #commit}. Closing without a commit removes it, so an error at any point leaves OUT as it was.
 * What the manifest needs of each file (path, backend, node, sha256, size) is kept; the bytes are not.
 */
final class OutputWriter implements AutoCloseable {
    /** A file written to the staging folder, as the manifest lists it. */
    record Written(String backend, String path, String node, String sha256, long size) {
    }

    private final Path out;
    private final Path tmp;
    private final List<Written> written = new ArrayList<>();
    private final List<Manifest.ComposedEntry> composed = new ArrayList<>();
    private int unlisted;
    private boolean committed;

    /** Creates the staging folder beside {@code out} (and {@code out}'s parent when missing). */
    OutputWriter(Path out) throws IOException {
        this.out = out.toAbsolutePath().normalize();
        Path parent = this.out.getParent();
        Files.createDirectories(parent);
        if (Files.exists(this.out) && !Files.isDirectory(this.out)) throw new IOException(this.out + " exists and is not a directory");
        this.tmp = Files.createTempDirectory(parent, "." + this.out.getFileName() + ".netc-tmp-");
    }

    /** Writes {@code a} as a file of {@code backend}, listed in the manifest. */
    Written write(String backend, Artifact a) throws IOException {
        Written w = new Written(backend, a.path(), a.node(), stage(a), a.size());
        written.add(w);
        return w;
    }

    /** Writes {@code a} without listing it (the manifest itself, its signature). */
    void writeUnlisted(Artifact a) throws IOException {
        stage(a);
        unlisted++;
    }

    /** The files listed so far, in the order they were written. */
    List<Written> written() {
        return List.copyOf(written);
    }

    /** The composed node files of every {@link #sink}, with the digest and size of their composed bytes. */
    List<Manifest.ComposedEntry> composed() {
        return List.copyOf(composed);
    }

    /** Every file written, listed or not. */
    int count() {
        return written.size() + unlisted;
    }

    /**
     * Where one backend's streamed render goes ({@link dev.netc.backends.Backend#render(dev.netc.ir.plan.NetworkPlan,
     * java.util.Set, int, Output.Sink)}): each file written at once, each composed file's sha256 and size computed from
     * its parts. Used from one thread at a time; a write error is an {@link UncheckedIOException}.
     */
    Output.Sink sink(String backend) {
        return new BackendSink(backend);
    }

    /** Moves the staging folder in place of OUT. */
    void commit() throws IOException {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        replace(tmp, out);
        committed = true;
    }

    /** Removes the staging folder unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!committed && Files.exists(tmp)) deleteTree(tmp);
    }

    /** Writes the bytes of {@code a} under the staging folder; returns their sha256. */
    private String stage(Artifact a) throws IOException {
        Path f = tmp.resolve(a.path()).normalize();
        if (!f.startsWith(tmp) || f.equals(tmp)) throw new IOException("artifact path escapes the output folder: " + a.path());
        Files.createDirectories(f.getParent());
        if (a.secret()) {
            Files.deleteIfExists(f);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        try (OutputStream o = Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            a.writeTo(o);
        }
        return a.sha256();
    }

    private Path staged(String path) {
        return tmp.resolve(path).normalize();
    }

    /**
     * One backend's files. A composed file's digest is of its parts' bytes one after the other: the leading parts that
     * every node shares are hashed once (the digest state after them is kept and copied for each node); the parts every
     * node shares are kept while the backend renders (they are once per cluster), a node's own parts are the files it
     * was just given; anything else is read back from the staging folder.
     */
    private final class BackendSink implements Output.Sink {
        private final String backend;
        private final Map<String, Written> files = new HashMap<>();
        /** The files of no node (shared parts, cluster-wide files). */
        private final Map<String, Artifact> shared = new HashMap<>();
        /** The files of the node that came last: a node's composed files follow its own parts. */
        private final Map<String, Artifact> recent = new HashMap<>();
        private String recentNode;
        /** The digest after some leading shared parts, forked for each composed file that starts with them. */
        private final Map<List<String>, ContentHash.Running> prefixes = new HashMap<>();

        BackendSink(String backend) {
            this.backend = backend;
        }

        @Override
        public void file(Artifact a) {
            try {
                files.put(a.path(), write(backend, a));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!a.node().equals(recentNode)) {
                recent.clear();
                recentNode = a.node();
            }
            if (a.node().isEmpty()) shared.put(a.path(), a);
            else recent.put(a.path(), a);
        }

        @Override
        public void composed(Output.Composed c) {
            List<String> parts = c.parts();
            for (String p : parts) {
                if (!files.containsKey(p)) throw new IllegalStateException(c.path() + ": part " + p + " is not among the files");
            }
            int shared = 0;
            while (shared < parts.size() && files.get(parts.get(shared)).node().isEmpty()) shared++;
            try {
                ContentHash.Running d;
                if (shared == 0) {
                    d = ContentHash.Running.start();
                } else {
                    ContentHash.Running p = prefixes.get(parts.subList(0, shared));
                    if (p == null) {
                        p = ContentHash.Running.start();
                        for (String part : parts.subList(0, shared)) feed(p, part);
                        prefixes.put(List.copyOf(parts.subList(0, shared)), p);
                    }
                    d = p.fork();
                }
                for (String part : parts.subList(shared, parts.size())) feed(d, part);
                composed.add(new Manifest.ComposedEntry(backend, c, d.hex(), d.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Adds the bytes of {@code part} to {@code d}: kept in memory, or read back from the staging folder. */
        private void feed(ContentHash.Running d, String part) throws IOException {
            Artifact a = shared.containsKey(part) ? shared.get(part) : recent.get(part);
            if (a != null) {
                a.hashInto(d);
                return;
            }
            try (InputStream in = Files.newInputStream(staged(part))) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            }
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
