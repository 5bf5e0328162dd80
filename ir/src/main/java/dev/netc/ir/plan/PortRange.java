package dev.netc.ir.plan;

import dev.netc.ir.Protocol;

/** Ports {@code first..last} of one protocol; {@code 1..65535} stands for "every port of the protocol". */
public record PortRange(Protocol protocol, int first, int last) implements Comparable<PortRange> {
    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    public static PortRange all(Protocol p) {
        return new PortRange(p, 1, 65535);
    }

    public boolean isAll() {
        return first == 1 && last == 65535;
    }

    public boolean contains(Protocol p, int port) {
        return protocol == p && port >= first && port <= last;
    }

    @Override
    public int compareTo(PortRange o) {
        int c = protocol.compareTo(o.protocol);
        if (c != 0) return c;
        c = Integer.compare(first, o.first);
        return c != 0 ? c : Integer.compare(last, o.last);
    }

    @Override
    public String toString() {
        String p = protocol.name();
        if (isAll()) return p;
        return first == last ? p + "/" + first : p + "/" + first + "-" + last;
    }
}
