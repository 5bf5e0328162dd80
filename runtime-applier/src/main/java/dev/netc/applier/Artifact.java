package dev.netc.applier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** One file of a compiled output: its path relative to OUT (as the manifest names it) and its bytes. */
public record Artifact(String path, byte[] content) {
    public Artifact {
        Objects.requireNonNull(path);
        content = content.clone();
    }

    public static Artifact of(String path, String text) {
        return new Artifact(path, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    public String sha256() {
        return sha256(content);
    }

    /** The file name after the node's folder: {@code nftables.nft}, {@code ipvs/ipvsadm.rules}, {@code nginx.conf}. */
    public String name() {
        String[] parts = path.split("/");
        if (parts.length >= 3 && parts[0].equals("nodes")) return String.join("/", Arrays.copyOfRange(parts, 2, parts.length));
        if (parts.length >= 2 && parts[0].equals("ingress")) return String.join("/", Arrays.copyOfRange(parts, 1, parts.length));
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
