package dev.netc.applier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One file of a compiled output: its path relative to OUT (as the manifest names it) and its bytes. Immutable;
 * its sha256 and its text are computed once, when first asked for (at 10k Services an nftables.nft is 10 MB,
 * and one apply asks for its digest a dozen times: bundle digests, the state's records, the stored copy).
 */
public final class Artifact {
    private final String path;
    private final byte[] content;
    private volatile String sha256;
    private volatile String text;

    public Artifact(String path, byte[] content) {
        this.path = Objects.requireNonNull(path);
        this.content = content.clone();
    }

    public static Artifact of(String path, String text) {
        return new Artifact(path, text.getBytes(StandardCharsets.UTF_8));
    }

    public String path() {
        return path;
    }

    /** A copy of the bytes. */
    public byte[] content() {
        return content.clone();
    }

    /** The number of bytes. */
    public int size() {
        return content.length;
    }

    /** The bytes as UTF-8 text (decoded once). */
    public String text() {
        String t = text;
        if (t == null) {
            t = new String(content, StandardCharsets.UTF_8);
            text = t;
        }
        return t;
    }

    /** The sha256 of the bytes, hex (computed once). */
    public String sha256() {
        String s = sha256;
        if (s == null) {
            s = sha256(content);
            sha256 = s;
        }
        return s;
    }

    /** Writes the bytes to {@code ch} without copying them. */
    void writeTo(java.nio.channels.WritableByteChannel ch) throws java.io.IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(content).asReadOnlyBuffer();
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** The file name after the node's or backend's folder: {@code nftables.nft}, {@code ipvs/ipvsadm.rules}, {@code nginx.conf}, {@code zones/cluster.local.zone}. */
    public String name() {
        String[] parts = path.split("/");
        if (parts.length >= 3 && parts[0].equals("nodes")) return String.join("/", Arrays.copyOfRange(parts, 2, parts.length));
        if (parts.length >= 2 && (parts[0].equals("ingress") || parts[0].equals("dns"))) return String.join("/", Arrays.copyOfRange(parts, 1, parts.length));
        return path;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Artifact a && a.path.equals(path) && Arrays.equals(a.content, content);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return path + " (" + content.length + " bytes)";
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
