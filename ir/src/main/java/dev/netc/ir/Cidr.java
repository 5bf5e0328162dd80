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
