package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import java.util.List;

/**
 * A named set of prefixes, minimal (aggregated, excepts subtracted). The name comes from the content, so
 * identical sets are one set however many rules and pods use them, and a set keeps its name across compiles.
 */
public record AddressSet(String name, List<Cidr> cidrs) {
    public AddressSet {
        cidrs = List.copyOf(cidrs);
    }

    public List<Cidr> cidrs(Family f) {
        return cidrs.stream().filter(c -> c.family() == f).toList();
    }
}
