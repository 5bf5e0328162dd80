package dev.netc.applier.podnet;

import dev.netc.applier.podnet.PlanLine.Device;
import java.util.Optional;

/**
 * One rtnetlink request of a podnet apply. Objects on netc's device name it ({@code dev}), as a device created
 * by the same apply has no index yet when the plan is made; objects read from a dump carry their index.
 */
public sealed interface PodnetOp {
    /** What the request does, for messages: {@code add rule 100 lookup 2011 (inet)}. */
    String describe();

    /** RTM_NEWLINK create: netc's VXLAN device on {@code underlay}, learning off, up. */
    record CreateDevice(Device device, int underlay) implements PodnetOp {
        public String describe() {
            return "create device " + device.name() + " (vxlan id " + device.vni() + " dstport " + device.port() + " local " + device.local() + ")";
        }
    }

    /** RTM_NEWLINK on an existing device: only the settings that differ (MTU, MAC, up). */
    record SetDevice(int index, String name, Optional<Integer> mtu, Optional<Mac> mac, boolean up) implements PodnetOp {
        public String describe() {
            return "set device " + name + mtu.map(m -> " mtu " + m).orElse("") + mac.map(m -> " address " + m).orElse("") + (up ? " up" : "");
        }
    }

    record DeleteDevice(int index, String name) implements PodnetOp {
        public String describe() {
            return "delete device " + name;
        }
    }

    record AddAddress(String dev, Cidr cidr) implements PodnetOp {
        public String describe() {
            return "add address " + cidr + " on " + dev;
        }
    }

    record DeleteAddress(int index, String dev, Cidr cidr) implements PodnetOp {
        public String describe() {
            return "delete address " + cidr + " on " + dev;
        }
    }

    /** A policy rule {@code pref PRIORITY lookup TABLE}, tagged with netc's protocol. */
    record AddRule(int family, int priority, int table) implements PodnetOp {
        public String describe() {
            return "add rule " + priority + " lookup " + table + " (" + PodnetPlanner.familyName(family) + ")";
        }
    }

    record DeleteRule(int family, int priority, int table, int protocol) implements PodnetOp {
        public String describe() {
            return "delete rule " + priority + " lookup " + table + " (" + PodnetPlanner.familyName(family) + ")";
        }
    }

    /** RTM_NEWROUTE create+replace into one of netc's tables; through {@code dev} (onlink) or wherever the gateway is. */
    record ReplaceRoute(int table, Cidr dst, Ip via, Optional<String> dev, boolean onlink) implements PodnetOp {
        public String describe() {
            return "replace route " + dst + " via " + via + dev.map(d -> " dev " + d).orElse("") + (onlink ? " onlink" : "") + " table " + table;
        }
    }

    record DeleteRoute(KernelState.Route route) implements PodnetOp {
        public String describe() {
            return "delete route " + route.dst() + route.gateway().map(g -> " via " + g).orElse("") + " table " + route.table();
        }
    }

    record ReplaceNeigh(String dev, Ip dst, Mac lladdr) implements PodnetOp {
        public String describe() {
            return "replace neigh " + dst + " lladdr " + lladdr + " dev " + dev + " permanent";
        }
    }

    record DeleteNeigh(int ifindex, String dev, Ip dst) implements PodnetOp {
        public String describe() {
            return "delete neigh " + dst + " dev " + dev;
        }
    }

    record ReplaceFdb(String dev, Mac mac, Ip dst) implements PodnetOp {
        public String describe() {
            return "replace fdb " + mac + " dst " + dst + " dev " + dev + " self permanent";
        }
    }

    record DeleteFdb(int ifindex, String dev, Mac mac, Ip dst) implements PodnetOp {
        public String describe() {
            return "delete fdb " + mac + " dst " + dst + " dev " + dev;
        }
    }
}
