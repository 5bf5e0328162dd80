package dev.netc.compiler.passes;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Prefix-set arithmetic for policy peers, done by the ipaddress library. */
final class CidrMath {
    private CidrMath() {
    }

    /** The smallest sorted list of prefixes covering exactly the union of {@code cidrs}. */
    static List<Cidr> minimal(Collection<Cidr> cidrs) {
        List<Cidr> out = new ArrayList<>();
        for (Family f : Family.values()) {
            IPAddress[] blocks = cidrs.stream().filter(c -> c.family() == f).map(Cidr::value).toArray(IPAddress[]::new);
            if (blocks.length == 0) continue;
            IPAddress[] merged = blocks[0].mergeToPrefixBlocks(blocks);
            for (IPAddress m : merged) out.add(new Cidr(m.toPrefixBlock()));
        }
        out.sort(null);
        return List.copyOf(out);
    }

    /** {@code cidr} without the addresses of {@code except}, as minimal prefixes. */
    static List<Cidr> subtract(Cidr cidr, Collection<Cidr> except) {
        List<IPAddress> rest = new ArrayList<>(List.of(cidr.value()));
        for (Cidr e : except) {
            List<IPAddress> next = new ArrayList<>();
            for (IPAddress r : rest) {
                IPAddress[] diff = r.subtract(e.value());
                if (diff != null) next.addAll(List.of(diff));
            }
            rest = next;
        }
        List<Cidr> out = new ArrayList<>();
        for (IPAddress r : rest) {
            for (IPAddress b : r.spanWithPrefixBlocks()) out.add(new Cidr(b.toPrefixBlock()));
        }
        return minimal(out);
    }
}
