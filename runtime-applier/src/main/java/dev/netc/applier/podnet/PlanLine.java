package dev.netc.applier.podnet;

import java.util.Optional;

/** One line of a node's {@code podnet/routes} plan, by kind; {@code line} is 1-based, for messages. */
public sealed interface PlanLine {
    int line();

    enum Mode {
        HOST_GW("host-gw"), VXLAN("vxlan");

        public final String id;

        Mode(String id) {
            this.id = id;
        }
    }

    /** {@code mode host-gw|vxlan}. */
    record ModeLine(int line, Mode mode) implements PlanLine {
    }

    /**
     * {@code self NODE}: the node this plan is installed on. The entries of every member of the pod network follow,
     * each tagged with its node; the node skips its own (its pods are on its bridge).
     */
    record Self(int line, String node) implements PlanLine {
    }

    /** {@code device NAME vni N port P local IP mtu M mac MAC}: netc's VXLAN device (learning off). */
    record Device(int line, String name, int vni, int port, Ip local, int mtu, Mac mac) implements PlanLine {
    }

    /** {@code address CIDR}: an address on netc's device. */
    record Address(int line, Cidr cidr) implements PlanLine {
    }

    /** {@code route CIDR via IP [onlink] [node NAME]}: onlink routes go through netc's device. */
    record Route(int line, Cidr dst, Ip via, boolean onlink, Optional<String> node) implements PlanLine {
        public String describe() {
            return "route " + dst + " via " + via + (onlink ? " onlink" : "") + node.map(n -> " (node " + n + ")").orElse("");
        }
    }

    /** {@code neigh IP lladdr MAC [node NAME]}: a permanent neighbour on netc's device. */
    record Neigh(int line, Ip dst, Mac lladdr, Optional<String> node) implements PlanLine {
        public String describe() {
            return "neigh " + dst + " lladdr " + lladdr + node.map(n -> " (node " + n + ")").orElse("");
        }
    }

    /** {@code fdb MAC dst IP [node NAME]}: a permanent forwarding entry of netc's device toward a node. */
    record Fdb(int line, Mac mac, Ip dst, Optional<String> node) implements PlanLine {
        public String describe() {
            return "fdb " + mac + " dst " + dst + node.map(n -> " (node " + n + ")").orElse("");
        }
    }
}
