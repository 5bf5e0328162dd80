package dev.netc.ir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * netc's one content hash: SHA-256, and the few ways its digest is written. Names (chains, sets, upstreams,
 * files), allocation positions and file digests all come from here, so that one input always gives one value
 * and no second hash function creeps in.
 */
public final class ContentHash {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private ContentHash() {
    }

    /** The SHA-256 of {@code data}. */
    public static byte[] sha256(byte[] data) {
        return newDigest().digest(data);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * The SHA-256 of bytes given in pieces, with their count; {@link #fork} copies the state, so files that start with
     * one part hash that part once ({@code Running.start().update(a).update(b).hex()} is {@code hex(a ++ b)}).
     */
    public static final class Running {
        private final MessageDigest digest;
        private long size;

        private Running(MessageDigest digest, long size) {
            this.digest = digest;
            this.size = size;
        }

        public static Running start() {
            return new Running(newDigest(), 0);
        }

        public Running update(byte[] data) {
            return update(data, 0, data.length);
        }

        /** Adds the bytes {@code data} has left, from its position to its limit (which it reaches). */
        public Running update(java.nio.ByteBuffer data) {
            size += data.remaining();
            digest.update(data);
            return this;
        }

        /** Adds {@code length} bytes of {@code data} from {@code offset}. */
        public Running update(byte[] data, int offset, int length) {
            digest.update(data, offset, length);
            size += length;
            return this;
        }

        /** A copy that goes on from here; this one is unchanged. */
        public Running fork() {
            try {
                return new Running((MessageDigest) digest.clone(), size);
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("the platform's SHA-256 can be cloned", e);
            }
        }

        /** The bytes given so far. */
        public long size() {
            return size;
        }

        /** The digest in lower-case hex, as {@link ContentHash#hex(byte[])}; this one is used up. */
        public String hex() {
            return HexFormat.of().formatHex(digest());
        }

        /** The digest, as {@link ContentHash#sha256(byte[])}; this one is used up. */
        public byte[] digest() {
            return digest.digest();
        }
    }

    /** The SHA-256 of {@code s} in UTF-8. */
    public static byte[] sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole digest of {@code data} in lower-case hex (file digests: {@code sha256sum} prints the same). */
    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(sha256(data));
    }

    /** The first {@code bytes} bytes of the digest of {@code s} in lower-case hex. */
    public static String hex(String s, int bytes) {
        return HexFormat.of().formatHex(sha256(s), 0, bytes);
    }

    /** The first {@code chars} characters of the RFC 4648 base32 (upper case) of the digest of {@code s}. */
    public static String base32(String s, int chars) {
        return base32(sha256(s)).substring(0, chars);
    }

    /** The digest of {@code s} as a non-negative number, reduced modulo {@code range}. */
    public static BigInteger number(String s, BigInteger range) {
        return new BigInteger(1, sha256(s)).mod(range);
    }

    /** RFC 4648 base32, upper case, unpadded. */
    static String base32(byte[] data) {
        StringBuilder b = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte d : data) {
            buffer = (buffer << 8) | (d & 0xff);
            bits += 8;
            while (bits >= 5) {
                b.append(BASE32[(buffer >> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) b.append(BASE32[(buffer << (5 - bits)) & 0x1f]);
        return b.toString();
    }
}
