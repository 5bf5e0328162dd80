package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Scheduling;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.Workload;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Fills in what the manifests leave to the cluster: node pod CIDRs, pods for workload replicas (placed on
 * nodes), pod IPs, ClusterIPs and NodePorts.
 *
 * <p>Every choice starts at a position derived from the object's identity (a hash of its kind, namespace and
 * name), so adding or removing an unrelated object moves nothing unless two identities land on the same slot;
 * then the later one in canonical order takes the next free slot. Values from the input (live state) are
 * never changed and are reserved before anything is allocated.
 */
public final class Allocate implements Pass<Cluster, Cluster> {
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;
    private static final int V4_NODE_MASK = 24;
    private static final int V6_NODE_MASK = 64;

    @Override
    public Cluster apply(Cluster cluster, Diagnostics diagnostics) {
        Cluster c = cluster.withNodes(allocateNodeCidrs(cluster, diagnostics));
        c = c.withPods(placeAndAddressPods(c, diagnostics));
        return c.withServices(allocateServices(c, diagnostics));
    }

    // ---- nodes ---------------------------------------------------------------------------------------------

    private List<Node> allocateNodeCidrs(Cluster cluster, Diagnostics diagnostics) {
        Set<Cidr> taken = new HashSet<>();
        cluster.nodes().forEach(n -> taken.addAll(n.podCIDRs()));
        // As the node IPAM controller does: no node block that overlaps a service CIDR.
        taken.addAll(cluster.profile().serviceCIDRs());
        List<Node> out = new ArrayList<>();
        for (Node n : cluster.nodes()) {
            if (!n.podCIDRs().isEmpty()) {
                out.add(n);
                continue;
            }
            List<Cidr> cidrs = new ArrayList<>();
            for (Family f : Family.values()) {
                Optional<Cidr> range = cluster.profile().clusterCIDRs().stream().filter(x -> x.family() == f).findFirst();
                if (range.isEmpty()) continue;
                int mask = Math.max(range.get().prefixLength(), f == Family.IPV4 ? V4_NODE_MASK : V6_NODE_MASK);
                BigInteger start = StableHash.of("Node/" + n.name(), BigInteger.ONE.shiftLeft(mask - range.get().prefixLength()));
                Optional<Cidr> got = freeBlock(range.get(), mask, start, taken);
                if (got.isEmpty()) {
                    diagnostics.error(DiagnosticCode.NETC028, n.meta().pos(),
                            "no free /" + mask + " left in cluster CIDR " + range.get() + " for node " + n.name());
                    continue;
                }
                taken.add(got.get());
                cidrs.add(got.get());
            }
            out.add(n.withPodCIDRs(cidrs));
        }
        return out;
    }

    /**
     * The first /{@code mask} block of {@code range} at or after block {@code start} (wrapping around) that no
     * taken CIDR overlaps. A taken CIDR that overlaps a candidate is skipped past as a whole, so the search
     * takes at most two steps per taken CIDR, however many blocks the range has (an IPv6 /8 has 2^56 /64s).
     */
    static Optional<Cidr> freeBlock(Cidr range, int mask, BigInteger start, Collection<Cidr> taken) {
        BigInteger blocks = BigInteger.ONE.shiftLeft(mask - range.prefixLength());
        BigInteger blockSize = range.size().divide(blocks);
        BigInteger base = range.network().bits();
        BigInteger lastOffset = range.size().subtract(BigInteger.ONE);
        List<Cidr> relevant = taken.stream().filter(range::overlaps).toList();
        BigInteger idx = start.mod(blocks);
        BigInteger advanced = BigInteger.ZERO;
        while (advanced.compareTo(blocks) < 0) {
            Cidr cand = Cidr.parse(range.addressAt(idx.multiply(blockSize)).text() + "/" + mask);
            // Of the taken CIDRs in the way, the one that reaches furthest: the search resumes after its end.
            Optional<BigInteger> clashEnd = relevant.stream().filter(t -> t.overlaps(cand))
                    .map(t -> t.last().bits().subtract(base).min(lastOffset)).max(BigInteger::compareTo);
            if (clashEnd.isEmpty()) return Optional.of(cand);
            BigInteger next = clashEnd.get().divide(blockSize).add(BigInteger.ONE);
            advanced = advanced.add(next.subtract(idx));
            idx = next.mod(blocks);
        }
        return Optional.empty();
    }

    // ---- pods ----------------------------------------------------------------------------------------------

    private List<Pod> placeAndAddressPods(Cluster cluster, Diagnostics diagnostics) {
        List<Pod> pods = new ArrayList<>();
        // Bare pods (no node, no IP: a manifest's Pod) are scheduled as the scheduler would: on a node that fits.
        for (Pod p : cluster.pods()) pods.add(isBare(p) ? scheduleBare(cluster, p, diagnostics) : p);
        Map<String, List<Pod>> podsByNamespace = dev.netc.ir.model.KubeObject.byNamespace(cluster.pods());
        for (Workload w : cluster.workloads()) {
            // a workload's live pods are in its namespace: look there only (not all pods per workload)
            boolean hasLivePods = podsByNamespace.getOrDefault(w.meta().namespace(), List.of()).stream()
                    .anyMatch(p -> isPodOf(p, w));
            if (!hasLivePods) pods.addAll(replicas(cluster, w, diagnostics));
        }
        Set<IpAddress> taken = new HashSet<>();
        pods.forEach(p -> { if (!p.hostNetwork()) taken.addAll(p.ips()); });
        pods.sort(dev.netc.ir.model.KubeObject.BY_ID);
        List<Pod> out = new ArrayList<>();
        Map<String, OutOfAddresses> outOfAddresses = new TreeMap<>();
        for (Pod p : pods) {
            String node = p.nodeName();
            if (node.isEmpty() && !p.ips().isEmpty()) {
                node = cluster.nodes().stream()
                        .filter(n -> n.podCIDRs().stream().anyMatch(c -> p.ips().stream().anyMatch(c::contains)))
                        .map(Node::name).findFirst().orElse("");
            }
            Optional<Node> onNode = cluster.node(node);
            List<IpAddress> ips = p.ips();
            if (ips.isEmpty() && onNode.isPresent() && !p.finished()) {
                ips = p.hostNetwork() ? onNode.get().addresses() : podIps(p, onNode.get(), taken, outOfAddresses);
                // A host-network pod has its node's addresses: without one it has no IP, and the Services
                // that select it would silently lose it as an endpoint.
                Optional<Service> selecting = !p.hostNetwork() || !ips.isEmpty() ? Optional.empty()
                        : cluster.services().stream()
                        .filter(s -> s.namespace().equals(p.meta().namespace()) && !s.selector().isEmpty()
                                && LabelSelector.ofLabels(s.selector()).matches(p.labels()))
                        .min(dev.netc.ir.model.KubeObject.BY_ID);
                if (selecting.isPresent() && ResolveNodes.isImplicit(onNode.get())) {
                    // The input names no node (an install manifest compiled alone): netc's stand-in has no address,
                    // which says nothing about the user's cluster.
                    diagnostics.warning(DiagnosticCode.NETC042, p.meta().pos(), "host-network pod "
                            + p.meta().qualifiedName() + " runs on node " + node + ", which netc stands in because the"
                            + " input names no node and which has no address: Service "
                            + selecting.get().meta().qualifiedName() + " has no endpoint on it (give a cluster profile"
                            + " with nodes and their addresses)");
                } else if (selecting.isPresent()) {
                    diagnostics.error(DiagnosticCode.NETC042, p.meta().pos(), "host-network pod "
                            + p.meta().qualifiedName() + " runs on node " + node + ", which has no address: the pod"
                            + " has no IP, and Service " + selecting.get().meta().qualifiedName() + " would lose it"
                            + " as an endpoint (give the node an address)");
                }
            }
            out.add(p.withPlacement(node, ips));
        }
        // One warning per full pod CIDR, however many pods it leaves without an address.
        for (OutOfAddresses o : outOfAddresses.values()) {
            diagnostics.warning(DiagnosticCode.NETC028, o.pos(), "pod CIDR " + o.range() + " of node " + o.node()
                    + " has no free address for " + (o.pods().size() == 1 ? "pod " + o.pods().get(0)
                    : o.pods().size() + " pods (" + o.pods().get(0) + " and " + (o.pods().size() - 1) + " more)")
                    + ": like pods the node's network plugin cannot address, they get no IP and serve no endpoints");
        }
        return out;
    }

    /** Pods left without an address because their node's pod CIDR of a family is full. */
    private record OutOfAddresses(Cidr range, String node, dev.netc.ir.SourcePos pos, List<String> pods) {
    }

    private static boolean isBare(Pod p) {
        return p.owner().isEmpty() && p.nodeName().isEmpty() && p.ips().isEmpty() && !p.finished();
    }

    private Pod scheduleBare(Cluster cluster, Pod p, Diagnostics diagnostics) {
        List<Node> candidates = fitting(cluster, p.scheduling());
        if (candidates.isEmpty()) {
            diagnostics.warning(DiagnosticCode.NETC075, constraintPos(p.meta(), "spec."), "no node can run pod "
                    + p.meta().qualifiedName() + " (" + misfits(cluster, p.scheduling()) + "): it stays Pending,"
                    + " with no IP and no endpoints");
            return p;
        }
        return p.withPlacement(candidates.get(StableHash.of(p.meta().id(), candidates.size())).name(), List.of());
    }

    /**
     * Whether a live pod is one of the workload's own, so that the workload's replicas are not modelled again:
     * an ownerReference naming it (or, for a Deployment, one of its ReplicaSets), or the labels its controller
     * puts on its pods (a matching pod-template-hash, controller-revision-hash or job name). A pod whose labels
     * merely match the selector (a Helm test hook, a debugging pod) is not.
     */
    static boolean isPodOf(Pod p, Workload w) {
        if (p.owner().isPresent() || !p.meta().namespace().equals(w.meta().namespace())
                || !w.selector().matches(p.labels())) return false;
        String name = w.meta().name();
        String kind = w.workloadKind().name();
        if (!p.ownerRefs().isEmpty()) {
            return p.ownerRefs().stream().anyMatch(r -> r.equals(kind + "/" + name)
                    || (w.workloadKind() == Workload.Kind.Deployment && r.startsWith("ReplicaSet/" + name + "-"))
                    || (w.workloadKind() == Workload.Kind.CronJob && r.startsWith("Job/" + name + "-")));
        }
        String pod = p.meta().name();
        String templateHash = p.labels().getOrDefault("pod-template-hash", "");
        String revision = p.labels().getOrDefault("controller-revision-hash", "");
        return switch (w.workloadKind()) {
            case Deployment -> !templateHash.isEmpty() && pod.startsWith(name + "-" + templateHash + "-");
            case ReplicaSet -> !templateHash.isEmpty() && name.endsWith("-" + templateHash)
                    && pod.startsWith(name + "-");
            case StatefulSet -> revision.startsWith(name + "-") && pod.matches(java.util.regex.Pattern.quote(name)
                    + "-(0|[1-9][0-9]*)");
            case DaemonSet -> !revision.isEmpty() && pod.startsWith(name + "-");
            case Job -> name.equals(p.labels().get("batch.kubernetes.io/job-name"))
                    || name.equals(p.labels().get("job-name"));
            case CronJob -> p.labels().getOrDefault("batch.kubernetes.io/job-name",
                    p.labels().getOrDefault("job-name", "")).startsWith(name + "-");
            case ReplicationController -> false; // its pods carry no controller label: ownerReferences only
        };
    }

    /** Where the pod spec's first placement constraint was written (the object when none was recorded). */
    private static dev.netc.ir.SourcePos constraintPos(ObjectMeta meta, String prefix) {
        for (String f : List.of("nodeName", "nodeSelector", "affinity", "tolerations")) {
            dev.netc.ir.SourcePos at = meta.at(prefix + f);
            if (!at.equals(meta.pos())) return at;
        }
        return meta.pos();
    }

    /** The nodes a pod so constrained can run on, in node order. */
    private static List<Node> fitting(Cluster cluster, Scheduling s) {
        return cluster.nodes().stream().filter(n -> s.misfit(n).isEmpty()).toList();
    }

    /** Why no node fits, node by node (the first few). */
    private static String misfits(Cluster cluster, Scheduling s) {
        List<String> why = cluster.nodes().stream().limit(3)
                .map(n -> "node " + n.name() + ": " + s.misfit(n).orElse("fits")).toList();
        int more = cluster.nodes().size() - why.size();
        return String.join("; ", why) + (more > 0 ? "; and " + more + " more" : "");
    }

    /**
     * The tolerations the DaemonSet controller adds to every pod it makes (node conditions and cordoning do not
     * keep a daemon off its node); host-network daemons also tolerate network-unavailable.
     */
    private static Scheduling daemonScheduling(Workload w) {
        Scheduling s = w.template().scheduling();
        List<Scheduling.Toleration> tols = new ArrayList<>(s.tolerations());
        for (String key : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"))
            tols.add(new Scheduling.Toleration(key, true, "", "NoExecute"));
        for (String key : List.of("node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable"))
            tols.add(new Scheduling.Toleration(key, true, "", "NoSchedule"));
        if (w.template().hostNetwork())
            tols.add(new Scheduling.Toleration("node.kubernetes.io/network-unavailable", true, "", "NoSchedule"));
        return new Scheduling(s.nodeName(), s.nodeSelector(), s.requiredTerms(), s.hasRequiredAffinity(), tols);
    }

    private List<Pod> replicas(Cluster cluster, Workload w, Diagnostics diagnostics) {
        List<Node> candidates = fitting(cluster, w.workloadKind() == Workload.Kind.DaemonSet ? daemonScheduling(w)
                : w.template().scheduling());
        if (candidates.isEmpty()) {
            if (w.replicas() > 0 || w.workloadKind() == Workload.Kind.DaemonSet)
                diagnostics.warning(DiagnosticCode.NETC075, constraintPos(w.meta(), "spec.template.spec."), "no node can run the pods of "
                        + w.workloadKind() + " " + w.meta().qualifiedName() + " ("
                        + misfits(cluster, w.template().scheduling()) + "): "
                        + (w.workloadKind() == Workload.Kind.DaemonSet ? "it runs no pod"
                        : "they stay Pending, with no IP and no endpoints"));
            return List.of();
        }
        String owner = w.workloadKind() + "/" + w.meta().name();
        List<Pod> out = new ArrayList<>();
        if (w.workloadKind() == Workload.Kind.DaemonSet) {
            for (Node n : candidates) out.add(replica(w, owner, w.meta().name() + "-" + n.name(), n.name()));
            return out;
        }
        int start = StableHash.of(w.meta().id(), candidates.size());
        for (int i = 0; i < w.replicas(); i++) {
            String node = candidates.get((start + i) % candidates.size()).name();
            out.add(replica(w, owner, w.meta().name() + "-" + i, node));
        }
        return out;
    }

    private static Pod replica(Workload w, String owner, String name, String node) {
        ObjectMeta meta = new ObjectMeta("Pod", w.meta().namespace(), name, w.template().labels(), Map.of(),
                w.meta().pos(), w.meta().fields());
        return new Pod(meta, node, List.of(), w.template().ports(), true, false, w.template().hostNetwork(),
                Optional.of(owner));
    }

    /**
     * The pod's addresses, one per family its node has a pod CIDR of; none when one of them is full (the CNI
     * fails the whole pod). A full range is remembered, so later pods do not search it again.
     */
    private List<IpAddress> podIps(Pod p, Node node, Set<IpAddress> taken, Map<String, OutOfAddresses> outOfAddresses) {
        List<IpAddress> ips = new ArrayList<>();
        for (Family f : Family.values()) {
            Optional<Cidr> range = node.podCIDRs().stream().filter(c -> c.family() == f).findFirst();
            if (range.isEmpty()) continue;
            String key = node.name() + " " + range.get();
            OutOfAddresses full = outOfAddresses.get(key);
            // Offsets 0 (network) and 1 (the node's own gateway address) and the last one are never handed out.
            Optional<IpAddress> ip = full != null ? Optional.empty()
                    : pick(range.get(), BigInteger.TWO, reservedTail(range.get()), p.meta().id(), taken);
            if (ip.isEmpty()) {
                outOfAddresses.computeIfAbsent(key, k -> new OutOfAddresses(range.get(), node.name(), p.meta().pos(),
                        new ArrayList<>())).pods().add(p.meta().qualifiedName());
                ips.forEach(taken::remove);
                return List.of();
            }
            taken.add(ip.get());
            ips.add(ip.get());
        }
        return ips;
    }

    // ---- services ------------------------------------------------------------------------------------------

    private List<Service> allocateServices(Cluster cluster, Diagnostics diagnostics) {
        Set<IpAddress> takenIps = new HashSet<>();
        Set<Integer> takenPorts = new HashSet<>();
        for (Service s : cluster.services()) {
            takenIps.addAll(s.clusterIPs());
            s.ports().forEach(p -> { if (p.nodePort() != 0) takenPorts.add(p.nodePort()); });
        }
        List<Service> out = new ArrayList<>();
        for (Service s : cluster.services()) {
            Service r = s;
            if (needsClusterIP(s)) r = r.withClusterIPs(clusterIPs(cluster, s, takenIps, diagnostics));
            if (s.wantsNodePorts()) r = r.withPorts(nodePorts(s, takenPorts, diagnostics));
            out.add(r);
        }
        return out;
    }

    private static boolean needsClusterIP(Service s) {
        return s.clusterIPs().isEmpty() && !s.headless() && s.type() != Service.Type.ExternalName;
    }

    private List<IpAddress> clusterIPs(Cluster cluster, Service s, Set<IpAddress> taken, Diagnostics diagnostics) {
        List<Family> families = new ArrayList<>(s.ipFamilies());
        if (families.isEmpty()) {
            families.add(cluster.profile().primaryFamily());
            if (s.ipFamilyPolicy() != Service.IpFamilyPolicy.SingleStack) {
                cluster.profile().serviceCIDRs().stream().map(Cidr::family).filter(f -> !families.contains(f))
                        .forEach(families::add);
            }
        }
        List<IpAddress> ips = new ArrayList<>();
        for (Family f : families) {
            Optional<Cidr> range = cluster.profile().serviceCIDRs().stream().filter(c -> c.family() == f).findFirst();
            if (range.isEmpty()) {
                if (s.ipFamilyPolicy() == Service.IpFamilyPolicy.RequireDualStack || s.ipFamilies().contains(f)) {
                    diagnostics.error(DiagnosticCode.NETC041, s.meta().at("spec.ipFamilies"),
                            "the cluster has no " + f.apiName() + " service CIDR for Service " + s.meta().qualifiedName());
                }
                continue;
            }
            // Offsets 0 (network) and 1 (by convention the API server's own Service) are not handed out.
            Optional<IpAddress> ip = pick(range.get(), BigInteger.TWO, reservedTail(range.get()), s.meta().id(), taken);
            if (ip.isEmpty()) {
                diagnostics.error(DiagnosticCode.NETC028, s.meta().pos(),
                        "service CIDR " + range.get() + " has no free address for Service " + s.meta().qualifiedName());
                continue;
            }
            taken.add(ip.get());
            ips.add(ip.get());
        }
        return ips;
    }

    private List<ServicePort> nodePorts(Service s, Set<Integer> taken, Diagnostics diagnostics) {
        int range = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        List<ServicePort> out = new ArrayList<>();
        for (ServicePort p : s.ports()) {
            if (p.nodePort() != 0) {
                out.add(p);
                continue;
            }
            String key = s.meta().id() + ":" + p.port() + "/" + p.protocol();
            int start = StableHash.of(key, range);
            int chosen = 0;
            for (int i = 0; i < range && chosen == 0; i++) {
                int cand = NODE_PORT_MIN + (start + i) % range;
                if (!taken.contains(cand)) chosen = cand;
            }
            if (chosen == 0) {
                diagnostics.error(DiagnosticCode.NETC028, p.pos(), "no free node port left in "
                        + NODE_PORT_MIN + "-" + NODE_PORT_MAX + " for Service " + s.meta().qualifiedName());
                out.add(p);
                continue;
            }
            taken.add(chosen);
            out.add(p.withNodePort(chosen));
        }
        return out;
    }

    // ---- shared --------------------------------------------------------------------------------------------

    /** IPv4 ranges keep their broadcast address out; IPv6 has none. */
    private static BigInteger reservedTail(Cidr range) {
        return range.family() == Family.IPV4 ? BigInteger.ONE : BigInteger.ZERO;
    }

    /**
     * The first free address at or after the identity's hash position, wrapping around, among offsets
     * {@code [head, size - tail)}. Probing stops after one more address than are taken, so a range of any size
     * never loops for long, and a full one is reported after as many probes as it has addresses.
     */
    private static Optional<IpAddress> pick(Cidr range, BigInteger head, BigInteger tail, String identity,
                                            Set<IpAddress> taken) {
        BigInteger usable = range.size().subtract(head).subtract(tail);
        if (usable.signum() <= 0) return Optional.empty();
        BigInteger start = StableHash.of(identity, usable);
        // Among taken.size() + 1 distinct addresses one is free: the probe count is bounded by the input's size.
        BigInteger limit = usable.min(BigInteger.valueOf(taken.size() + 1L));
        for (BigInteger i = BigInteger.ZERO; i.compareTo(limit) < 0; i = i.add(BigInteger.ONE)) {
            IpAddress cand = range.addressAt(head.add(start.add(i).mod(usable)));
            if (!taken.contains(cand)) return Optional.of(cand);
        }
        return Optional.empty();
    }

}
