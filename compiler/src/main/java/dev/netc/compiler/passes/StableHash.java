package dev.netc.compiler.passes;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Positions derived from an object's identity, so an allocation does not move when other objects change. */
final class StableHash {
    private StableHash() {
    }

    /** A non-negative number from the SHA-256 of {@code key}, reduced modulo {@code range}. */
    static BigInteger of(String key, BigInteger range) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, d).mod(range);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    static int of(String key, int range) {
        return of(key, BigInteger.valueOf(range)).intValue();
    }
}
