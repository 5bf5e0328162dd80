package dev.netc.backends.nftables;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.Names;
import dev.netc.backends.policy.NftPolicyRenderer;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code nodes/<node>/nftables.nft}: {@code nft -f} input with one table per family ({@code ip netc},
 * {@code ip6 netc}), in the manner of kube-proxy's nftables mode: a {@code service-ips} verdict map from
 * (address, protocol, port) and a {@code service-nodeports} map dispatch each connection to its Service's chain
 * in one lookup however many Services there are; {@code numgen random} rules spread over endpoint chains; ClientIP
 * affinity uses dynamic sets with timeouts; maps for frontends without endpoints (reject, or drop under a Local
 * policy) and for load-balancer source ranges; masquerade by mark. NetworkPolicy follows in the same table.
 *
 * <p>The file first creates and deletes each table (so the delete never fails) and then defines it whole, all
 * in one transaction: loading it replaces netc's tables atomically, on a clean node or over an older netc
 * ruleset, and never touches other tables. Every closing brace is on its own line (nft 1.0.6 rejects "} }").
 */
public final class NftablesBackend implements Backend {
    static final String TABLE = "netc";
    /** Chain and set name prefixes; the longest one bounds the shared part of a Service port's names. */
    public static final String SERVICE = "service-";
    public static final String LOCAL = "local-";
    public static final String EXTERNAL = "external-";
    public static final String FIREWALL = "firewall-";
    public static final String ENDPOINT = "endpoint-";
    public static final String AFFINITY = "affinity-";
    static final int LONGEST_PREFIX = java.util.stream.Stream.of(SERVICE, LOCAL, EXTERNAL, FIREWALL, ENDPOINT, AFFINITY)
            .mapToInt(String::length).max().orElseThrow();

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        List<Artifact> out = new ArrayList<>();
        for (NodeView n : Backend.selected(plan, nodes).stream().map(plan::view).toList()) {
            StringBuilder b = new StringBuilder();
            b.append("#!/usr/sbin/nft -f\n# netc rules for node ").append(n.name()).append(": Services and NetworkPolicy\n");
            for (Family f : Family.values()) {
                if (f == Family.IPV6 && n.services(f).isEmpty() && n.clusterCIDRs(f).isEmpty()) continue;
                String fam = f == Family.IPV4 ? "ip" : "ip6";
                b.append("\ntable ").append(fam).append(' ').append(TABLE).append(" {\n}\n");
                b.append("delete table ").append(fam).append(' ').append(TABLE).append('\n');
                b.append("table ").append(fam).append(' ').append(TABLE).append(" {\n");
                new Table(n, f, b).render();
                b.append("}\n");
            }
            out.add(Artifact.text("nodes/" + n.name() + "/nftables.nft", n.name(), b.toString()));
        }
        return out;
    }

    /**
     * The part the names of a Service port's chains share: kube-proxy's {@code HASH8-ns/svc/tcp/port}, the hash of
     * kube-proxy's key (service port name and protocol), which encodes the whole identity.
     */
    public static String serviceBase(ServicePortPlan s) {
        String proto = s.protocol().lower();
        return Names.nftBase(s.servicePortName() + proto, s.namespace() + "/" + s.serviceName() + "/" + proto + "/" + s.portName(),
                LONGEST_PREFIX);
    }

    /** The name of the chain (and, with affinity, of the set) of one endpoint of a Service port. */
    public static String endpointBase(ServicePortPlan s, PlanEndpoint e) {
        return Table.endpointName(s.servicePortName(), s.protocol().lower(), s, e);
    }

    /** One family's table. */
    private static final class Table {
        private final NodeView n;
        private final Family f;
        private final StringBuilder b;
        private final String ip;
        private final String addrType;
        private final List<String> serviceIps = new ArrayList<>();
        private final List<String> nodePorts = new ArrayList<>();
        private final List<String> noEndpointServices = new ArrayList<>();
        private final List<String> noEndpointNodePorts = new ArrayList<>();
        private final List<String> firewallIps = new ArrayList<>();
        private final StringBuilder chains = new StringBuilder();
        private final StringBuilder sets = new StringBuilder();

        Table(NodeView n, Family f, StringBuilder b) {
            this.n = n;
            this.f = f;
            this.b = b;
            this.ip = f == Family.IPV4 ? "ip" : "ip6";
            this.addrType = f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr";
        }

        void render() {
            for (ServicePortPlan s : n.services(f)) service(s);
            b.append(sets);
            map("service-ips", addrType + " . inet_proto . inet_service", serviceIps);
            map("service-nodeports", "inet_proto . inet_service", nodePorts);
            map("no-endpoint-services", addrType + " . inet_proto . inet_service", noEndpointServices);
            map("no-endpoint-nodeports", "inet_proto . inet_service", noEndpointNodePorts);
            map("firewall-ips", addrType + " . inet_proto . inet_service", firewallIps);
            base("nat-prerouting", "nat", "prerouting", "dstnat", "jump services");
            base("nat-output", "nat", "output", "-100", "jump services"); // dstnat; nft 1.0.6 names it only on prerouting
            base("nat-postrouting", "nat", "postrouting", "srcnat", "jump masquerading");
            base("filter-prerouting", "filter", "prerouting", "dstnat - 10", "ct state new jump firewall-check");
            base("filter-output-pre-dnat", "filter", "output", "-110", "ct state new jump firewall-check");
            base("filter-input", "filter", "input", "filter - 10",
                    "ct state new jump nodeport-endpoints-check\n\t\tct state new jump service-endpoints-check");
            base("filter-forward", "filter", "forward", "filter - 10", "ct state new jump service-endpoints-check");
            base("filter-output", "filter", "output", "filter - 10", "ct state new jump service-endpoints-check");
            chain("services", ip + " daddr . meta l4proto . th dport vmap @service-ips", nodePortDispatch("@service-nodeports"));
            chain("service-endpoints-check", ip + " daddr . meta l4proto . th dport vmap @no-endpoint-services");
            chain("nodeport-endpoints-check", nodePortDispatch("@no-endpoint-nodeports"));
            chain("firewall-check", ip + " daddr . meta l4proto . th dport vmap @firewall-ips");
            chain("mark-for-masquerade", "meta mark set meta mark | 0x00004000");
            chain("masquerading", "meta mark & 0x00004000 == 0x00000000 return", "meta mark set meta mark ^ 0x00004000",
                    "masquerade fully-random");
            chain("reject-chain", "reject");
            b.append(chains);
            String policy = NftPolicyRenderer.render(n.policy(), f);
            if (!policy.isEmpty()) b.append('\n').append(policy);
        }

        /** Node ports: on every local address but loopback, or on the addresses nodePortAddresses allows. */
        private String nodePortDispatch(String map) {
            List<IpAddress> addrs = n.nodePortAddresses(f);
            String where = addrs.isEmpty()
                    ? "fib daddr type local " + ip + " daddr != " + (f == Family.IPV4 ? "127.0.0.0/8" : "::1")
                    : ip + " daddr { " + addrs.stream().map(IpAddress::text).collect(Collectors.joining(", ")) + " }";
            return where + " meta l4proto . th dport vmap " + map;
        }

        private void map(String name, String type, List<String> elements) {
            b.append("\tmap ").append(name).append(" {\n\t\ttype ").append(type).append(" : verdict\n");
            if (!elements.isEmpty()) {
                b.append("\t\telements = {\n");
                for (int i = 0; i < elements.size(); i++) {
                    b.append("\t\t\t").append(elements.get(i)).append(i + 1 < elements.size() ? ",\n" : "\n");
                }
                b.append("\t\t}\n");
            }
            b.append("\t}\n\n");
        }

        private void base(String name, String type, String hook, String priority, String rules) {
            b.append("\tchain ").append(name).append(" {\n\t\ttype ").append(type).append(" hook ").append(hook)
                    .append(" priority ").append(priority).append("; policy accept;\n\t\t").append(rules).append("\n\t}\n\n");
        }

        private void chain(String name, String... rules) {
            chains.append("\tchain ").append(name).append(" {\n");
            for (String r : rules) chains.append("\t\t").append(r).append('\n');
            chains.append("\t}\n\n");
        }

        private static String quote(String comment) {
            return "\"" + dev.netc.backends.policy.PolicyChains.clip(comment, 128) + "\"";
        }

        private void service(ServicePortPlan s) {
            String spn = s.servicePortName();
            String proto = s.protocol().lower();
            String base = serviceBase(s);
            String svc = SERVICE + base;
            String local = LOCAL + base;
            String ext = EXTERNAL + base;
            String fw = FIREWALL + base;
            boolean hasInternal = !s.internalEndpoints().isEmpty();
            boolean hasExternal = !s.externalEndpoints().isEmpty();
            boolean usesCluster = !s.clusterEndpoints().isEmpty() && s.usesClusterEndpoints();
            boolean usesLocal = !s.localEndpoints().isEmpty() && s.usesLocalEndpoints();
            boolean usesExt = s.hasEndpoints() && s.externallyAccessible();
            String noEndpoints = s.hasEndpoints() ? "drop" : "goto reject-chain";
            String internalChain = s.internalLocal() ? local : svc;
            List<String> internalRules = new ArrayList<>();

            if (s.clusterIP().isPresent()) {
                String key = s.clusterIP().get().text() + " . " + proto + " . " + s.port() + " comment " + quote(spn + " cluster IP");
                if (hasInternal) {
                    serviceIps.add(key + " : goto " + internalChain);
                    String match = ip + " daddr " + s.clusterIP().get().text() + " " + proto + " dport " + s.port();
                    if (n.masqueradeAll()) {
                        internalRules.add(match + " jump mark-for-masquerade");
                    } else {
                        for (Cidr c : n.clusterCIDRs(f)) internalRules.add(match + " " + ip + " saddr != " + c.text() + " jump mark-for-masquerade");
                    }
                } else {
                    noEndpointServices.add(key + " : " + noEndpoints);
                }
            }
            for (IpAddress a : s.externalIPs()) external(s, a, s.port(), "external IP", ext, hasExternal, noEndpoints);
            for (IpAddress a : s.loadBalancerIPs()) {
                external(s, a, s.port(), "loadbalancer IP", ext, hasExternal, noEndpoints);
                if (!s.loadBalancerSourceRanges().isEmpty()) {
                    firewallIps.add(a.text() + " . " + proto + " . " + s.port() + " comment " + quote(spn + " loadbalancer IP") + " : goto " + fw);
                }
            }
            if (s.nodePort() != 0) {
                String key = proto + " . " + s.nodePort() + " comment " + quote(spn + " node port");
                if (s.hasEndpoints()) nodePorts.add(key + " : goto " + ext);
                if (!hasExternal) noEndpointNodePorts.add(key + " : " + noEndpoints);
            }
            if (!s.loadBalancerIPs().isEmpty() && !s.loadBalancerSourceRanges().isEmpty()) {
                chain(fw, ip + " saddr { " + s.loadBalancerSourceRanges().stream().map(Cidr::text).collect(Collectors.joining(", "))
                        + " } return", "drop comment " + quote("other traffic to " + spn + " is dropped"));
            }
            if (usesExt) {
                List<String> r = new ArrayList<>();
                if (!s.externalLocal()) {
                    r.add("jump mark-for-masquerade comment " + quote("masquerade traffic for " + spn + " external destinations"));
                    if (hasExternal) r.add("goto " + svc);
                } else {
                    for (Cidr c : n.clusterCIDRs(f)) r.add(ip + " saddr " + c.text() + " goto " + svc + " comment " + quote("pod traffic for " + spn + " external destinations"));
                    r.add("fib saddr type local jump mark-for-masquerade comment " + quote("masquerade local traffic for " + spn + " external destinations"));
                    r.add("fib saddr type local goto " + svc + " comment " + quote("route local traffic for " + spn + " external destinations"));
                    if (hasExternal) r.add("goto " + local);
                }
                chain(ext, r.toArray(String[]::new));
            }
            if (usesCluster) {
                List<String> r = new ArrayList<>(s.internalLocal() ? List.of() : internalRules);
                r.addAll(dispatch(s, base, s.clusterEndpoints()));
                chain(svc, r.toArray(String[]::new));
            }
            if (usesLocal) {
                List<String> r = new ArrayList<>(s.internalLocal() ? internalRules : List.of());
                r.addAll(dispatch(s, base, s.localEndpoints()));
                chain(local, r.toArray(String[]::new));
            }
            for (PlanEndpoint e : s.reachableEndpoints()) {
                String epName = endpointName(spn, proto, s, e);
                List<String> r = new ArrayList<>();
                r.add(ip + " saddr " + e.ip().text() + " jump mark-for-masquerade comment " + quote("hairpin"));
                if (s.affinitySeconds() > 0) {
                    String set = AFFINITY + epName;
                    sets.append("\tset ").append(set).append(" {\n\t\ttype ").append(addrType)
                            .append("\n\t\tflags dynamic,timeout\n\t\ttimeout ").append(s.affinitySeconds()).append("s\n\t}\n\n");
                    r.add("update @" + set + " { " + ip + " saddr }");
                }
                r.add("meta l4proto " + proto + " dnat to " + e.hostPort());
                chain(ENDPOINT + epName, r.toArray(String[]::new));
            }
        }

        private void external(ServicePortPlan s, IpAddress a, int port, String what, String ext, boolean hasExternal,
                              String noEndpoints) {
            String key = a.text() + " . " + s.protocol().lower() + " . " + port + " comment " + quote(s.servicePortName() + " " + what);
            if (s.hasEndpoints()) serviceIps.add(key + " : goto " + ext);
            if (!hasExternal) noEndpointServices.add(key + " : " + noEndpoints);
        }

        /** ClientIP affinity first (the endpoint the client used last, while it is remembered), then a random pick. */
        private List<String> dispatch(ServicePortPlan s, String base, List<PlanEndpoint> eps) {
            List<String> r = new ArrayList<>();
            String spn = s.servicePortName();
            String proto = s.protocol().lower();
            if (s.affinitySeconds() > 0) {
                for (PlanEndpoint e : eps) {
                    String epName = endpointName(spn, proto, s, e);
                    r.add(ip + " saddr @" + AFFINITY + epName + " goto " + ENDPOINT + epName);
                }
            }
            // A cascade like iptables' statistic rules: endpoint i is taken with probability 1/(n-i) of what is
            // left, which is uniform overall. Measured: an anonymous "numgen ... vmap { }" per Service makes the
            // kernel allocate one anonymous set each, and loading 10k Services took 33 s instead of 2 s.
            for (int i = 0; i < eps.size(); i++) {
                String target = "goto " + ENDPOINT + endpointName(spn, proto, s, eps.get(i));
                int left = eps.size() - i;
                r.add(left > 1 ? "numgen random mod " + left + " == 0 " + target : target);
            }
            return r;
        }

        /**
         * {@code HASH8-ns/svc/tcp/port__10.244.1.10/8080} (kube-proxy's nftables names; IPv6 colons become dots,
         * chain names allow no colon), or a hash of the whole identity and a cut readable part when that would
         * not fit nft's 255 bytes ({@link Names#nftBase}).
         */
        static String endpointName(String spn, String proto, ServicePortPlan s, PlanEndpoint e) {
            return Names.nftBase(spn + proto + e.hostPort(), s.namespace() + "/" + s.serviceName() + "/" + proto + "/" + s.portName()
                    + "__" + e.ip().text().replace(':', '.') + "/" + e.port(), LONGEST_PREFIX);
        }
    }
}
