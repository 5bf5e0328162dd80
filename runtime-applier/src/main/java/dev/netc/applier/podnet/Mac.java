package dev.netc.applier.podnet;

import java.util.HexFormat;
import java.util.Optional;

/** A 48-bit link-layer address in lower-case colon form ({@code 0e:3a:11:22:33:44}). */
public record Mac(String text) implements Comparable<Mac> {
    public static Optional<Mac> parse(String s) {
        return s.matches("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}") ? Optional.of(new Mac(s.toLowerCase(java.util.Locale.ROOT))) : Optional.empty();
    }

    public static Mac fromBytes(byte[] b) {
        if (b.length != 6) throw new IllegalArgumentException("a MAC address is 6 bytes, not " + b.length);
        return new Mac(HexFormat.ofDelimiter(":").formatHex(b));
    }

    public byte[] bytes() {
        return HexFormat.ofDelimiter(":").parseHex(text);
    }

    @Override
    public int compareTo(Mac o) {
        return text.compareTo(o.text);
    }

    @Override
    public String toString() {
        return text;
    }
}
