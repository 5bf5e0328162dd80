package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import java.util.List;
import java.util.Optional;

/** A node: its InternalIP addresses (first per family is primary) and the pod CIDRs it routes. */
public record Node(ObjectMeta meta, List<IpAddress> addresses, List<Cidr> podCIDRs) implements KubeObject {
    public Node {
        addresses = List.copyOf(addresses);
        podCIDRs = List.copyOf(podCIDRs);
    }

    public String name() {
        return meta.name();
    }

    public Optional<IpAddress> primaryAddress(Family f) {
        return addresses.stream().filter(a -> a.family() == f).findFirst();
    }
}
