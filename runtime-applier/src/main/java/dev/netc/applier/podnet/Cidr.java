package dev.netc.applier.podnet;

import java.util.Optional;

/** An address and a prefix length, e.g. a pod CIDR {@code 10.244.2.0/24} or an interface address {@code 10.244.1.0/32}. */
public record Cidr(Ip address, int prefix) implements Comparable<Cidr> {
    public Cidr {
        if (prefix < 0 || prefix > address.bits()) throw new IllegalArgumentException("prefix " + prefix + " for " + address);
    }

    /** {@code ADDR/LEN}; with {@code network}, only when no host bits are set (a route's destination). */
    public static Optional<Cidr> parse(String s, boolean network) {
        int slash = s.indexOf('/');
        if (slash < 0) return Optional.empty();
        Optional<Ip> ip = Ip.parse(s.substring(0, slash));
        String len = s.substring(slash + 1);
        if (ip.isEmpty() || !len.matches("\\d{1,3}")) return Optional.empty();
        int prefix = Integer.parseInt(len);
        if (prefix > ip.get().bits()) return Optional.empty();
        if (network) {
            byte[] b = ip.get().bytes();
            for (int bit = prefix; bit < b.length * 8; bit++) if ((b[bit / 8] & (0x80 >> (bit % 8))) != 0) return Optional.empty();
        }
        return Optional.of(new Cidr(ip.get(), prefix));
    }

    public int family() {
        return address.family();
    }

    @Override
    public int compareTo(Cidr o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
