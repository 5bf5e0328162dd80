package dev.netc.backends;

import dev.netc.ir.ContentHash;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a backend writes for a whole compile: the files, and the node files that are compositions of some of them.
 * A part that every node shares is one file ({@code shared/<backend>/<sha256 prefix>.<ext>}); a node's own part is
 * in its folder; a composed file ({@code nodes/<n>/nftables.nft}) is not written, only listed with its parts in
 * order: its bytes are the parts' bytes one after the other.
 */
public record Output(List<Artifact> files, List<Composed> composed) {
    /** A node file made of parts, in order (paths of {@link #files}). */
    public record Composed(String path, String node, List<String> parts) {
        public Composed {
            parts = List.copyOf(parts);
        }
    }

    public Output {
        files = List.copyOf(files);
        composed = List.copyOf(composed);
    }

    public static Output whole(List<Artifact> files) {
        return new Output(files, List.of());
    }

    /**
     * Where a backend puts its files as it renders them ({@link Backend#render(dev.netc.ir.plan.NetworkPlan,
     * java.util.Set, int, Sink)}): a whole compile writes each one to its staging folder as it comes, so no more than
     * a few nodes' files are held at once. A composed file comes after the files it is made of.
     */
    public interface Sink {
        void file(Artifact a);

        void composed(Composed c);

        /** Every file of {@code o}, then every composed file, in order. */
        default void add(Output o) {
            o.files().forEach(this::file);
            o.composed().forEach(this::composed);
        }
    }

    /** What a streaming render puts into its sink, gathered into one output in the same order. */
    public static Output collect(java.util.function.Consumer<Sink> render) {
        List<Artifact> files = new ArrayList<>();
        List<Composed> composed = new ArrayList<>();
        render.accept(new Sink() {
            @Override
            public void file(Artifact a) {
                files.add(a);
            }

            @Override
            public void composed(Composed c) {
                composed.add(c);
            }
        });
        return new Output(files, composed);
    }

    /** The path of a shared part: named by its content, so equal parts are one file and a change is a new name. */
    public static String sharedPath(String backend, String text, String ext) {
        return "shared/" + backend + "/" + ContentHash.hex(text, 8) + ext;
    }

    /**
     * Every node file whole: each composed file as one artifact, the files that are not a part of one as they are
     * (what {@code netc compile --node} writes, and what tests read).
     */
    public List<Artifact> composedFiles() {
        Map<String, Artifact> byPath = index();
        java.util.Set<String> parts = new java.util.HashSet<>();
        composed.forEach(c -> parts.addAll(c.parts()));
        List<Artifact> out = new ArrayList<>();
        for (Artifact a : files) if (!parts.contains(a.path())) out.add(a);
        for (Composed c : composed) out.add(new Artifact(c.path(), c.node(), false, concat(c, byPath)));
        return out;
    }

    private Map<String, Artifact> index() {
        Map<String, Artifact> byPath = new HashMap<>();
        for (Artifact a : files) byPath.put(a.path(), a);
        return byPath;
    }

    private static byte[] concat(Composed c, Map<String, Artifact> byPath) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : c.parts()) b.writeBytes(part(c, p, byPath).content());
        return b.toByteArray();
    }

    private static Artifact part(Composed c, String p, Map<String, Artifact> byPath) {
        Artifact a = byPath.get(p);
        if (a == null) throw new IllegalStateException(c.path() + ": part " + p + " is not among the files");
        return a;
    }
}
