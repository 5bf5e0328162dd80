package dev.netc.applier.podnet;

import static dev.netc.applier.podnet.Nl.NLM_F_ACK;
import static dev.netc.applier.podnet.Nl.NLM_F_CREATE;
import static dev.netc.applier.podnet.Nl.NLM_F_DUMP;
import static dev.netc.applier.podnet.Nl.NLM_F_EXCL;
import static dev.netc.applier.podnet.Nl.NLM_F_REPLACE;

import dev.netc.applier.podnet.KernelState.Fdb;
import dev.netc.applier.podnet.KernelState.IfAddr;
import dev.netc.applier.podnet.KernelState.Link;
import dev.netc.applier.podnet.KernelState.Neigh;
import dev.netc.applier.podnet.KernelState.Route;
import dev.netc.applier.podnet.KernelState.Rule;
import dev.netc.applier.podnet.KernelState.Vxlan;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * rtnetlink's family headers and attributes for the podnet applier's objects: the dump requests, the decoding
 * of what they return into {@link KernelState} records, and one request per {@link PodnetOp}.
 */
final class RtnlCodec {
    private RtnlCodec() {
    }

    // ifinfomsg / IFLA_* (linux/if_link.h)
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    static final int IFLA_VXLAN_ID = 1;
    static final int IFLA_VXLAN_LINK = 3;
    static final int IFLA_VXLAN_LOCAL = 4;
    static final int IFLA_VXLAN_LEARNING = 7;
    static final int IFLA_VXLAN_PORT = 15;
    static final int IFLA_VXLAN_LOCAL6 = 17;
    static final int IFF_UP = 0x1;
    // ifaddrmsg / IFA_*
    static final int IFA_ADDRESS = 1;
    static final int IFA_LOCAL = 2;
    // rtmsg / RTA_*
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_TABLE = 15;
    static final int RTN_UNICAST = 1;
    static final int RT_SCOPE_UNIVERSE = 0;
    static final int RTNH_F_ONLINK = 0x4;
    // fib_rule_hdr / FRA_*
    static final int FRA_PRIORITY = 6;
    static final int FRA_TABLE = 15;
    static final int FRA_PROTOCOL = 21;
    static final int FR_ACT_TO_TBL = 1;
    // ndmsg / NDA_*
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;
    static final int NTF_SELF = 0x02;

    static Nl.Builder dump(int type, int family) {
        Nl.Builder b = new Nl.Builder(type, NLM_F_DUMP);
        return switch (type) {
            case Nl.RTM_GETLINK -> b.u8(family).u8(0).u16(0).u32(0).u32(0).u32(0);
            case Nl.RTM_GETADDR -> b.u8(family).u8(0).u8(0).u8(0).u32(0);
            case Nl.RTM_GETROUTE, Nl.RTM_GETRULE -> b.u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0);
            case Nl.RTM_GETNEIGH -> b.u8(family).u8(0).u16(0).u32(0).u16(0).u8(0).u8(0);
            default -> throw new IllegalArgumentException("no dump of type " + type);
        };
    }

    // ---- decoding -------------------------------------------------------------------------------------------

    static Link link(Nl.Message m) {
        ByteBuffer b = m.buffer();
        int index = b.getInt(4);
        int flags = b.getInt(8);
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 16);
        Optional<Nl.Attrs> info = a.nested(IFLA_LINKINFO);
        String kind = info.flatMap(i -> i.string(IFLA_INFO_KIND)).orElse("");
        Optional<Vxlan> vxlan = Optional.empty();
        if (kind.equals("vxlan")) {
            Nl.Attrs d = info.flatMap(i -> i.nested(IFLA_INFO_DATA)).orElse(new Nl.Attrs(java.util.List.of()));
            Optional<Ip> local = d.get(IFLA_VXLAN_LOCAL).or(() -> d.get(IFLA_VXLAN_LOCAL6)).map(Ip::fromBytes);
            vxlan = Optional.of(new Vxlan(d.u32(IFLA_VXLAN_ID).orElse(0), d.be16(IFLA_VXLAN_PORT).orElse(0), local,
                    d.u32(IFLA_VXLAN_LINK).orElse(0), d.u8(IFLA_VXLAN_LEARNING).orElse(1) != 0));
        }
        Optional<Mac> mac = a.get(IFLA_ADDRESS).filter(v -> v.length == 6).map(Mac::fromBytes);
        return new Link(index, a.string(IFLA_IFNAME).orElse(""), kind, a.u32(IFLA_MTU).orElse(0), mac, (flags & IFF_UP) != 0, vxlan);
    }

    static Optional<IfAddr> address(Nl.Message m) {
        ByteBuffer b = m.buffer();
        int prefix = Byte.toUnsignedInt(b.get(1));
        int index = b.getInt(4);
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 8);
        return a.get(IFA_LOCAL).or(() -> a.get(IFA_ADDRESS)).map(v -> new IfAddr(index, new Cidr(Ip.fromBytes(v), prefix)));
    }

    /** Unicast routes only: local, broadcast and the other kinds are never netc's. */
    static Optional<Route> route(Nl.Message m) {
        ByteBuffer b = m.buffer();
        int family = Byte.toUnsignedInt(b.get(0));
        int dstLen = Byte.toUnsignedInt(b.get(1));
        int table = Byte.toUnsignedInt(b.get(4));
        int protocol = Byte.toUnsignedInt(b.get(5));
        int type = Byte.toUnsignedInt(b.get(7));
        int flags = b.getInt(8);
        if (type != RTN_UNICAST || family != Ip.AF_INET && family != Ip.AF_INET6) return Optional.empty();
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 12);
        Ip dst = a.get(RTA_DST).map(Ip::fromBytes).orElse(Ip.fromBytes(new byte[family == Ip.AF_INET ? 4 : 16]));
        return Optional.of(new Route(family, a.u32(RTA_TABLE).orElse(table), new Cidr(dst, dstLen), a.get(RTA_GATEWAY).map(Ip::fromBytes),
                a.u32(RTA_OIF).orElse(0), (flags & RTNH_F_ONLINK) != 0, protocol));
    }

    static Rule rule(Nl.Message m) {
        ByteBuffer b = m.buffer();
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 12);
        return new Rule(Byte.toUnsignedInt(b.get(0)), a.u32(FRA_PRIORITY).orElse(0), a.u32(FRA_TABLE).orElse(Byte.toUnsignedInt(b.get(4))),
                a.u8(FRA_PROTOCOL).orElse(0));
    }

    static Optional<Neigh> neigh(Nl.Message m) {
        ByteBuffer b = m.buffer();
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 12);
        return a.get(NDA_DST).filter(v -> v.length == 4 || v.length == 16).map(v -> new Neigh(b.getInt(4), Ip.fromBytes(v),
                a.get(NDA_LLADDR).filter(l -> l.length == 6).map(Mac::fromBytes), Short.toUnsignedInt(b.getShort(8))));
    }

    static Optional<Fdb> fdb(Nl.Message m) {
        ByteBuffer b = m.buffer();
        Nl.Attrs a = Nl.Attrs.parse(m.body(), 12);
        return a.get(NDA_LLADDR).filter(l -> l.length == 6).map(l -> new Fdb(b.getInt(4), Mac.fromBytes(l),
                a.get(NDA_DST).filter(v -> v.length == 4 || v.length == 16).map(Ip::fromBytes), Short.toUnsignedInt(b.getShort(8)),
                Byte.toUnsignedInt(b.get(10))));
    }

    // ---- encoding -------------------------------------------------------------------------------------------

    /** The request for {@code op}; {@code ifindex} resolves a device name (a device the same apply created). */
    static Nl.Builder encode(PodnetOp op, ToIntFunction<String> ifindex) {
        if (op instanceof PodnetOp.CreateDevice c) {
            PlanLine.Device d = c.device();
            Nl.Builder b = new Nl.Builder(Nl.RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
                    .u8(Nl.AF_UNSPEC).u8(0).u16(0).u32(0).u32(IFF_UP).u32(IFF_UP)
                    .attrString(IFLA_IFNAME, d.name()).attrU32(IFLA_MTU, d.mtu()).attr(IFLA_ADDRESS, d.mac().bytes());
            int info = b.nest(IFLA_LINKINFO);
            b.attrString(IFLA_INFO_KIND, "vxlan");
            int data = b.nest(IFLA_INFO_DATA);
            b.attrU32(IFLA_VXLAN_ID, d.vni()).attrBe16(IFLA_VXLAN_PORT, d.port())
                    .attr(d.local().family() == Ip.AF_INET ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, d.local().bytes())
                    .attrU32(IFLA_VXLAN_LINK, c.underlay()).attrU8(IFLA_VXLAN_LEARNING, 0);
            b.end(data);
            return b.end(info);
        }
        if (op instanceof PodnetOp.SetDevice s) {
            Nl.Builder b = new Nl.Builder(Nl.RTM_NEWLINK, NLM_F_ACK).u8(Nl.AF_UNSPEC).u8(0).u16(0).u32(s.index())
                    .u32(s.up() ? IFF_UP : 0).u32(s.up() ? IFF_UP : 0);
            s.mtu().ifPresent(v -> b.attrU32(IFLA_MTU, v));
            s.mac().ifPresent(v -> b.attr(IFLA_ADDRESS, v.bytes()));
            return b;
        }
        if (op instanceof PodnetOp.DeleteDevice d) {
            return new Nl.Builder(Nl.RTM_DELLINK, NLM_F_ACK).u8(Nl.AF_UNSPEC).u8(0).u16(0).u32(d.index()).u32(0).u32(0);
        }
        if (op instanceof PodnetOp.AddAddress a) {
            return addr(Nl.RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, ifindex.applyAsInt(a.dev()), a.cidr());
        }
        if (op instanceof PodnetOp.DeleteAddress a) {
            return addr(Nl.RTM_DELADDR, NLM_F_ACK, a.index(), a.cidr());
        }
        if (op instanceof PodnetOp.AddRule r) {
            return rule(Nl.RTM_NEWRULE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, r.family(), r.priority(), r.table(), PodnetPlanner.RTPROT_NETC);
        }
        if (op instanceof PodnetOp.DeleteRule r) {
            return rule(Nl.RTM_DELRULE, NLM_F_ACK, r.family(), r.priority(), r.table(), r.protocol());
        }
        if (op instanceof PodnetOp.ReplaceRoute r) {
            Nl.Builder b = routeHeader(Nl.RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, r.dst(), r.onlink() ? RTNH_F_ONLINK : 0)
                    .attrU32(RTA_TABLE, r.table()).attr(RTA_DST, r.dst().address().bytes()).attr(RTA_GATEWAY, r.via().bytes());
            r.dev().ifPresent(d -> b.attrU32(RTA_OIF, ifindex.applyAsInt(d)));
            return b;
        }
        if (op instanceof PodnetOp.DeleteRoute d) {
            Route r = d.route();
            Nl.Builder b = routeHeader(Nl.RTM_DELROUTE, NLM_F_ACK, r.dst(), 0).attrU32(RTA_TABLE, r.table()).attr(RTA_DST, r.dst().address().bytes());
            r.gateway().ifPresent(g -> b.attr(RTA_GATEWAY, g.bytes()));
            return b;
        }
        if (op instanceof PodnetOp.ReplaceNeigh n) {
            return neighHeader(Nl.RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, n.dst().family(), ifindex.applyAsInt(n.dev()), 0)
                    .attr(NDA_DST, n.dst().bytes()).attr(NDA_LLADDR, n.lladdr().bytes());
        }
        if (op instanceof PodnetOp.DeleteNeigh n) {
            return neighHeader(Nl.RTM_DELNEIGH, NLM_F_ACK, n.dst().family(), n.ifindex(), 0).attr(NDA_DST, n.dst().bytes());
        }
        if (op instanceof PodnetOp.ReplaceFdb f) {
            return neighHeader(Nl.RTM_NEWNEIGH, NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, Nl.AF_BRIDGE, ifindex.applyAsInt(f.dev()), NTF_SELF)
                    .attr(NDA_LLADDR, f.mac().bytes()).attr(NDA_DST, f.dst().bytes());
        }
        PodnetOp.DeleteFdb f = (PodnetOp.DeleteFdb) op;
        return neighHeader(Nl.RTM_DELNEIGH, NLM_F_ACK, Nl.AF_BRIDGE, f.ifindex(), NTF_SELF).attr(NDA_LLADDR, f.mac().bytes())
                .attr(NDA_DST, f.dst().bytes());
    }

    private static Nl.Builder addr(int type, int flags, int index, Cidr c) {
        Nl.Builder b = new Nl.Builder(type, flags).u8(c.family()).u8(c.prefix()).u8(0).u8(RT_SCOPE_UNIVERSE).u32(index);
        if (c.family() == Ip.AF_INET) b.attr(IFA_LOCAL, c.address().bytes());
        return b.attr(IFA_ADDRESS, c.address().bytes());
    }

    private static Nl.Builder rule(int type, int flags, int family, int priority, int table, int protocol) {
        Nl.Builder b = new Nl.Builder(type, flags).u8(family).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(FR_ACT_TO_TBL).u32(0)
                .attrU32(FRA_PRIORITY, priority).attrU32(FRA_TABLE, table);
        if (protocol != 0) b.attrU8(FRA_PROTOCOL, protocol);
        return b;
    }

    /** Tables above 255 go in RTA_TABLE (the header's byte says RT_TABLE_UNSPEC), as iproute2 sends them. */
    private static Nl.Builder routeHeader(int type, int flags, Cidr dst, int rtmFlags) {
        return new Nl.Builder(type, flags).u8(dst.family()).u8(dst.prefix()).u8(0).u8(0).u8(0).u8(PodnetPlanner.RTPROT_NETC)
                .u8(RT_SCOPE_UNIVERSE).u8(RTN_UNICAST).u32(rtmFlags);
    }

    private static Nl.Builder neighHeader(int type, int flags, int family, int ifindex, int ntfFlags) {
        return new Nl.Builder(type, flags).u8(family).u8(0).u16(0).u32(ifindex).u16(PodnetPlanner.NUD_PERMANENT).u8(ntfFlags).u8(0);
    }
}
