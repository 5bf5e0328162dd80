package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The netlink codec byte by byte, without root: requests as the kernel reads them, replies as it writes them. */
class NlCodecTest {
    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A little-endian host (x86, arm64) is what the byte strings below are written for. */
    static boolean littleEndian() {
        return Nl.HOST == java.nio.ByteOrder.LITTLE_ENDIAN;
    }

    @Test
    void aRouteReplaceIsWhatIproute2Sends() {
        org.junit.jupiter.api.Assumptions.assumeTrue(littleEndian());
        PodnetOp op = new PodnetOp.ReplaceRoute(2011, Cidr.parse("10.244.2.0/24", true).orElseThrow(), Ip.parse("192.168.77.12").orElseThrow(),
                Optional.empty(), false);
        byte[] m = RtnlCodec.encode(op, n -> 0).build(7);
        // nlmsghdr: len 52, RTM_NEWROUTE, REQUEST|ACK|CREATE|REPLACE, seq 7, pid 0
        // rtmsg: inet, /24, table UNSPEC (RTA_TABLE), proto 201, scope universe, unicast, flags 0
        // RTA_TABLE 2011, RTA_DST 10.244.2.0, RTA_GATEWAY 192.168.77.12
        assertEquals("34000000" + "1800" + "0505" + "07000000" + "00000000"
                + "02180000" + "00c90001" + "00000000"
                + "08000f00db070000" + "080001000af40200" + "08000500c0a84d0c", hex(m));
    }

    @Test
    void anOnlinkRouteNamesItsDeviceAndFlag() {
        org.junit.jupiter.api.Assumptions.assumeTrue(littleEndian());
        PodnetOp op = new PodnetOp.ReplaceRoute(2010, Cidr.parse("10.244.2.0/24", true).orElseThrow(), Ip.parse("10.244.2.0").orElseThrow(),
                Optional.of("netc.1"), true);
        byte[] m = RtnlCodec.encode(op, n -> n.equals("netc.1") ? 9 : 0).build(1);
        assertEquals("04000000", hex(m).substring(48, 56), "rtm_flags RTNH_F_ONLINK (the last 4 bytes of rtmsg)");
        assertTrue(hex(m).endsWith("0800040009000000"), "RTA_OIF 9: " + hex(m));
    }

    @Test
    void aRuleCarriesPriorityTableAndNetcsProtocol() {
        org.junit.jupiter.api.Assumptions.assumeTrue(littleEndian());
        byte[] m = RtnlCodec.encode(new PodnetOp.AddRule(Ip.AF_INET6, 99, 2010), n -> 0).build(3);
        assertEquals("34000000" + "2000" + "0506" + "03000000" + "00000000"
                + "0a000000" + "00000001" + "00000000"
                + "0800060063000000" + "08000f00da070000" + "05001500c9000000", hex(m));
    }

    @Test
    void aVxlanDeviceNestsItsSettings() {
        PlanLine.Device d = new PlanLine.Device(1, "netc.1", 1, 8472, Ip.parse("192.168.77.11").orElseThrow(), 1450,
                Mac.parse("0e:3a:11:22:33:44").orElseThrow());
        byte[] m = RtnlCodec.encode(new PodnetOp.CreateDevice(d, 2), n -> 0).build(1);
        Nl.Attrs a = Nl.Attrs.parse(m, Nl.HDRLEN + 16);
        assertEquals(Optional.of("netc.1"), a.string(RtnlCodec.IFLA_IFNAME));
        assertEquals(Optional.of(1450), a.u32(RtnlCodec.IFLA_MTU));
        Nl.Attrs data = a.nested(RtnlCodec.IFLA_LINKINFO).orElseThrow().nested(RtnlCodec.IFLA_INFO_DATA).orElseThrow();
        assertEquals(Optional.of(1), data.u32(RtnlCodec.IFLA_VXLAN_ID));
        assertEquals(Optional.of(8472), data.be16(RtnlCodec.IFLA_VXLAN_PORT), "the port in network byte order");
        assertEquals("2118", hex(data.get(RtnlCodec.IFLA_VXLAN_PORT).orElseThrow()));
        assertEquals(Optional.of(0), data.u8(RtnlCodec.IFLA_VXLAN_LEARNING));
        assertEquals(Optional.of(2), data.u32(RtnlCodec.IFLA_VXLAN_LINK));
        assertEquals("c0a84d0b", hex(data.get(RtnlCodec.IFLA_VXLAN_LOCAL).orElseThrow()));
        // The encoder's length fields add up: header and outer nest lengths cover what follows them.
        ByteBuffer b = ByteBuffer.wrap(m).order(Nl.HOST);
        assertEquals(m.length, b.getInt(0));
    }

    /** A reply as the kernel writes it: a route of table 2010 (RTA_TABLE past 255) decodes to netc's record. */
    @Test
    void aDumpedRouteDecodes() {
        byte[] body = new Nl.Builder(Nl.RTM_NEWROUTE, 0).u8(Ip.AF_INET).u8(24).u8(0).u8(0).u8(252).u8(201).u8(0).u8(1).u32(RtnlCodec.RTNH_F_ONLINK)
                .attrU32(RtnlCodec.RTA_TABLE, 2010).attr(RtnlCodec.RTA_DST, new byte[] {10, (byte) 244, 3, 0})
                .attr(RtnlCodec.RTA_GATEWAY, new byte[] {10, (byte) 244, 3, 0}).attrU32(RtnlCodec.RTA_OIF, 5).build(9);
        List<Nl.Message> ms = Nl.messages(body, body.length);
        assertEquals(1, ms.size());
        KernelState.Route r = RtnlCodec.route(ms.get(0)).orElseThrow();
        assertEquals(new KernelState.Route(Ip.AF_INET, 2010, Cidr.parse("10.244.3.0/24", true).orElseThrow(), Ip.parse("10.244.3.0"), 5, true, 201), r);
    }

    /** An NLMSG_ERROR with extended ack: the errno, the request's sequence number and the kernel's text. */
    @Test
    void anErrorCarriesItsSequenceAndTheKernelsMessage() {
        byte[] text = "Nexthop device is not up\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Nl.Builder b = new Nl.Builder(Nl.NLMSG_ERROR, Nl.NLM_F_CAPPED | Nl.NLM_F_ACK_TLVS).u32(-100)
                .u32(44).u16(Nl.RTM_NEWROUTE).u16(0x505).u32(41).u32(0).attr(Nl.NLMSGERR_ATTR_MSG, text);
        byte[] m = b.build(41);
        Nl.Message e = Nl.messages(m, m.length).get(0);
        assertEquals(Nl.NLMSG_ERROR, e.type());
        assertEquals(-100, e.error());
        assertEquals(41, e.errorSeq());
        assertEquals(Optional.of("Nexthop device is not up"), e.errorText());
    }

    @Test
    void twoMessagesInOneBufferAreSplitAtTheirAlignedLengths() {
        byte[] one = new Nl.Builder(Nl.RTM_NEWLINK, 0).u8(1).build(1);
        byte[] two = new Nl.Builder(Nl.NLMSG_DONE, 0).u32(0).build(2);
        byte[] both = new byte[Nl.align(one.length) + two.length];
        System.arraycopy(one, 0, both, 0, one.length);
        System.arraycopy(two, 0, both, Nl.align(one.length), two.length);
        List<Nl.Message> ms = Nl.messages(both, both.length);
        assertEquals(List.of(1, 2), ms.stream().map(Nl.Message::seq).toList());
        assertEquals(Nl.NLMSG_DONE, ms.get(1).type());
    }

    @Test
    void addressesReadAndPrintCanonically() {
        assertEquals("fd00:10:244:2::", Ip.parse("FD00:0010:0244:0002:0:0:0:0").orElseThrow().text());
        assertEquals("fd00::12", Ip.fromBytes(Ip.parse("fd00:0:0:0:0:0:0:12").orElseThrow().bytes()).text());
        assertEquals("1:0:0:1::1", Ip.parse("1:0:0:1:0:0:0:1").orElseThrow().text(), "the longer zero run is cut");
        assertEquals("::ffff:10.0.0.1".length() > 0, Ip.parse("::ffff:10.0.0.1").isPresent());
        for (String bad : List.of("192.168.77.300", "1.2.3", "01.2.3.4", "fd00::1::2", "fd00:::1", "1:2:3:4:5:6:7:8:9", "host", "10.0.0.1/24", "fe80::1%eth0")) {
            assertTrue(Ip.parse(bad).isEmpty(), bad);
        }
        assertTrue(Cidr.parse("10.244.2.1/24", true).isEmpty(), "host bits set in a destination");
        assertTrue(Cidr.parse("10.244.1.0/32", false).isPresent());
    }
}
