package dev.netc.backends;

import dev.netc.ir.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output file: its path relative to OUT ({@code nodes/n1/iptables.rules}), its bytes, the node it
 * belongs to (empty for cluster-wide files) and whether it holds secrets (written 0600). Immutable: the bytes are
 * copied in and out. A class rather than a record so that {@link #text} can keep the bytes it encoded without a
 * second copy (a whole cluster's plan.txt is some hundred MB).
 */
public final class Artifact {
    private final String path;
    private final byte[] content;
    private final String node;
    private final boolean secret;

    public Artifact(String path, byte[] content, String node, boolean secret) {
        this(path, node, secret, content.clone());
    }

    /** Takes {@code content} as it is: only for arrays nothing else holds. */
    Artifact(String path, String node, boolean secret, byte[] content) {
        if (path.startsWith("/") || path.contains("..")) throw new IllegalArgumentException("bad artifact path " + path);
        this.path = path;
        this.content = content;
        this.node = node;
        this.secret = secret;
    }

    public static Artifact text(String path, String node, String text) {
        return new Artifact(path, node, false, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A text file given in parts (UTF-8 bytes, one after another), copied once into the file's bytes. */
    public static Artifact joined(String path, String node, java.util.List<byte[]> parts) {
        long size = 0;
        for (byte[] p : parts) size += p.length;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(path + ": " + size + " bytes is more than one file holds");
        byte[] content = new byte[(int) size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, content, at, p.length);
            at += p.length;
        }
        return new Artifact(path, node, false, content);
    }

    public String path() {
        return path;
    }

    public String node() {
        return node;
    }

    public boolean secret() {
        return secret;
    }

    /** A copy of the bytes; {@link #size}, {@link #sha256} and {@link #writeTo} read them without one. */
    public byte[] content() {
        return content.clone();
    }

    public int size() {
        return content.length;
    }

    /** The SHA-256 of the bytes in lower-case hex (what the manifest lists). */
    public String sha256() {
        return ContentHash.hex(content);
    }

    /** The bytes, read-only and without a copy. */
    public java.nio.ByteBuffer bytes() {
        return java.nio.ByteBuffer.wrap(content).asReadOnlyBuffer();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(content);
    }

    /** Adds the bytes to a running digest (without a copy of them). */
    public void hashInto(ContentHash.Running digest) {
        digest.update(content);
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Artifact a && a.path.equals(path) && Arrays.equals(a.content, content)
                && a.node.equals(node) && a.secret == secret;
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "Artifact[" + path + ", " + content.length + " bytes]";
    }
}
