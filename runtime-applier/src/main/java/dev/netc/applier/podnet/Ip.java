package dev.netc.applier.podnet;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address in its canonical text (RFC 5952 for IPv6) and its bytes, with the kernel's address family
 * number, so addresses read from a plan and from a netlink dump compare equal. Immutable; equal by text.
 *
 * <p>Parsed by hand rather than with the ipaddress library: its first use loads enough classes to cost about 250 ms
 * of a cold JVM, a quarter of a node's apply budget, for what two small grammars do here.
 */
public final class Ip implements Comparable<Ip> {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private final int family;
    private final String text;
    private final byte[] bytes;

    private Ip(byte[] bytes) {
        this.family = bytes.length == 4 ? AF_INET : AF_INET6;
        this.bytes = bytes.clone();
        this.text = bytes.length == 4 ? v4Text(bytes) : v6Text(bytes);
    }

    /** A literal address (no prefix, no zone, no host name), or empty. */
    public static Optional<Ip> parse(String s) {
        byte[] b = s.indexOf(':') >= 0 ? v6(s) : v4(s);
        return b == null ? Optional.empty() : Optional.of(new Ip(b));
    }

    /** The address in network byte order as netlink carries it (4 or 16 bytes). */
    public static Ip fromBytes(byte[] b) {
        if (b.length != 4 && b.length != 16) throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + b.length);
        return new Ip(b);
    }

    private static byte[] v4(String s) {
        if (!s.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}")) return null;
        String[] p = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(p[i]);
        return b;
    }

    /** RFC 4291 text: eight groups of 1-4 hex digits, one {@code ::} for a run of zero groups, an IPv4 tail allowed. */
    private static byte[] v6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+") || s.indexOf("::") != s.lastIndexOf("::") || s.contains(":::")) return null;
        int[] groups = new int[8];
        String[] halves = s.split("::", -1);
        List<Integer> head = v6Groups(halves[0], halves.length == 1);
        List<Integer> tail = halves.length == 2 ? v6Groups(halves[1], true) : List.of();
        if (head == null || tail == null) return null;
        int n = head.size() + tail.size();
        if (halves.length == 1 ? n != 8 : n > 7) return null;
        for (int i = 0; i < head.size(); i++) groups[i] = head.get(i);
        for (int i = 0; i < tail.size(); i++) groups[8 - tail.size() + i] = tail.get(i);
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (groups[i] >> 8);
            b[2 * i + 1] = (byte) groups[i];
        }
        return b;
    }

    /** The groups of one side of {@code ::}; an IPv4 tail (two groups) only where {@code last}. */
    private static List<Integer> v6Groups(String part, boolean last) {
        List<Integer> out = new java.util.ArrayList<>();
        if (part.isEmpty()) return out;
        String[] g = part.split(":", -1);
        for (int i = 0; i < g.length; i++) {
            if (last && i == g.length - 1 && g[i].indexOf('.') >= 0) {
                byte[] v4 = v4(g[i]);
                if (v4 == null) return null;
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
            } else if (g[i].matches("[0-9A-Fa-f]{1,4}")) {
                out.add(Integer.parseInt(g[i], 16));
            } else {
                return null;
            }
        }
        return out;
    }

    private static String v4Text(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** RFC 5952: lower-case hex without leading zeros, the longest run (the first of equals) of two or more zero groups as {@code ::}. */
    private static String v6Text(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }

    public int family() {
        return family;
    }

    public String text() {
        return text;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int bits() {
        return family == AF_INET ? 32 : 128;
    }

    /** fe80::/10 (the kernel's own address on every IPv6 link) or 169.254.0.0/16. */
    public boolean isLinkLocal() {
        return family == AF_INET6 ? (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80 : (bytes[0] & 0xff) == 169 && (bytes[1] & 0xff) == 254;
    }

    @Override
    public int compareTo(Ip o) {
        if (family != o.family) return Integer.compare(family, o.family);
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ip i && i.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
