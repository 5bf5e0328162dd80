package dev.netc.backends.iptables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the base32 (RFC 4648) encoding of the
 * sha256 of the service port name and protocol (and, for endpoints, {@code ip:port}), so that a live node's
 * {@code iptables-save} and netc's output name the same chains alike.
 */
public final class ChainNames {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ChainNames() {
    }

    static String service(String prefix, String servicePortName, String protocol) {
        return prefix + hash(servicePortName + protocol);
    }

    static String endpoint(String servicePortName, String protocol, String hostPort) {
        return "KUBE-SEP-" + hash(servicePortName + protocol + hostPort);
    }

    public static String hash(String s) {
        try {
            return base32(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** RFC 4648 base32, upper case; padding is never reached for the 16 characters used. */
    static String base32(byte[] data) {
        StringBuilder b = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte d : data) {
            buffer = (buffer << 8) | (d & 0xff);
            bits += 8;
            while (bits >= 5) {
                b.append(ALPHABET[(buffer >> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) b.append(ALPHABET[(buffer << (5 - bits)) & 0x1f]);
        return b.toString();
    }
}
