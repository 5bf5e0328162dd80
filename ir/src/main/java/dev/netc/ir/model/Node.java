package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import java.util.List;
import java.util.Optional;

/** A node: its InternalIP addresses (first per family is primary), the pod CIDRs it routes, its taints. */
public record Node(ObjectMeta meta, List<IpAddress> addresses, List<Cidr> podCIDRs, List<Scheduling.Taint> taints)
        implements KubeObject {
    public Node {
        addresses = List.copyOf(addresses);
        podCIDRs = List.copyOf(podCIDRs);
        taints = List.copyOf(taints);
    }

    public Node(ObjectMeta meta, List<IpAddress> addresses, List<Cidr> podCIDRs) {
        this(meta, addresses, podCIDRs, List.of());
    }

    public Node withMeta(ObjectMeta m) {
        return new Node(m, addresses, podCIDRs, taints);
    }

    public Node withPodCIDRs(List<Cidr> cidrs) {
        return new Node(meta, addresses, cidrs, taints);
    }

    public String name() {
        return meta.name();
    }

    public Optional<IpAddress> primaryAddress(Family f) {
        return addresses.stream().filter(a -> a.family() == f).findFirst();
    }
}
