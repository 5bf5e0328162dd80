package dev.netc.compiler.passes;

import dev.netc.ir.ContentHash;
import java.math.BigInteger;

/** Positions derived from an object's identity, so an allocation does not move when other objects change. */
final class StableHash {
    private StableHash() {
    }

    /** A non-negative number from the SHA-256 of {@code key}, reduced modulo {@code range}. */
    static BigInteger of(String key, BigInteger range) {
        return ContentHash.number(key, range);
    }

    static int of(String key, int range) {
        return of(key, BigInteger.valueOf(range)).intValue();
    }
}
