package dev.netc.applier.podnet;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address in its canonical text (RFC 5952 for IPv6), with the kernel's address family number,
 * so addresses read from a plan and from a netlink dump compare equal.
 */
public record Ip(int family, String text) implements Comparable<Ip> {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    /** A literal address (no prefix, no zone, no host name), or empty. */
    public static Optional<Ip> parse(String s) {
        if (s.indexOf('/') >= 0 || s.indexOf('%') >= 0) return Optional.empty();
        IPAddress a = new IPAddressString(s).getAddress();
        if (a == null || a.isPrefixed()) return Optional.empty();
        return Optional.of(of(a));
    }

    static Ip of(IPAddress a) {
        return new Ip(a.isIPv4() ? AF_INET : AF_INET6, a.withoutPrefixLength().toCanonicalString());
    }

    /** The address in network byte order as netlink carries it (4 or 16 bytes). */
    public static Ip fromBytes(byte[] b) {
        if (b.length == 4) return of(new IPv4Address(b));
        if (b.length == 16) return of(new IPv6Address(b));
        throw new IllegalArgumentException("an address is 4 or 16 bytes, not " + b.length);
    }

    public byte[] bytes() {
        return new IPAddressString(text).getAddress().getBytes();
    }

    public int bits() {
        return family == AF_INET ? 32 : 128;
    }

    public boolean isLinkLocal() {
        return new IPAddressString(text).getAddress().isLinkLocal();
    }

    @Override
    public int compareTo(Ip o) {
        if (family != o.family) return Integer.compare(family, o.family);
        return java.util.Arrays.compareUnsigned(bytes(), o.bytes());
    }

    @Override
    public String toString() {
        return text;
    }
}
