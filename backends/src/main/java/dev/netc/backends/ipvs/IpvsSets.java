package dev.netc.backends.ipvs;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ipsets kube-proxy's IPVS mode keeps, as {@code ipset restore} input. Sets are created with
 * {@code -exist} and flushed before they are filled, so the file can be restored again over an older one.
 */
public final class IpvsSets {
    /** The sets' prefix (kube-proxy's), and the one of their IPv6 twins. */
    static final String PREFIX = "KUBE-";
    static final String PREFIX6 = "KUBE6-";
    /** Set name to its ipset type; order is the order they are written. */
    public static final Map<String, String> TYPES = types();

    private static Map<String, String> types() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("KUBE-CLUSTER-IP", "hash:ip,port");
        m.put("KUBE-LOOP-BACK", "hash:ip,port,ip");
        m.put("KUBE-EXTERNAL-IP", "hash:ip,port");
        m.put("KUBE-EXTERNAL-IP-LOCAL", "hash:ip,port");
        m.put("KUBE-LOAD-BALANCER", "hash:ip,port");
        m.put("KUBE-LOAD-BALANCER-LOCAL", "hash:ip,port");
        m.put("KUBE-LOAD-BALANCER-FW", "hash:ip,port");
        m.put("KUBE-LOAD-BALANCER-SOURCE-CIDR", "hash:ip,port,net");
        m.put("KUBE-NODE-PORT-TCP", "bitmap:port");
        m.put("KUBE-NODE-PORT-LOCAL-TCP", "bitmap:port");
        m.put("KUBE-NODE-PORT-UDP", "bitmap:port");
        m.put("KUBE-NODE-PORT-LOCAL-UDP", "bitmap:port");
        m.put("KUBE-NODE-PORT-SCTP-HASH", "hash:ip,port");
        m.put("KUBE-NODE-PORT-LOCAL-SCTP-HASH", "hash:ip,port");
        return java.util.Collections.unmodifiableMap(m);
    }

    private IpvsSets() {
    }

    /**
     * IPv6 sets need names of their own (ipset names are per namespace, whatever the family): {@code KUBE6-…},
     * which keeps the longest, KUBE-LOAD-BALANCER-SOURCE-CIDR, within ipset's 31 characters.
     */
    public static String name(String base, Family f) {
        if (f == Family.IPV4) return base;
        if (!base.startsWith(PREFIX)) throw new IllegalArgumentException("not a kube-proxy set: " + base);
        return PREFIX6 + base.substring(PREFIX.length());
    }

    static String render(NodeView n, Family f) {
        Map<String, TreeSet<String>> members = new LinkedHashMap<>();
        TYPES.keySet().forEach(k -> members.put(k, new TreeSet<>()));
        for (ServicePortPlan s : n.services(f)) {
            String proto = s.protocol().lower();
            s.clusterIP().ifPresent(ip -> members.get("KUBE-CLUSTER-IP").add(ip.text() + "," + proto + ":" + s.port()));
            for (PlanEndpoint e : s.reachableEndpoints()) {
                members.get("KUBE-LOOP-BACK").add(e.ip().text() + "," + proto + ":" + e.port() + "," + e.ip().text());
            }
            for (IpAddress a : s.externalIPs()) {
                members.get("KUBE-EXTERNAL-IP").add(a.text() + "," + proto + ":" + s.port());
                if (s.externalLocal()) members.get("KUBE-EXTERNAL-IP-LOCAL").add(a.text() + "," + proto + ":" + s.port());
            }
            for (IpAddress a : s.loadBalancerIPs()) {
                String entry = a.text() + "," + proto + ":" + s.port();
                members.get("KUBE-LOAD-BALANCER").add(entry);
                if (s.externalLocal()) members.get("KUBE-LOAD-BALANCER-LOCAL").add(entry);
                if (!s.loadBalancerSourceRanges().isEmpty()) {
                    members.get("KUBE-LOAD-BALANCER-FW").add(entry);
                    for (Cidr c : s.loadBalancerSourceRanges()) {
                        if (c.family() == f) members.get("KUBE-LOAD-BALANCER-SOURCE-CIDR").add(entry + "," + c.text());
                    }
                }
            }
            if (s.nodePort() != 0) {
                if (s.protocol() == Protocol.SCTP) {
                    for (IpAddress a : IpvsBackend.nodePortAddresses(n, f)) {
                        String entry = a.text() + ",sctp:" + s.nodePort();
                        members.get("KUBE-NODE-PORT-SCTP-HASH").add(entry);
                        if (s.externalLocal()) members.get("KUBE-NODE-PORT-LOCAL-SCTP-HASH").add(entry);
                    }
                } else {
                    String p = s.protocol().name();
                    members.get("KUBE-NODE-PORT-" + p).add(Integer.toString(s.nodePort()));
                    if (s.externalLocal()) members.get("KUBE-NODE-PORT-LOCAL-" + p).add(Integer.toString(s.nodePort()));
                }
            }
        }
        if (!IpvsBackend.hasFamily(n, f)) return ""; // the same test decides whether the family's rules are written
        String family = f == Family.IPV4 ? "inet" : "inet6";
        StringBuilder b = new StringBuilder();
        members.forEach((base, entries) -> {
            String set = name(base, f);
            String type = TYPES.get(base);
            b.append("create ").append(set).append(' ').append(type);
            b.append(type.startsWith("bitmap") ? " range 0-65535" : " family " + family);
            b.append(" -exist\n");
            b.append("flush ").append(set).append('\n');
            // numeric order for ports, text order otherwise: both stable
            entries.stream().sorted(IpvsSets::compareEntries).forEach(e -> b.append("add ").append(set).append(' ').append(e).append('\n'));
        });
        return b.toString();
    }

    private static int compareEntries(String a, String b) {
        if (a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return a.compareTo(b);
    }
}
