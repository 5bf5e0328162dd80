package dev.netc.backends.ipvs;

import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ipsets kube-proxy's IPVS mode keeps, as {@code ipset restore} input. Sets are created with
 * {@code -exist} and flushed before they are filled, so the file can be restored again over an older one. The
 * shared part creates and fills every set; a node's part, after it, only adds members ({@code create} precedes
 * every {@code add} of a set).
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

    /**
     * One family's sets as every node has them: each KUBE set created and flushed, with the members every node shares
     * (all but the node's own loop-back entries and its SCTP node-port addresses), then the cluster's NetworkPolicy
     * peer sets. Empty when the family is not {@code present} (the same test decides whether its rules are written).
     */
    record Shared(Family family, String text, Set<String> loopBack, List<Integer> sctpNodePorts) {
        Shared {
            loopBack = Set.copyOf(loopBack);
            sctpNodePorts = List.copyOf(sctpNodePorts);
        }
    }

    static Shared shared(List<ServicePortPlan> services, Family f, boolean present, Map<String, List<Cidr>> policySets) {
        Map<String, TreeSet<String>> members = new LinkedHashMap<>();
        TYPES.keySet().forEach(k -> members.put(k, new TreeSet<>()));
        List<Integer> sctp = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            ServicePortPlan s = services.get(i);
            if (s.family() != f) continue;
            String proto = s.protocol().lower();
            s.clusterIP().ifPresent(ip -> members.get("KUBE-CLUSTER-IP").add(ip.text() + "," + proto + ":" + s.port()));
            if (s.usesClusterEndpoints()) {
                for (PlanEndpoint e : s.clusterEndpoints()) members.get("KUBE-LOOP-BACK").add(loopBack(e, proto));
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
                    sctp.add(i); // by node address: each node's
                } else {
                    String p = s.protocol().name();
                    members.get("KUBE-NODE-PORT-" + p).add(Integer.toString(s.nodePort()));
                    if (s.externalLocal()) members.get("KUBE-NODE-PORT-LOCAL-" + p).add(Integer.toString(s.nodePort()));
                }
            }
        }
        if (!present) return new Shared(f, "", Set.of(), List.of());
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
        b.append(IptablesPolicyRenderer.ipsets(policySets, f));
        return new Shared(f, b.toString(), members.get("KUBE-LOOP-BACK"), sctp);
    }

    /**
     * What node {@code n} adds to the shared sets of the family: the loop-back entries of its own endpoints that the
     * shared part lacks (Local policies), and its addresses in the SCTP node-port sets. {@code services} is the
     * Service table the shared part was made from, {@code own} the node's endpoints of its Service ports by index.
     */
    static String node(Shared shared, List<ServicePortPlan> services, Map<Integer, List<PlanEndpoint>> own, NodePlan n) {
        if (shared.text().isEmpty()) return "";
        Family f = shared.family();
        Map<String, TreeSet<String>> members = new LinkedHashMap<>();
        for (String k : List.of("KUBE-LOOP-BACK", "KUBE-NODE-PORT-SCTP-HASH", "KUBE-NODE-PORT-LOCAL-SCTP-HASH")) members.put(k, new TreeSet<>());
        own.forEach((i, endpoints) -> {
            ServicePortPlan s = services.get(i);
            if (s.family() != f || !s.usesLocalEndpoints()) return;
            for (PlanEndpoint e : endpoints) {
                String m = loopBack(e, s.protocol().lower());
                if (!shared.loopBack().contains(m)) members.get("KUBE-LOOP-BACK").add(m);
            }
        });
        for (int i : shared.sctpNodePorts()) {
            ServicePortPlan s = services.get(i);
            for (IpAddress a : IpvsBackend.nodePortAddresses(n.node(), n.nodePortAddresses(f), f)) {
                String entry = a.text() + ",sctp:" + s.nodePort();
                members.get("KUBE-NODE-PORT-SCTP-HASH").add(entry);
                if (s.externalLocal()) members.get("KUBE-NODE-PORT-LOCAL-SCTP-HASH").add(entry);
            }
        }
        StringBuilder b = new StringBuilder();
        members.forEach((base, entries) -> {
            String set = name(base, f);
            entries.forEach(e -> b.append("add ").append(set).append(' ').append(e).append('\n'));
        });
        return b.toString();
    }

    private static String loopBack(PlanEndpoint e, String proto) {
        return e.ip().text() + "," + proto + ":" + e.port() + "," + e.ip().text();
    }

    private static int compareEntries(String a, String b) {
        if (a.chars().allMatch(Character::isDigit) && b.chars().allMatch(Character::isDigit)) {
            return Integer.compare(Integer.parseInt(a), Integer.parseInt(b));
        }
        return a.compareTo(b);
    }
}
