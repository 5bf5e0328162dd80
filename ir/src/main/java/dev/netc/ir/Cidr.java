package dev.netc.ir;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.Optional;

/** A prefix block such as {@code 10.96.0.0/12}; host bits are always zero. */
public record Cidr(IPAddress value) implements Comparable<Cidr> {
    public Cidr {
        if (value == null || !value.isPrefixed() || !value.isPrefixBlock())
            throw new IllegalArgumentException("not a prefix block: " + value);
    }

    /**
     * Parses {@code addr/len}. Like the API server, a CIDR with host bits set is rejected
     * ({@code strict}); a bare address is not a CIDR.
     */
    public static Optional<Cidr> tryParse(String text) {
        if (text == null || text.indexOf('/') < 0) return Optional.empty();
        Cidr v4 = canonicalIpv4(text);
        if (v4 != null) return Optional.of(v4);
        try {
            IPAddressString s = new IPAddressString(text);
            IPAddress a = s.toAddress();
            if (a == null || !a.isPrefixed()) return Optional.empty();
            IPAddress block = a.toPrefixBlock();
            IPAddress lower = a.getLower().withoutPrefixLength();
            if (!lower.equals(block.getLower().withoutPrefixLength())) return Optional.empty();
            String addrPart = text.substring(0, text.indexOf('/'));
            if (IpAddress.tryParse(addrPart).isEmpty()) return Optional.empty();
            return Optional.of(new Cidr(block));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /**
     * {@code text} as an IPv4 block when it is written canonically (an address {@link IpAddress#tryParse} reads
     * directly, a length 0-32 without leading zeros, no host bits set), else null: the general parser decides.
     * Most CIDRs of an input are such; they skip the string parser, which was most of what reading them cost.
     */
    private static Cidr canonicalIpv4(String text) {
        int slash = text.indexOf('/');
        int n = text.length();
        if (n - slash < 2 || n - slash > 3 || text.charAt(slash + 1) == '0' && n - slash > 2) return null;
        int len = 0;
        for (int i = slash + 1; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return null;
            len = len * 10 + (c - '0');
        }
        if (len > 32) return null;
        String addr = text.substring(0, slash);
        if (addr.indexOf(':') >= 0) return null;
        Optional<IpAddress> a = IpAddress.tryParse(addr);
        if (a.isEmpty() || !a.get().value().isIPv4()) return null;
        int bits = a.get().value().toIPv4().intValue();
        int host = len == 32 ? 0 : -1 >>> len;
        if ((bits & host) != 0) return null;
        return new Cidr(new inet.ipaddr.ipv4.IPv4Address(bits, len).toPrefixBlock());
    }

    public static Cidr parse(String text) {
        return tryParse(text).orElseThrow(() -> new IllegalArgumentException("not a CIDR: " + text));
    }

    public Family family() {
        return value.isIPv4() ? Family.IPV4 : Family.IPV6;
    }

    public int prefixLength() {
        return value.getNetworkPrefixLength();
    }

    public IpAddress network() {
        return new IpAddress(value.getLower().withoutPrefixLength());
    }

    public IpAddress last() {
        return new IpAddress(value.getUpper().withoutPrefixLength());
    }

    /** Number of addresses in the block. */
    public BigInteger size() {
        return value.getCount();
    }

    /** The address at offset {@code i} from the network address. */
    public IpAddress addressAt(BigInteger i) {
        return IpAddress.of(family(), network().bits().add(i));
    }

    public boolean contains(IpAddress a) {
        return a.family() == family() && value.contains(a.value());
    }

    public boolean contains(Cidr c) {
        return c.family() == family() && value.contains(c.value());
    }

    public boolean overlaps(Cidr c) {
        return contains(c) || c.contains(this);
    }

    public String text() {
        return network().text() + "/" + prefixLength();
    }

    @Override
    public int compareTo(Cidr o) {
        int c = IpAddress.compareLower(value, o.value);
        return c != 0 ? c : Integer.compare(prefixLength(), o.prefixLength());
    }

    @Override
    public String toString() {
        return text();
    }
}
