package dev.netc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void parsesAndPrintsCanonicalForms() {
        assertEquals("10.0.0.1", IpAddress.parse("10.0.0.1").text());
        assertEquals("fd00::1", IpAddress.parse("FD00:0:0::1").text());
        assertEquals(Family.IPV6, IpAddress.parse("fd00::1").family());
        assertEquals("10.96.0.0/12", Cidr.parse("10.96.0.0/12").text());
        assertEquals("fd00:96::/108", Cidr.parse("fd00:96::/108").text());
    }

    @Test
    void rejectsWhatTheApiServerRejects() {
        for (String bad : List.of("", "10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1/32", "::ffff:10.0.0.1",
                "fe80::1%eth0", "example.com")) {
            assertTrue(IpAddress.tryParse(bad).isEmpty(), bad);
        }
        for (String bad : List.of("10.0.0.1", "10.0.0.1/24", "10.0.0.0/33", "fd00::1/64", "10.0.0.0/", "x/8")) {
            assertTrue(Cidr.tryParse(bad).isEmpty(), bad);
        }
    }

    @Test
    void containmentAndArithmetic() {
        Cidr c = Cidr.parse("10.244.1.0/24");
        assertTrue(c.contains(IpAddress.parse("10.244.1.77")));
        assertFalse(c.contains(IpAddress.parse("10.244.2.1")));
        assertFalse(c.contains(IpAddress.parse("fd00::1")));
        assertTrue(Cidr.parse("10.244.0.0/16").contains(c));
        assertTrue(c.overlaps(Cidr.parse("10.244.0.0/16")));
        assertFalse(c.overlaps(Cidr.parse("10.244.2.0/24")));
        assertEquals(BigInteger.valueOf(256), c.size());
        assertEquals("10.244.1.10", c.addressAt(BigInteger.TEN).text());
        assertEquals("10.244.1.255", c.last().text());
    }

    @Test
    void sortsIpv4BeforeIpv6AndNumerically() {
        List<IpAddress> l = new ArrayList<>(List.of(IpAddress.parse("fd00::1"), IpAddress.parse("10.0.0.10"),
                IpAddress.parse("10.0.0.9")));
        l.sort(null);
        assertEquals("[10.0.0.9, 10.0.0.10, fd00::1]", l.toString());
    }

    @Test
    void orderIsFamilyThenValueThenPrefixLength() {
        // The segment-wise comparison against the definition: family, then the numeric value (network address for
        // a CIDR), then the prefix length; over seeded addresses of both families, high bits included.
        java.util.Random rnd = new java.util.Random(14);
        List<IpAddress> addrs = new ArrayList<>();
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            boolean v4 = rnd.nextBoolean();
            BigInteger bits = new BigInteger(v4 ? 32 : 128, rnd);
            if (i % 7 == 0) bits = bits.setBit(v4 ? 31 : 127); // the sign bit of a signed int or segment
            IpAddress a = IpAddress.of(v4 ? Family.IPV4 : Family.IPV6, bits);
            addrs.add(a);
            int len = rnd.nextInt(v4 ? 33 : 129);
            cidrs.add(new Cidr(a.value().toPrefixBlock(len)));
        }
        for (IpAddress a : addrs) {
            for (IpAddress b : addrs.subList(0, 60)) {
                int want = a.family() != b.family() ? a.family().compareTo(b.family()) : a.bits().compareTo(b.bits());
                assertEquals(Integer.signum(want), Integer.signum(a.compareTo(b)), a + " vs " + b);
            }
        }
        for (Cidr a : cidrs) {
            for (Cidr b : cidrs.subList(0, 60)) {
                int want = a.family() != b.family() ? a.family().compareTo(b.family())
                        : a.network().bits().compareTo(b.network().bits());
                if (want == 0) want = Integer.compare(a.prefixLength(), b.prefixLength());
                assertEquals(Integer.signum(want), Integer.signum(a.compareTo(b)), a + " vs " + b);
                assertEquals(a.equals(b), a.compareTo(b) == 0, a + " vs " + b);
            }
        }
    }
}
