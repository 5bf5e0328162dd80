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

    /** The path of a shared part: named by its content, so equal parts are one file and a change is a new name. */
    public static String sharedPath(String backend, String text, String ext) {
        return "shared/" + backend + "/" + ContentHash.hex(text, 8) + ext;
    }

    /**
     * Each composed file's sha256 and size, without composing it: the digest state after a first part is kept and
     * forked, so a part every node starts with is hashed once, not once per node (at 100 nodes and a 4.5 MB shared
     * part, concatenating each node's file to hash it copied 450 MB).
     */
    public void forEachComposedDigest(java.util.function.BiConsumer<Composed, ContentHash.Running> sink) {
        Map<String, Artifact> byPath = index();
        Map<String, ContentHash.Running> afterFirst = new HashMap<>();
        for (Composed c : composed) {
            if (c.parts().isEmpty()) {
                sink.accept(c, ContentHash.Running.start());
                continue;
            }
            ContentHash.Running d = afterFirst.computeIfAbsent(c.parts().get(0), p -> {
                ContentHash.Running r = ContentHash.Running.start();
                part(c, p, byPath).hashInto(r);
                return r;
            }).fork();
            for (String p : c.parts().subList(1, c.parts().size())) part(c, p, byPath).hashInto(d);
            sink.accept(c, d);
        }
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
        for (Composed c : composed) out.add(new Artifact(c.path(), concat(c, byPath), c.node(), false));
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
