package dev.netc.applier;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The artifacts one backend installs on one node (for nginx: the ingress files, which every node shares),
 * verified against the manifest. Its digest names it in the state directory.
 */
public record Bundle(BackendKind backend, String node, String model, List<Artifact> artifacts) {
    public Bundle {
        artifacts = artifacts.stream().sorted(Comparator.comparing(Artifact::path)).toList();
    }

    /** sha256 over each file's path and sha256: equal bundles have equal digests, whatever OUT they came from. */
    public String digest() {
        StringBuilder b = new StringBuilder();
        for (Artifact a : artifacts) b.append(a.path()).append('\0').append(a.sha256()).append('\n');
        return Artifact.sha256(b.toString());
    }

    /** The artifact with this {@link Artifact#name() name}, e.g. {@code nftables.nft} or {@code ipvs/ipvsadm.rules}. */
    public Optional<Artifact> find(String name) {
        return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public static String shortDigest(String digest) {
        return digest.length() > 12 ? digest.substring(0, 12) : digest;
    }
}
