package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.KubeObject;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.Workload;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks that need more than one value or more than one object: duplicates, references (nodes, Services,
 * named ports), address ranges and conflicts, fields that do not fit the Service type, IP families.
 * Single values were checked by the front end. The cluster is returned unchanged.
 *
 * <p>Where two objects collide, the one written later (by file, then line) is reported and the message names
 * the first, so the diagnostic lands on the object most likely to be the new mistake.
 */
public final class Validate implements Pass<Cluster, Cluster> {
    private static final Comparator<KubeObject> BY_POS = Comparator.comparing(o -> o.meta().pos());
    private static final int NAMES_SHOWN = 5;

    @Override
    public Cluster apply(Cluster cluster, Diagnostics diagnostics) {
        duplicates(cluster, diagnostics);
        nodeReferences(cluster, diagnostics);
        podCidrs(cluster, diagnostics);
        nodeAddresses(cluster, diagnostics);
        for (Service s : cluster.services()) serviceFields(cluster.profile(), s, diagnostics);
        clusterIpConflicts(cluster, diagnostics);
        nodePortConflicts(cluster, diagnostics);
        podAddresses(cluster, diagnostics);
        namedTargetPorts(cluster, diagnostics);
        workloadSelectors(cluster, diagnostics);
        endpointSlices(cluster, diagnostics);
        ingressBackends(cluster, diagnostics);
        return cluster;
    }

    // ---- duplicates ----------------------------------------------------------------------------------------

    private static void duplicates(Cluster c, Diagnostics d) {
        Stream.of(c.namespaces(), c.nodes(), c.profile().nodes(), c.pods(), c.workloads(), c.services(),
                        c.endpointSlices(), c.networkPolicies(), c.ingresses(), c.ingressClasses(), c.secrets())
                .forEach(list -> duplicatesIn(list, d));
    }

    private static void duplicatesIn(List<? extends KubeObject> objects, Diagnostics d) {
        Map<String, List<KubeObject>> byId = new TreeMap<>();
        for (KubeObject o : objects) byId.computeIfAbsent(o.meta().id(), k -> new ArrayList<>()).add(o);
        for (List<KubeObject> same : byId.values()) {
            // Records made from one input object (an Endpoints' slices) share its position: not duplicates.
            List<KubeObject> distinct = new ArrayList<>(same.stream()
                    .collect(Collectors.toMap(o -> o.meta().pos(), o -> o, (a, b) -> a, TreeMap::new)).values());
            distinct.sort(BY_POS);
            KubeObject first = distinct.get(0);
            for (KubeObject dup : distinct.subList(1, distinct.size())) {
                d.error(DiagnosticCode.NETC013, dup.meta().at("metadata.name"), "duplicate " + first.meta().kind()
                        + " " + first.meta().qualifiedName() + " (first defined at " + first.meta().pos() + ")");
            }
        }
    }

    // ---- nodes ---------------------------------------------------------------------------------------------

    /** Every node a pod or template names must exist: a Node object, a profile node, or the default node. */
    private static void nodeReferences(Cluster c, Diagnostics d) {
        Set<String> nodes = new TreeSet<>();
        c.nodes().forEach(n -> nodes.add(n.name()));
        c.profile().nodes().forEach(n -> nodes.add(n.name()));
        if (nodes.isEmpty()) nodes.add(ClusterProfile.DEFAULT_NODE);
        for (Pod p : c.pods()) {
            if (!p.nodeName().isEmpty() && !nodes.contains(p.nodeName()))
                d.error(DiagnosticCode.NETC024, p.meta().at("spec.nodeName"), unknownNode(p.nodeName(), nodes));
        }
        for (Workload w : c.workloads()) {
            String n = w.template().nodeName();
            if (!n.isEmpty() && !nodes.contains(n))
                d.error(DiagnosticCode.NETC024, w.meta().at("spec.template.spec.nodeName"), unknownNode(n, nodes));
        }
    }

    /**
     * Node pod CIDRs as the node IPAM controller and the CNI (flannel) need them (NETC043): inside a cluster CIDR
     * of their family (else pod traffic is masqueraded or not routed), clear of the service CIDRs (a pod IP that
     * is also a ClusterIP), and no two nodes overlapping (one pod address routed to two nodes). At most one per
     * family (NETC041, as for profile nodes). The later node by position is reported, naming the first.
     */
    private static void podCidrs(Cluster c, Diagnostics d) {
        record Owned(Node node, Cidr cidr) {
        }
        Map<Family, TreeMap<BigInteger, Owned>> byStart = new EnumMap<>(Family.class);
        boolean clusterCidrsGiven = c.profile().meta().fields().keySet().stream().anyMatch(k -> k.startsWith("spec.clusterCIDRs"));
        for (Node n : byPosition(c.nodes())) {
            for (int i = 0; i < n.podCIDRs().size(); i++) {
                Cidr p = n.podCIDRs().get(i);
                SourcePos pos = n.meta().at("spec.podCIDRs[" + i + "]");
                String what = "pod CIDR " + p + " of node " + n.name();
                if (n.podCIDRs().subList(0, i).stream().anyMatch(o -> o.family() == p.family())) {
                    d.error(DiagnosticCode.NETC041, pos, what + " is a second " + p.family().apiName()
                            + " pod CIDR (at most one per family)");
                    continue;
                }
                List<Cidr> ranges = c.profile().clusterCIDRs().stream().filter(r -> r.family() == p.family()).toList();
                if (ranges.stream().noneMatch(r -> r.contains(p))) {
                    String outside = what + " is outside the cluster CIDRs ("
                            + (ranges.isEmpty() ? "none of " + p.family().apiName() : cidrList(ranges)) + ")";
                    if (clusterCidrsGiven) {
                        d.error(DiagnosticCode.NETC043, pos, outside);
                        continue;
                    }
                    // A live dump of a cluster with other ranges (k3s: 10.42.0.0/16) and no profile: the default
                    // range is netc's guess, not the user's word, so the dump still compiles.
                    d.warning(DiagnosticCode.NETC043, pos, outside + ", which no cluster profile sets: its pods' traffic"
                            + " counts as from outside the cluster (masqueraded); give the cluster's range in spec.clusterCIDRs");
                }
                Optional<Cidr> service = c.profile().serviceCIDRs().stream().filter(p::overlaps).findFirst();
                if (service.isPresent()) {
                    d.error(DiagnosticCode.NETC043, pos, what + " overlaps the service CIDR " + service.get());
                    continue;
                }
                // The map holds disjoint prefixes: only the nearest one at or below p's start can contain it,
                // and any one starting inside p lies in it.
                TreeMap<BigInteger, Owned> taken = byStart.computeIfAbsent(p.family(), f -> new TreeMap<>());
                BigInteger start = p.network().bits();
                Map.Entry<BigInteger, Owned> below = taken.floorEntry(start);
                Map.Entry<BigInteger, Owned> inside = taken.ceilingEntry(start);
                Owned clash = below != null && below.getValue().cidr().overlaps(p) ? below.getValue()
                        : inside != null && p.contains(inside.getValue().cidr()) ? inside.getValue() : null;
                if (clash != null) {
                    d.error(DiagnosticCode.NETC043, pos, what + " overlaps pod CIDR " + clash.cidr() + " of node "
                            + clash.node().name() + " (at " + clash.node().meta().pos() + ")");
                    continue;
                }
                taken.put(start, new Owned(n, p));
            }
        }
    }

    /**
     * A node without an address where NodePort Services need one (NETC042). With {@code nodePortAddresses}
     * narrowing a family, node ports open only on node addresses: such a node serves no node port at all, an
     * error. Otherwise the iptables and nftables rules match every local address, so the node works there, but
     * the IPVS backend binds node ports to the node's addresses and has none on it: a warning (not for the
     * implicit {@code node-1} of an input that names no node, which has no address by definition).
     */
    private static void nodeAddresses(Cluster c, Diagnostics d) {
        List<Service> nodePortServices = byPosition(c.services()).stream().filter(Service::wantsNodePorts).toList();
        if (nodePortServices.isEmpty()) return;
        Service first = nodePortServices.get(0);
        String services = "NodePort Service " + first.meta().qualifiedName() + (nodePortServices.size() > 1
                ? " (and " + (nodePortServices.size() - 1) + " more)" : "");
        List<Cidr> narrowed = c.profile().proxy().nodePortAddresses().stream().filter(x -> x.prefixLength() > 0)
                .toList();
        for (Node n : c.nodes()) {
            if (!n.addresses().isEmpty()) continue;
            SourcePos pos = n.meta().at("status.addresses");
            if (!narrowed.isEmpty()) {
                d.error(DiagnosticCode.NETC042, pos, "node " + n.name() + " has no address, and nodePortAddresses ("
                        + cidrList(narrowed) + ") opens node ports only on node addresses: " + services
                        + " is not served on it");
            } else if (!ResolveNodes.isImplicit(n)) {
                d.warning(DiagnosticCode.NETC042, pos, "node " + n.name() + " has no address: the IPVS backend"
                        + " binds node ports to node addresses and serves " + services + " on none of this node's"
                        + " (iptables and nftables serve it on every local address)");
            }
        }
    }

    private static String unknownNode(String name, Set<String> nodes) {
        return "node " + dev.netc.ir.Text.quote(name) + " does not exist (nodes: " + shortList(nodes) + ")";
    }

    // ---- one Service ---------------------------------------------------------------------------------------

    private static void serviceFields(ClusterProfile profile, Service s, Diagnostics d) {
        typeFields(s, d);
        if (families(s, d)) clusterIpRanges(profile, s, d);
        duplicatePorts(s, d);
    }

    /** Fields the API server refuses for the Service's type (NETC030). */
    private static void typeFields(Service s, Diagnostics d) {
        ObjectMeta m = s.meta();
        Service.Type type = s.type();
        boolean nodePorts = type == Service.Type.NodePort || type == Service.Type.LoadBalancer;
        if (type == Service.Type.ExternalName) {
            if (s.externalName().isEmpty())
                d.error(DiagnosticCode.NETC030, m.at("spec.type"), "an ExternalName Service needs spec.externalName");
            if (s.headless() || !s.clusterIPs().isEmpty())
                d.error(DiagnosticCode.NETC030, clusterIpPos(s, 0), "clusterIP is not allowed for an ExternalName"
                        + " Service");
        }
        if (!nodePorts) {
            for (int i = 0; i < s.ports().size(); i++) {
                ServicePort p = s.ports().get(i);
                if (p.nodePort() != 0)
                    d.error(DiagnosticCode.NETC030, at(m, "spec.ports[" + i + "].nodePort", p.pos()), "nodePort "
                            + p.nodePort() + " is not allowed for a " + type + " Service (only NodePort and"
                            + " LoadBalancer)");
            }
        }
        if (nodePorts && s.headless())
            d.error(DiagnosticCode.NETC030, clusterIpPos(s, 0), "clusterIP None is not allowed for a " + type
                    + " Service");
        boolean external = nodePorts || (type == Service.Type.ClusterIP && !s.externalIPs().isEmpty());
        boolean etpGiven = m.fields().containsKey("spec.externalTrafficPolicy")
                || s.externalTrafficPolicy() == Service.TrafficPolicy.Local;
        if (!external && etpGiven)
            d.error(DiagnosticCode.NETC030, m.at("spec.externalTrafficPolicy"), "externalTrafficPolicy is only"
                    + " valid for NodePort and LoadBalancer Services or with externalIPs (this one is " + type + ")");
        if (type != Service.Type.LoadBalancer) {
            if (!s.loadBalancerSourceRanges().isEmpty())
                d.error(DiagnosticCode.NETC030, m.at("spec.loadBalancerSourceRanges"), "loadBalancerSourceRanges is"
                        + " only valid for LoadBalancer Services (this one is " + type + ")");
            if (m.fields().containsKey("spec.allocateLoadBalancerNodePorts"))
                d.error(DiagnosticCode.NETC030, m.at("spec.allocateLoadBalancerNodePorts"),
                        "allocateLoadBalancerNodePorts is only valid for LoadBalancer Services (this one is " + type
                                + ")");
        }
    }

    /** clusterIPs, ipFamilies and ipFamilyPolicy agree (NETC041). False when they do not. */
    private static boolean families(Service s, Diagnostics d) {
        ObjectMeta m = s.meta();
        List<IpAddress> ips = s.clusterIPs();
        List<Family> fams = s.ipFamilies();
        if (ips.size() > 2) {
            d.error(DiagnosticCode.NETC041, clusterIpPos(s, 2), "a Service has at most two cluster IPs, got "
                    + ips.size());
            return false;
        }
        if (ips.size() == 2 && ips.get(0).family() == ips.get(1).family()) {
            d.error(DiagnosticCode.NETC041, clusterIpPos(s, 1), "clusterIPs " + ips.get(0) + " and " + ips.get(1)
                    + " are both " + ips.get(0).family().apiName() + " (one per family)");
            return false;
        }
        if (fams.size() > 2 || (fams.size() == 2 && fams.get(0) == fams.get(1))) {
            d.error(DiagnosticCode.NETC041, m.at("spec.ipFamilies"), "ipFamilies must list each family at most once,"
                    + " got " + fams.stream().map(Family::apiName).collect(Collectors.joining(", ")));
            return false;
        }
        for (int i = 0; i < Math.min(ips.size(), fams.size()); i++) {
            if (ips.get(i).family() != fams.get(i)) {
                d.error(DiagnosticCode.NETC041, clusterIpPos(s, i), "cluster IP " + ips.get(i) + " is "
                        + ips.get(i).family().apiName() + " but ipFamilies[" + i + "] is " + fams.get(i).apiName());
                return false;
            }
        }
        if (s.ipFamilyPolicy() == Service.IpFamilyPolicy.SingleStack && (ips.size() == 2 || fams.size() == 2)) {
            String what = ips.size() == 2 ? "two cluster IPs" : "two ipFamilies";
            SourcePos pos = at(m, "spec.ipFamilyPolicy", ips.size() == 2 ? clusterIpPos(s, 1) : m.at("spec.ipFamilies"));
            d.error(DiagnosticCode.NETC041, pos, "ipFamilyPolicy SingleStack does not allow "
                    + what + " (use PreferDualStack or RequireDualStack)");
            return false;
        }
        return true;
    }

    /** Given cluster IPs lie in the service CIDRs (NETC018). */
    private static void clusterIpRanges(ClusterProfile profile, Service s, Diagnostics d) {
        for (int i = 0; i < s.clusterIPs().size(); i++) {
            IpAddress ip = s.clusterIPs().get(i);
            if (profile.serviceCIDRs().stream().noneMatch(r -> r.contains(ip)))
                d.error(DiagnosticCode.NETC018, clusterIpPos(s, i), "clusterIP " + ip + " is outside the service"
                        + " CIDRs (" + cidrList(profile.serviceCIDRs()) + ")");
        }
    }

    /** Two ports with the same number and protocol, or the same name, in one Service (NETC025). */
    private static void duplicatePorts(Service s, Diagnostics d) {
        Map<String, Integer> byPort = new HashMap<>();
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < s.ports().size(); i++) {
            ServicePort p = s.ports().get(i);
            Integer first = byPort.putIfAbsent(p.port() + "/" + p.protocol(), i);
            if (first != null) {
                d.error(DiagnosticCode.NETC025, at(s.meta(), "spec.ports[" + i + "].port", p.pos()), "port "
                        + p.port() + "/" + p.protocol() + " is already defined by spec.ports[" + first + "]");
                continue;
            }
            if (!p.name().isEmpty()) {
                first = byName.putIfAbsent(p.name(), i);
                if (first != null)
                    d.error(DiagnosticCode.NETC025, at(s.meta(), "spec.ports[" + i + "].name", p.pos()), "port name "
                            + dev.netc.ir.Text.quote(p.name()) + " is already used by spec.ports[" + first + "]");
            }
        }
    }

    // ---- between Services ----------------------------------------------------------------------------------

    private static void clusterIpConflicts(Cluster c, Diagnostics d) {
        Map<IpAddress, Service> owner = new HashMap<>();
        for (Service s : byPosition(c.services())) {
            for (int i = 0; i < s.clusterIPs().size(); i++) {
                IpAddress ip = s.clusterIPs().get(i);
                Service first = owner.putIfAbsent(ip, s);
                if (first != null && first != s)
                    d.error(DiagnosticCode.NETC027, clusterIpPos(s, i), "clusterIP " + ip + " is already used by"
                            + " Service " + first.meta().qualifiedName() + " (at " + first.meta().pos() + ")");
            }
        }
    }

    /**
     * A node port belongs to one Service on every node; one Service may use it for two protocols (as DNS does
     * for TCP and UDP), never twice for one.
     */
    private static void nodePortConflicts(Cluster c, Diagnostics d) {
        record Use(Service service, ServicePort port) {
        }
        Map<Integer, List<Use>> uses = new HashMap<>();
        for (Service s : byPosition(c.services())) {
            for (int i = 0; i < s.ports().size(); i++) {
                ServicePort p = s.ports().get(i);
                if (p.nodePort() == 0) continue;
                List<Use> prior = uses.computeIfAbsent(p.nodePort(), k -> new ArrayList<>());
                Optional<Use> clash = prior.stream()
                        .filter(u -> u.service() != s || u.port().protocol() == p.protocol()).findFirst();
                if (clash.isPresent()) {
                    Service first = clash.get().service();
                    String by = first == s ? "another " + p.protocol() + " port of this Service"
                            : "Service " + first.meta().qualifiedName() + " (at " + first.meta().pos() + ")";
                    d.error(DiagnosticCode.NETC026, at(s.meta(), "spec.ports[" + i + "].nodePort", p.pos()),
                            "nodePort " + p.nodePort() + " is already used by " + by);
                    continue;
                }
                prior.add(new Use(s, p));
            }
        }
    }

    // ---- pods ----------------------------------------------------------------------------------------------

    /**
     * Live pods' IPs are unique and inside the cluster CIDRs; host-network pods share their node's address
     * and are exempt from both.
     */
    private static void podAddresses(Cluster c, Diagnostics d) {
        List<Cidr> ranges = c.profile().clusterCIDRs();
        Map<IpAddress, Pod> owner = new HashMap<>();
        for (Pod p : byPosition(c.pods())) {
            if (p.hostNetwork() || p.owner().isPresent()) continue;
            for (int i = 0; i < p.ips().size(); i++) {
                IpAddress ip = p.ips().get(i);
                SourcePos pos = podIpPos(p, i);
                if (ranges.stream().noneMatch(r -> r.contains(ip))) {
                    d.error(DiagnosticCode.NETC018, pos, "pod IP " + ip + " is outside the cluster CIDRs ("
                            + cidrList(ranges) + "); only hostNetwork pods may use other addresses");
                    continue;
                }
                Pod first = owner.putIfAbsent(ip, p);
                if (first != null)
                    d.error(DiagnosticCode.NETC033, pos, "pod IP " + ip + " is already used by pod "
                            + first.meta().qualifiedName() + " (at " + first.meta().pos() + ")");
            }
        }
    }

    private static SourcePos podIpPos(Pod p, int i) {
        Map<String, SourcePos> f = p.meta().fields();
        SourcePos pos = f.get("status.podIPs[" + i + "].ip");
        if (pos == null && i == 0) pos = f.get("status.podIP");
        return pos != null ? pos : p.meta().pos();
    }

    // ---- selectors and named ports -------------------------------------------------------------------------

    /**
     * A named targetPort must be a container port (same name and protocol) of at least one pod the Service
     * selects: live pods and workload templates of its namespace. Services that select nothing yet are left
     * alone (pods may come later).
     */
    private static void namedTargetPorts(Cluster c, Diagnostics d) {
        // Only Services with a named target port look at pods, and only at their namespace's (not every pod
        // for every Service: 10k Services x 100k pods at scale).
        Map<String, List<Pod>> podsByNamespace = KubeObject.byNamespace(c.pods());
        Map<String, List<Workload>> workloadsByNamespace = KubeObject.byNamespace(c.workloads());
        for (Service s : c.services()) {
            if (s.selector().isEmpty()) continue;
            if (s.ports().stream().noneMatch(port -> port.targetPort() instanceof PortRef.Name)) continue;
            LabelSelector sel = LabelSelector.ofLabels(s.selector());
            String ns = s.namespace();
            List<Pod> pods = podsByNamespace.getOrDefault(ns, List.of()).stream()
                    .filter(p -> sel.matches(p.labels())).toList();
            List<Workload> templates = workloadsByNamespace.getOrDefault(ns, List.of()).stream()
                    .filter(w -> sel.matches(w.template().labels())).toList();
            if (pods.isEmpty() && templates.isEmpty()) continue;
            for (int i = 0; i < s.ports().size(); i++) {
                ServicePort port = s.ports().get(i);
                if (!(port.targetPort() instanceof PortRef.Name name)) continue;
                boolean defined = pods.stream().anyMatch(p -> p.namedPort(name.value(), port.protocol()).isPresent())
                        || templates.stream().anyMatch(w -> w.template().ports().stream()
                        .anyMatch(cp -> cp.name().equals(name.value()) && cp.protocol() == port.protocol()));
                if (!defined)
                    d.error(DiagnosticCode.NETC023, at(s.meta(), "spec.ports[" + i + "].targetPort", port.pos()),
                            "targetPort " + dev.netc.ir.Text.quote(name.value()) + " is not a " + port.protocol() + " container port of"
                                    + " any pod selected by " + sel);
            }
        }
    }

    private static void workloadSelectors(Cluster c, Diagnostics d) {
        for (Workload w : c.workloads()) {
            if (!w.selector().matches(w.template().labels())) {
                Map<String, String> labels = w.template().labels();
                String shown = labels.isEmpty() ? "(none)" : labels.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
                d.error(DiagnosticCode.NETC039, w.meta().at("spec.selector"), "selector " + w.selector()
                        + " does not match the pod template labels " + shown);
            }
        }
    }

    // ---- references to Services ----------------------------------------------------------------------------

    /** A slice for a missing Service is never used: a warning, since live state may lag. */
    private static void endpointSlices(Cluster c, Diagnostics d) {
        for (EndpointSlice e : c.endpointSlices()) {
            if (c.service(e.meta().namespace(), e.serviceName()).isEmpty()) {
                SourcePos pos = e.meta().kind().equals("Endpoints") ? e.meta().at("metadata.name")
                        : e.meta().at("metadata.labels.kubernetes.io/service-name");
                d.warning(DiagnosticCode.NETC034, pos, "Service " + e.meta().namespace() + "/" + e.serviceName()
                        + " does not exist: " + e.meta().kind() + " " + e.meta().name() + " is not used");
            }
        }
    }

    /**
     * A backend naming a missing Service is a warning, not an error: the API server accepts it and the
     * ingress answers 503 for that backend until the Service exists.
     */
    private static void ingressBackends(Cluster c, Diagnostics d) {
        for (Ingress in : c.ingresses()) {
            // another controller's Ingress is not netc's to judge (IngressRoutes skips it with a note or a warning)
            if (!IngressRoutes.classServed(c, in)) continue;
            List<Ingress.Backend> backends = new ArrayList<>();
            in.defaultBackend().ifPresent(backends::add);
            in.rules().forEach(r -> r.paths().forEach(p -> backends.add(p.backend())));
            for (Ingress.Backend b : backends) {
                if (c.service(in.meta().namespace(), b.serviceName()).isEmpty())
                    d.warning(DiagnosticCode.NETC038, b.pos(), "Service " + in.meta().namespace() + "/"
                            + b.serviceName() + " does not exist: this backend will answer 503");
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static <T extends KubeObject> List<T> byPosition(List<T> objects) {
        List<T> out = new ArrayList<>(objects);
        out.sort(BY_POS);
        return out;
    }

    private static SourcePos at(ObjectMeta m, String path, SourcePos fallback) {
        SourcePos p = m.fields().get(path);
        return p != null ? p : fallback;
    }

    private static SourcePos clusterIpPos(Service s, int i) {
        Map<String, SourcePos> f = s.meta().fields();
        SourcePos p = f.get("spec.clusterIPs[" + i + "]");
        if (p == null && i == 0) p = f.get("spec.clusterIP");
        return p != null ? p : s.meta().pos();
    }

    private static String cidrList(List<Cidr> cidrs) {
        return cidrs.isEmpty() ? "none" : cidrs.stream().map(Cidr::text).collect(Collectors.joining(", "));
    }

    private static String shortList(Set<String> names) {
        String shown = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
        return names.size() > NAMES_SHOWN ? shown + ", ..." : shown;
    }
}
