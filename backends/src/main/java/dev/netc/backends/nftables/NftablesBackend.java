package dev.netc.backends.nftables;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.Names;
import dev.netc.backends.NodeParallel;
import dev.netc.backends.Output;
import dev.netc.backends.policy.NftPolicyRenderer;
import dev.netc.backends.policy.PolicyPrograms;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.PodNetworkPlan;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
    /** nat: pods' traffic out of the cluster, masqueraded when netc builds the pod network ({@link PodNetworkPlan#egress}). */
    public static final String POD_EGRESS = "pod-egress";
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
    public Output render(NetworkPlan plan, Set<String> nodes, int threads) {
        return Output.collect(sink -> render(plan, nodes, threads, sink));
    }

    @Override
    public void render(NetworkPlan plan, Set<String> nodes, int threads, Output.Sink sink) {
        List<NodePlan> chosen = Backend.selected(plan, nodes);
        Map<String, List<Cidr>> v4Sets = NftPolicyRenderer.clusterSets(plan, Family.IPV4);
        Map<String, List<Cidr>> v6Sets = NftPolicyRenderer.clusterSets(plan, Family.IPV6);
        boolean nodePortsShared = plan.cluster().profile().proxy().nodePortAddresses().isEmpty();
        List<Family> families = new ArrayList<>();
        List<Cidr> podRanges = dev.netc.backends.iptables.IptablesBackend.clusterCIDRs(plan);
        for (Family f : Family.values()) {
            if (f == Family.IPV6 && plan.services(f).isEmpty() && podRanges.stream().noneMatch(c -> c.family() == Family.IPV6)) continue;
            families.add(f);
        }
        boolean masqueradeAll = dev.netc.backends.iptables.IptablesBackend.masqueradeAll(plan);
        Context ctx = new Context(podRanges, masqueradeAll,
                nodePortsShared, families, Map.of(Family.IPV4, v4Sets, Family.IPV6, v6Sets), PolicyPrograms.of(plan), plan.podNetwork());
        String sharedPath = null;
        List<Integer> localPolicy = localPolicy(plan.services());
        if (chosen.stream().anyMatch(n -> !deviates(plan, n))) {
            String shared = sharedText(plan.services(), ctx);
            sharedPath = Output.sharedPath(name(), shared, ".nft");
            sink.file(Artifact.text(sharedPath, "", shared));
        }
        String shared = sharedPath;
        NodeParallel.forEach(chosen, threads, n -> {
            String path = "nodes/" + n.name() + "/nftables.node.nft";
            String file = "nodes/" + n.name() + "/nftables.nft";
            if (deviates(plan, n)) {
                // this node sees some Service otherwise than the shared table (node ports closed in a family, its own
                // copy of a duplicated endpoint): its whole file is its own part
                List<ServicePortPlan> view = plan.servicesOf(n);
                return new Output(List.of(Artifact.text(path, n.name(), sharedText(view, ctx) + nodeText(view, localPolicy(view), n, ctx))),
                        List.of(new Output.Composed(file, n.name(), List.of(path))));
            }
            return new Output(List.of(Artifact.text(path, n.name(), nodeText(plan.services(), localPolicy, n, ctx))),
                    List.of(new Output.Composed(file, n.name(), List.of(shared, path))));
        }, sink::add);
    }

    /** The Service ports whose rules depend on each node's own endpoints (a Local policy in use, endpoints somewhere). */
    private static List<Integer> localPolicy(List<ServicePortPlan> services) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            ServicePortPlan s = services.get(i);
            if (s.hasEndpoints() && s.usesLocalEndpoints()) out.add(i);
        }
        return out;
    }

    private static boolean deviates(NetworkPlan plan, NodePlan n) {
        for (Family f : Family.values()) if (n.deviates(f, plan.services())) return true;
        return false;
    }

    /** What the text of every node depends on beyond the Service table: the cluster's settings. */
    private record Context(List<Cidr> clusterCIDRs, boolean masqueradeAll, boolean nodePortsShared, List<Family> families,
                           Map<Family, Map<String, List<Cidr>>> policySets, PolicyPrograms programs, PodNetworkPlan podNetwork) {
        List<Cidr> clusterCIDRs(Family f) {
            return clusterCIDRs.stream().filter(c -> c.family() == f).toList();
        }
    }

    /**
     * The part every node shares: each table created, deleted and defined with the Service table's dispatch as every
     * node has it, every NetworkPolicy address set of the cluster and the chain of every distinct policy program.
     */
    private static String sharedText(List<ServicePortPlan> services, Context ctx) {
        StringBuilder b = new StringBuilder();
        b.append("#!/usr/sbin/nft -f\n# netc rules: Services and NetworkPolicy; every node's part follows this one\n");
        for (Family f : ctx.families()) {
            String fam = f == Family.IPV4 ? "ip" : "ip6";
            b.append("\ntable ").append(fam).append(' ').append(TABLE).append(" {\n}\n");
            b.append("delete table ").append(fam).append(' ').append(TABLE).append('\n');
            b.append("table ").append(fam).append(' ').append(TABLE).append(" {\n");
            Table t = new Table(ctx, f, Optional.empty());
            for (ServicePortPlan s : services) if (s.family() == f) t.service(s, List.of());
            t.renderShared(b);
            b.append("}\n");
        }
        return b.toString();
    }

    /**
     * One node's own part: each table reopened with what only this node has (its node-port addresses, its Local
     * endpoints, its pods' NetworkPolicy); a table it adds nothing to is left out.
     */
    private static String nodeText(List<ServicePortPlan> services, List<Integer> localPolicy, NodePlan n, Context ctx) {
        StringBuilder b = new StringBuilder();
        b.append("\n# node ").append(n.name()).append(": its node ports, Local endpoints and pods' NetworkPolicy\n");
        Map<Integer, List<PlanEndpoint>> own = new java.util.HashMap<>();
        for (LocalEndpoints l : n.local()) own.put(l.service(), l.endpoints());
        for (Family f : ctx.families()) {
            Table t = new Table(ctx, f, Optional.of(n));
            // every Service a Local policy makes depend on the node: its pieces are each node's, endpoints here or not
            for (int i : localPolicy) {
                ServicePortPlan s = services.get(i);
                if (s.family() == f) t.service(s, own.getOrDefault(i, List.of()));
            }
            StringBuilder body = new StringBuilder();
            t.renderNode(body);
            if (body.isEmpty()) continue;
            String fam = f == Family.IPV4 ? "ip" : "ip6";
            b.append("table ").append(fam).append(' ').append(TABLE).append(" {\n").append(body).append("}\n");
        }
        return b.toString();
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

    /**
     * One family's table, for the shared part (no node: every Service's dispatch as every node has it, the pieces of a
     * Local policy's Service that depend on the node left out) or for one node's part (only those pieces).
     */
    private static final class Table {
        private final Context ctx;
        private final Optional<NodePlan> node;
        private final Family f;
        private final String ip;
        private final String addrType;
        private final List<String> serviceIps = new ArrayList<>();
        private final List<String> nodePorts = new ArrayList<>();
        private final List<String> noEndpointServices = new ArrayList<>();
        private final List<String> noEndpointNodePorts = new ArrayList<>();
        private final List<String> firewallIps = new ArrayList<>();
        private final StringBuilder chains = new StringBuilder();
        private final StringBuilder sets = new StringBuilder();

        Table(Context ctx, Family f, Optional<NodePlan> node) {
            this.ctx = ctx;
            this.node = node;
            this.f = f;
            this.ip = f == Family.IPV4 ? "ip" : "ip6";
            this.addrType = f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr";
        }

        /** The shared table body: sets, maps, base chains, Service and fixed chains, the cluster's policy sets. */
        void renderShared(StringBuilder b) {
            b.append(sets);
            map(b, "service-ips", addrType + " . inet_proto . inet_service", serviceIps, true);
            map(b, "service-nodeports", "inet_proto . inet_service", nodePorts, true);
            map(b, "no-endpoint-services", addrType + " . inet_proto . inet_service", noEndpointServices, true);
            map(b, "no-endpoint-nodeports", "inet_proto . inet_service", noEndpointNodePorts, true);
            map(b, "firewall-ips", addrType + " . inet_proto . inet_service", firewallIps, true);
            base(b, "nat-prerouting", "nat", "prerouting", "dstnat", "jump services");
            base(b, "nat-output", "nat", "output", "-100", "jump services"); // dstnat; nft 1.0.6 names it only on prerouting
            Optional<PodNetworkPlan.Egress> podEgress = ctx.podNetwork().egress(f);
            base(b, "nat-postrouting", "nat", "postrouting", "srcnat", "jump masquerading" + (podEgress.isPresent() ? "\n\t\tjump " + POD_EGRESS : ""));
            base(b, "filter-prerouting", "filter", "prerouting", "dstnat - 10", "ct state new jump firewall-check");
            base(b, "filter-output-pre-dnat", "filter", "output", "-110", "ct state new jump firewall-check");
            base(b, "filter-input", "filter", "input", "filter - 10",
                    "ct state new jump nodeport-endpoints-check\n\t\tct state new jump service-endpoints-check");
            base(b, "filter-forward", "filter", "forward", "filter - 10", "ct state new jump service-endpoints-check");
            base(b, "filter-output", "filter", "output", "filter - 10", "ct state new jump service-endpoints-check");
            if (ctx.nodePortsShared()) nodePortChains(List.of());
            chain("service-endpoints-check", ip + " daddr . meta l4proto . th dport vmap @no-endpoint-services");
            chain("firewall-check", ip + " daddr . meta l4proto . th dport vmap @firewall-ips");
            chain("mark-for-masquerade", "meta mark set meta mark | 0x00004000");
            chain("masquerading", "meta mark & 0x00004000 == 0x00000000 return", "meta mark set meta mark ^ 0x00004000",
                    "masquerade fully-random");
            chain("reject-chain", "reject");
            // the pod network netc builds: pods keep their address to pods and nodes, and leave the cluster with their node's
            podEgress.ifPresent(e -> chain(POD_EGRESS, ip + " daddr { " + String.join(", ", e.except().stream().map(Cidr::text).toList()) + " } return",
                    ip + " saddr { " + String.join(", ", e.sources().stream().map(Cidr::text).toList()) + " } masquerade fully-random"));
            b.append(chains);
            String policy = NftPolicyRenderer.renderSets(ctx.policySets().get(f), f)
                    + NftPolicyRenderer.renderPrograms(ctx.programs(), f, ctx.policySets().get(f));
            if (!policy.isEmpty()) b.append('\n').append(policy);
        }

        /** The node's table body: what it adds to the shared maps, its own chains and sets, its pods' policy. */
        void renderNode(StringBuilder b) {
            NodePlan n = node.orElseThrow();
            b.append(sets);
            map(b, "service-ips", addrType + " . inet_proto . inet_service", serviceIps, false);
            map(b, "no-endpoint-services", addrType + " . inet_proto . inet_service", noEndpointServices, false);
            map(b, "no-endpoint-nodeports", "inet_proto . inet_service", noEndpointNodePorts, false);
            if (!ctx.nodePortsShared()) nodePortChains(n.nodePortAddresses(f));
            b.append(chains);
            String policy = NftPolicyRenderer.renderPods(n.policy(), f, ctx.programs());
            if (!policy.isEmpty()) b.append(b.isEmpty() ? "" : "\n").append(policy);
        }

        /** The chains that match node ports: on every local address but loopback, or on the addresses given. */
        private void nodePortChains(List<IpAddress> addrs) {
            chain("services", ip + " daddr . meta l4proto . th dport vmap @service-ips", nodePortDispatch(addrs, "@service-nodeports"));
            chain("nodeport-endpoints-check", nodePortDispatch(addrs, "@no-endpoint-nodeports"));
        }

        private String nodePortDispatch(List<IpAddress> addrs, String map) {
            String where = addrs.isEmpty()
                    ? "fib daddr type local " + ip + " daddr != " + (f == Family.IPV4 ? "127.0.0.0/8" : "::1")
                    : ip + " daddr { " + addrs.stream().map(IpAddress::text).collect(Collectors.joining(", ")) + " }";
            return where + " meta l4proto . th dport vmap " + map;
        }

        /** A map; in a node's part only when the node adds elements (the shared part declared it). */
        private static void map(StringBuilder b, String name, String type, List<String> elements, boolean always) {
            if (!always && elements.isEmpty()) return;
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

        private static void base(StringBuilder b, String name, String type, String hook, String priority, String rules) {
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

        /**
         * One Service port. Shared table: {@code local} is empty and only what is the same on every node is written;
         * for a Service whose Local policy makes a piece depend on the node's endpoints (the cluster IP's verdict under
         * iTP Local, the external frontends' no-endpoint verdicts and the external chain under eTP Local, the local
         * chain and the endpoints only the node has) that piece is the node's. Node table: {@code local} are the node's
         * endpoints of a Service with a Local policy, and only those pieces are written.
         */
        void service(ServicePortPlan s, List<PlanEndpoint> local) {
            boolean shared = node.isEmpty();
            boolean nodeDependent = s.hasEndpoints() && s.usesLocalEndpoints();
            boolean internalVaries = nodeDependent && s.internalLocal();
            boolean externalVaries = nodeDependent && s.externalLocal();
            String spn = s.servicePortName();
            String proto = s.protocol().lower();
            String base = serviceBase(s);
            String svc = SERVICE + base;
            String localChain = LOCAL + base;
            String ext = EXTERNAL + base;
            String fw = FIREWALL + base;
            boolean hasInternal = !(s.internalLocal() ? local : s.clusterEndpoints()).isEmpty();
            boolean hasExternal = !(s.externalLocal() ? local : s.clusterEndpoints()).isEmpty();
            boolean usesCluster = !s.clusterEndpoints().isEmpty() && s.usesClusterEndpoints();
            boolean usesLocal = !local.isEmpty() && s.usesLocalEndpoints();
            boolean usesExt = s.hasEndpoints() && s.externallyAccessible();
            String noEndpoints = s.hasEndpoints() ? "drop" : "goto reject-chain";
            String internalChain = s.internalLocal() ? localChain : svc;
            List<String> internalRules = new ArrayList<>();

            if (s.clusterIP().isPresent()) {
                String key = s.clusterIP().get().text() + " . " + proto + " . " + s.port() + " comment " + quote(spn + " cluster IP");
                String match = ip + " daddr " + s.clusterIP().get().text() + " " + proto + " dport " + s.port();
                if (ctx.masqueradeAll()) {
                    internalRules.add(match + " jump mark-for-masquerade");
                } else {
                    for (Cidr c : ctx.clusterCIDRs(f)) internalRules.add(match + " " + ip + " saddr != " + c.text() + " jump mark-for-masquerade");
                }
                if (shared != internalVaries) {
                    if (hasInternal) serviceIps.add(key + " : goto " + internalChain);
                    else noEndpointServices.add(key + " : " + noEndpoints);
                }
            }
            for (IpAddress a : s.externalIPs()) external(s, a, "external IP", ext, hasExternal, noEndpoints, shared, externalVaries);
            for (IpAddress a : s.loadBalancerIPs()) {
                external(s, a, "loadbalancer IP", ext, hasExternal, noEndpoints, shared, externalVaries);
                if (shared && !s.loadBalancerSourceRanges().isEmpty()) {
                    firewallIps.add(a.text() + " . " + proto + " . " + s.port() + " comment " + quote(spn + " loadbalancer IP") + " : goto " + fw);
                }
            }
            if (s.nodePort() != 0) {
                String key = proto + " . " + s.nodePort() + " comment " + quote(spn + " node port");
                if (shared && s.hasEndpoints()) nodePorts.add(key + " : goto " + ext);
                if (shared != externalVaries && !hasExternal) noEndpointNodePorts.add(key + " : " + noEndpoints);
            }
            if (shared && !s.loadBalancerIPs().isEmpty() && !s.loadBalancerSourceRanges().isEmpty()) {
                chain(fw, ip + " saddr { " + s.loadBalancerSourceRanges().stream().map(Cidr::text).collect(Collectors.joining(", "))
                        + " } return", "drop comment " + quote("other traffic to " + spn + " is dropped"));
            }
            // The external chain is declared in the shared part (the shared maps point at it, and nft wants a verdict
            // map's target to exist when the element is added); under eTP Local its last rule, to the node's own
            // endpoints, is appended by the node's part when it has some.
            if (usesExt) {
                List<String> r = new ArrayList<>();
                if (!s.externalLocal()) {
                    r.add("jump mark-for-masquerade comment " + quote("masquerade traffic for " + spn + " external destinations"));
                    if (hasExternal) r.add("goto " + svc);
                } else if (shared) {
                    for (Cidr c : ctx.clusterCIDRs(f)) r.add(ip + " saddr " + c.text() + " goto " + svc + " comment " + quote("pod traffic for " + spn + " external destinations"));
                    r.add("fib saddr type local jump mark-for-masquerade comment " + quote("masquerade local traffic for " + spn + " external destinations"));
                    r.add("fib saddr type local goto " + svc + " comment " + quote("route local traffic for " + spn + " external destinations"));
                    if (!externalVaries && hasExternal) r.add("goto " + localChain);
                } else if (hasExternal) {
                    r.add("goto " + localChain);
                }
                if (shared || (s.externalLocal() && !r.isEmpty())) chain(ext, r.toArray(String[]::new));
            }
            if (shared && usesCluster) {
                List<String> r = new ArrayList<>(s.internalLocal() ? List.of() : internalRules);
                r.addAll(dispatch(s, s.clusterEndpoints()));
                chain(svc, r.toArray(String[]::new));
            }
            if (!shared && usesLocal) {
                List<String> r = new ArrayList<>(s.internalLocal() ? internalRules : List.of());
                r.addAll(dispatch(s, local));
                chain(localChain, r.toArray(String[]::new));
            }
            // endpoint chains: the cluster's in the shared table, the node's own others in its part
            TreeSet<PlanEndpoint> eps = new TreeSet<>();
            if (shared) {
                if (s.usesClusterEndpoints()) eps.addAll(s.clusterEndpoints());
            } else if (usesLocal) {
                eps.addAll(local);
                if (s.usesClusterEndpoints()) s.clusterEndpoints().forEach(eps::remove);
            }
            for (PlanEndpoint e : eps) endpoint(s, e);
        }

        private void endpoint(ServicePortPlan s, PlanEndpoint e) {
            String epName = endpointName(s.servicePortName(), s.protocol().lower(), s, e);
            List<String> r = new ArrayList<>();
            r.add(ip + " saddr " + e.ip().text() + " jump mark-for-masquerade comment " + quote("hairpin"));
            if (s.affinitySeconds() > 0) {
                String set = AFFINITY + epName;
                sets.append("\tset ").append(set).append(" {\n\t\ttype ").append(addrType)
                        .append("\n\t\tflags dynamic,timeout\n\t\ttimeout ").append(s.affinitySeconds()).append("s\n\t}\n\n");
                r.add("update @" + set + " { " + ip + " saddr }");
            }
            r.add("meta l4proto " + s.protocol().lower() + " dnat to " + e.hostPort());
            chain(ENDPOINT + epName, r.toArray(String[]::new));
        }

        private void external(ServicePortPlan s, IpAddress a, String what, String ext, boolean hasExternal,
                              String noEndpoints, boolean shared, boolean externalVaries) {
            String key = a.text() + " . " + s.protocol().lower() + " . " + s.port() + " comment " + quote(s.servicePortName() + " " + what);
            if (shared && s.hasEndpoints()) serviceIps.add(key + " : goto " + ext);
            if (shared != externalVaries && !hasExternal) noEndpointServices.add(key + " : " + noEndpoints);
        }

        /** ClientIP affinity first (the endpoint the client used last, while it is remembered), then a random pick. */
        private List<String> dispatch(ServicePortPlan s, List<PlanEndpoint> eps) {
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
