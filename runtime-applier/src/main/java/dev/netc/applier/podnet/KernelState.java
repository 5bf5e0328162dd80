package dev.netc.applier.podnet;

import java.util.List;
import java.util.Optional;

/**
 * What the podnet planner reads from the kernel, as rtnetlink dumps it: links, addresses, policy rules (in the
 * kernel's order, which decides between rules of equal priority), routes, neighbours and bridge FDB entries.
 */
public record KernelState(List<Link> links, List<IfAddr> addresses, List<Rule> rules, List<Route> routes, List<Neigh> neighs,
                          List<Fdb> fdbs) {
    public KernelState {
        links = List.copyOf(links);
        addresses = List.copyOf(addresses);
        rules = List.copyOf(rules);
        routes = List.copyOf(routes);
        neighs = List.copyOf(neighs);
        fdbs = List.copyOf(fdbs);
    }

    public static KernelState empty() {
        return new KernelState(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** A VXLAN link's settings (IFLA_INFO_DATA). */
    public record Vxlan(int vni, int port, Optional<Ip> local, int link, boolean learning) {
    }

    public record Link(int index, String name, String kind, int mtu, Optional<Mac> mac, boolean up, Optional<Vxlan> vxlan) {
    }

    public record IfAddr(int index, Cidr cidr) {
    }

    public record Rule(int family, int priority, int table, int protocol) {
    }

    /** A unicast route; {@code oif} 0 when the dump gave none. */
    public record Route(int family, int table, Cidr dst, Optional<Ip> gateway, int oif, boolean onlink, int protocol) {
    }

    public record Neigh(int ifindex, Ip dst, Optional<Mac> lladdr, int state) {
    }

    /** A bridge forwarding entry (AF_BRIDGE neighbour): for VXLAN, the remote VTEP of a MAC. */
    public record Fdb(int ifindex, Mac mac, Optional<Ip> dst, int state, int flags) {
    }

    public Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }
}
