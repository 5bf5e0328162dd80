package dev.netc.backends.diff;

import dev.netc.backends.diff.TrafficRow.Delivery;
import dev.netc.backends.diff.TrafficRow.Fate;
import dev.netc.backends.policy.PolicyChains;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.ServicePortPlan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One side of a traffic diff: a plan read as the kernel runs it. Pods by address with their enforcement programs
 * ({@link PolicyChains#program}, the very steps both policy renderers print), node hosts by address, and the Service
 * frontends every node translates; {@link #direct} and {@link #throughFrontend} give a connection's fate.
 *
 * <p>What the rulesets do, and so what this reads: NetworkPolicy is enforced on the forward hook, so a pod's own
 * node reaches it (and it reaches its node) without any check, a pod reaches itself, egress is judged on the
 * sender's node after the Service's DNAT there, ingress on the receiver's node, after a masquerade by another node.
 */
final class TrafficSide {
    /** A pod at an address (host-network pods are their node). */
    record PodAt(String name, String node, Optional<String> owner, PodPolicy policy) {
    }

    /** A connection's verdict in one direction, with the rules that decided it. */
    record Verdict(boolean allowed, List<Origin> why) {
        static final Verdict ALLOW = new Verdict(true, List.of());
    }

    /** A frontend translated on {@code node} (node ports, external and load-balancer IPs), or on every node (cluster IPs). */
    record Frontend(String kind, IpAddress address, Protocol protocol, int port, String node) implements Comparable<Frontend> {
        @Override
        public int compareTo(Frontend o) {
            int c = kind.compareTo(o.kind);
            if (c != 0) return c;
            c = address.compareTo(o.address);
            if (c != 0) return c;
            c = protocol.compareTo(o.protocol);
            if (c != 0) return c;
            c = Integer.compare(port, o.port);
            return c != 0 ? c : node.compareTo(o.node);
        }
    }

    final NetworkPlan plan;
    final TreeMap<IpAddress, PodAt> pods = new TreeMap<>();
    final TreeMap<IpAddress, String> nodeAt = new TreeMap<>();
    final Map<String, NodePlan> nodes = new HashMap<>();
    /** Each frontend's Service port index in {@link NetworkPlan#services()}. */
    final TreeMap<Frontend, Integer> frontends = new TreeMap<>();
    private final Map<String, Ranges> sets = new HashMap<>();
    private final Map<String, Origin> policyOrigin = new HashMap<>();
    private final Map<String, Map<Integer, LocalEndpoints>> local = new HashMap<>();
    /** Each Service port's nodes that have Local endpoints of it ({@link #local} the other way round). */
    private final Map<Integer, Set<String>> localNodes = new HashMap<>();
    /** A pod's program in one direction with where each step was written ({@link PolicyChains#origins}), made once. */
    private static final class Compiled {
        final Shape shape;
        /** Each step's address set, resolved once (null: the step has none; {@link #NO_SET}: a name no set has). */
        private final Ranges[] adminSets;
        private final Ranges[] restSets;
        /** The last peer judged and which steps' sets hold it: the port loops judge one peer on many ports in a row. */
        private IpAddress peer;
        private boolean[] adminIn;
        private boolean[] restIn;

        Compiled(Shape shape, Map<String, Ranges> sets) {
            this.shape = shape;
            this.adminSets = resolve(shape.program().admin(), sets);
            this.restSets = resolve(shape.program().rest(), sets);
        }

        private static Ranges[] resolve(List<PolicyChains.Step> steps, Map<String, Ranges> sets) {
            Ranges[] out = new Ranges[steps.size()];
            for (int i = 0; i < out.length; i++) {
                Optional<String> name = steps.get(i).set();
                if (name.isPresent()) out[i] = sets.getOrDefault(name.get(), NO_SET);
            }
            return out;
        }

        /** Readies {@link #adminIn} and {@link #restIn} for {@code p}. */
        void at(IpAddress p) {
            if (p.equals(peer)) return;
            adminIn = holding(adminSets, p);
            restIn = holding(restSets, p);
            peer = p;
        }

        private static boolean[] holding(Ranges[] sets, IpAddress p) {
            boolean[] out = new boolean[sets.length];
            for (int i = 0; i < sets.length; i++) out[i] = sets[i] == null || sets[i].contains(p);
            return out;
        }
    }

    /** What a step names when no policy set has its name: it holds no address. */
    private static final Ranges NO_SET = new Ranges(List.of());

    private final Map<PodPolicy, Compiled[]> programs = new IdentityHashMap<>();

    /** A program with its steps' origins: what pods policed alike (a workload's replicas) share. */
    private record Shape(PolicyChains.Program program, List<List<Origin>> admin, List<List<Origin>> rest) {
    }

    /**
     * Each program once, however many pods run it: at a thousand nodes a hundred thousand pods run some hundred
     * programs, and their steps, held once a pod, were a quarter of the diff's heap.
     */
    private final Map<Shape, Compiled> shared = new HashMap<>();

    TrafficSide(NetworkPlan plan) {
        this.plan = plan;
        for (Node n : plan.cluster().nodes()) for (IpAddress a : n.addresses()) nodeAt.putIfAbsent(a, n.name());
        Map<String, PodPolicy> policies = new HashMap<>();
        for (NodePlan n : plan.nodes()) {
            nodes.put(n.name(), n);
            Map<Integer, LocalEndpoints> own = new HashMap<>();
            for (LocalEndpoints l : n.local()) {
                own.put(l.service(), l);
                localNodes.computeIfAbsent(l.service(), k -> new java.util.TreeSet<>()).add(n.name());
            }
            local.put(n.name(), own);
            for (PodPolicy p : n.policy().pods()) policies.put(p.qualifiedName(), p);
            for (AddressSet s : n.policy().addressSets()) sets.computeIfAbsent(s.name(), k -> new Ranges(s.cidrs()));
        }
        for (Pod p : plan.cluster().pods()) {
            if (p.hostNetwork()) continue;
            PodAt at = new PodAt(p.meta().qualifiedName(), p.nodeName(), p.owner(), policies.get(p.meta().qualifiedName()));
            for (IpAddress a : p.ips()) pods.putIfAbsent(a, at);
        }
        for (NetworkPolicy np : plan.cluster().networkPolicies()) {
            policyOrigin.put(np.meta().qualifiedName(), Origin.at(np.meta().id(), "", np.meta().pos()));
        }
        List<ServicePortPlan> services = plan.services();
        for (int i = 0; i < services.size(); i++) {
            ServicePortPlan s = services.get(i);
            if (s.clusterIP().isEmpty()) continue;
            frontends.put(new Frontend(TrafficRow.SERVICE, s.clusterIP().get(), s.protocol(), s.port(), ""), i);
            for (NodePlan n : plan.nodes()) {
                for (IpAddress a : s.externalIPs()) frontends.putIfAbsent(new Frontend(TrafficRow.EXTERNAL, a, s.protocol(), s.port(), n.name()), i);
                for (IpAddress a : s.loadBalancerIPs()) frontends.putIfAbsent(new Frontend(TrafficRow.EXTERNAL, a, s.protocol(), s.port(), n.name()), i);
                if (s.nodePort() == 0 || n.nodePortsClosed().contains(s.family())) continue;
                List<IpAddress> addrs = n.nodePortAddresses(s.family());
                if (addrs.isEmpty()) addrs = n.node().addresses().stream().filter(a -> a.family() == s.family()).toList();
                for (IpAddress a : addrs) frontends.putIfAbsent(new Frontend(TrafficRow.NODE_PORT, a, s.protocol(), s.nodePort(), n.name()), i);
            }
        }
    }

    /** The nodes that have Local endpoints of the Service port of this index. */
    Set<String> localNodes(int service) {
        return localNodes.getOrDefault(service, Set.of());
    }

    /** A pod's program in one direction, or null where nothing restricts it. */
    PolicyChains.Program program(PodPolicy p, boolean ingress) {
        Compiled c = compiled(p, ingress);
        return c == null ? null : c.shape.program();
    }

    private Compiled compiled(PodPolicy p, boolean ingress) {
        if (p == null || !p.restricts(ingress)) return null;
        Compiled[] both = programs.computeIfAbsent(p, k -> new Compiled[2]);
        int d = ingress ? 1 : 0;
        if (both[d] == null) {
            Shape shape = new Shape(PolicyChains.program(p, ingress), PolicyChains.origins(p, ingress, true), PolicyChains.origins(p, ingress, false));
            both[d] = shared.computeIfAbsent(shape, k -> new Compiled(shape, sets));
        }
        return both[d];
    }

    /** The addresses of a family where a pod's program in one direction may change its verdict (cut points). */
    void addressCuts(PodPolicy p, boolean ingress, Family f, TreeSet<BigInteger> into) {
        PolicyChains.Program prog = program(p, ingress);
        if (prog == null) return;
        for (List<PolicyChains.Step> steps : List.of(prog.admin(), prog.rest())) {
            for (PolicyChains.Step s : steps) {
                if (s.set().isEmpty()) continue;
                Ranges r = sets.get(s.set().get());
                if (r != null) r.cuts(f, into);
            }
        }
    }

    /** The ports of a protocol where a pod's program in one direction may change its verdict (cut points). */
    void portCuts(PodPolicy p, boolean ingress, Protocol proto, TreeSet<Integer> into) {
        PolicyChains.Program prog = program(p, ingress);
        if (prog == null) return;
        for (List<PolicyChains.Step> steps : List.of(prog.admin(), prog.rest())) {
            for (PolicyChains.Step s : steps) {
                for (PortRange r : s.ports()) {
                    if (r.protocol() != proto) continue;
                    into.add(r.first());
                    if (r.last() < 65535) into.add(r.last() + 1);
                }
            }
        }
    }

    /** The verdict of a pod's program in one direction for {@code peer} on {@code proto/port}. */
    Verdict judge(PodPolicy p, boolean ingress, IpAddress peer, Protocol proto, int port) {
        Compiled c = compiled(p, ingress);
        if (c == null) return Verdict.ALLOW;
        PolicyChains.Program prog = c.shape.program();
        c.at(peer);
        for (int i = 0; i < prog.admin().size(); i++) {
            PolicyChains.Step s = prog.admin().get(i);
            if (!c.adminIn[i] || !onPort(s, proto, port)) continue;
            if (s.verdict() == PolicyChains.Verdict.TO_NETWORK_POLICY) break;
            return new Verdict(s.verdict() == PolicyChains.Verdict.RETURN, c.shape.admin().get(i));
        }
        for (int i = 0; i < prog.rest().size(); i++) {
            PolicyChains.Step s = prog.rest().get(i);
            if (!c.restIn[i] || !onPort(s, proto, port)) continue;
            boolean allowed = s.verdict() == PolicyChains.Verdict.RETURN;
            List<Origin> why = c.shape.rest().get(i);
            if (!allowed && why.isEmpty()) why = isolating(p, ingress);
            return new Verdict(allowed, why);
        }
        return Verdict.ALLOW;
    }

    private List<Origin> isolating(PodPolicy p, boolean ingress) {
        List<Origin> out = new ArrayList<>();
        for (String n : p.isolatedBy(ingress)) {
            Origin o = policyOrigin.get(n);
            if (o != null) out.add(o);
        }
        return out;
    }

    private static boolean onPort(PolicyChains.Step s, Protocol proto, int port) {
        if (s.ports().isEmpty()) return true;
        for (PortRange r : s.ports()) if (r.contains(proto, port)) return true;
        return false;
    }

    /** Whether {@code a} is an address of node {@code node}. */
    boolean isNode(IpAddress a, String node) {
        return node.equals(nodeAt.get(a));
    }

    /**
     * A connection from {@code src} to {@code dst} that no Service translates: delivered when the sender's egress and
     * the receiver's ingress allow it (an address no pod holds: the sender's egress alone).
     */
    Judged direct(IpAddress src, IpAddress dst, Protocol proto, int port) {
        PodAt to = pods.get(dst);
        PodAt from = pods.get(src);
        if (src.equals(dst)) return new Judged(Fate.ALLOWED, List.of());
        Verdict eg = Verdict.ALLOW;
        if (from != null && !isNode(dst, from.node())) eg = judge(from.policy(), false, dst, proto, port);
        Verdict in = Verdict.ALLOW;
        if (to != null && !isNode(src, to.node())) in = judge(to.policy(), true, src, proto, port);
        return combine(eg, in);
    }

    private static Judged combine(Verdict eg, Verdict in) {
        if (!eg.allowed()) return new Judged(Fate.DENIED, eg.why());
        if (!in.allowed()) return new Judged(Fate.DENIED, in.why());
        List<Origin> why = new ArrayList<>(eg.why());
        why.addAll(in.why());
        return new Judged(Fate.ALLOWED, why);
    }

    /** A fate with the rules and Service ports that decided it. */
    record Judged(Fate fate, List<Origin> why) {
        /** No such connection on this side. */
        static final Judged NONE = new Judged(Fate.NONE, List.of());
    }

    /** The Service port of a frontend as node {@code node} sees it. */
    ServicePortPlan seenBy(int service, String node) {
        NodePlan n = nodes.get(node);
        return NetworkPlan.seenBy(plan.services().get(service), n, local.get(node).get(service));
    }

    /**
     * A connection from {@code src} to a frontend, translated on {@code dnatNode}: the endpoints it may be delivered to
     * (each judged by the sender's egress, toward the endpoint when the sender's node translates, toward the frontend
     * otherwise, and the endpoint's ingress, from the translating node when it masquerades to another node), or
     * rejected when the Service port has no endpoint, dropped when a Local policy finds none on the node. {@code s} is
     * the frontend's Service port as {@code dnatNode} sees it ({@link #seenBy}), made once for all the sources.
     */
    Judged throughFrontend(Frontend f, ServicePortPlan s, String dnatNode, IpAddress src) {
        Protocol proto = f.protocol();
        NodePlan dnat = nodes.get(dnatNode);
        List<Cidr> podRanges = dnat.clusterCIDRs(src.family());
        List<Origin> why = new ArrayList<>();
        s.origin().ifPresent(why::add);
        if (!s.hasEndpoints()) return new Judged(Fate.REJECTED, why);
        boolean external = !f.kind().equals(TrafficRow.SERVICE);
        PodAt from = pods.get(src);
        boolean fromNode = isNode(src, dnatNode);
        boolean podSource = podRanges.stream().anyMatch(c -> c.contains(src));
        List<PlanEndpoint> eps;
        boolean masquerade;
        if (!external) {
            eps = s.internalEndpoints();
            masquerade = false;
        } else if (!s.externalLocal()) {
            eps = s.clusterEndpoints();
            masquerade = true;
        } else if (podSource || fromNode) {
            eps = s.clusterEndpoints();
            masquerade = fromNode;
        } else {
            eps = s.localEndpoints();
            masquerade = false;
        }
        if (!external && !podRanges.isEmpty() && !podSource) masquerade = true;
        if (dnat.masqueradeAll()) masquerade = true;
        if (eps.isEmpty()) return new Judged(Fate.DROPPED, why);
        if (f.kind().equals(TrafficRow.EXTERNAL) && s.loadBalancerIPs().contains(f.address()) && !s.loadBalancerSourceRanges().isEmpty()
                && s.loadBalancerSourceRanges().stream().noneMatch(c -> c.contains(src)) && !fromNode) {
            return new Judged(Fate.DROPPED, why);
        }
        boolean dnatOnSender = from != null && from.node().equals(dnatNode) || fromNode;
        List<Delivery> to = new ArrayList<>();
        boolean broken = false;
        boolean anyDenied = false;
        List<Origin> denied = new ArrayList<>();
        List<Origin> allowed = new ArrayList<>();
        Optional<IpAddress> nodeIp = dnat.node().addresses().stream().filter(a -> a.family() == src.family()).findFirst();
        for (PlanEndpoint e : eps) {
            // the source address is rewritten for a masqueraded path and for a pod reaching itself (hairpin); the
            // endpoint's policy sees the node's address only when the endpoint runs elsewhere (the rewrite is last)
            boolean snat = masquerade || src.equals(e.ip());
            boolean masq = snat && !e.nodeName().equals(dnatNode) && nodeIp.isPresent();
            // translated on another node than the sender's, not masqueraded, to an endpoint elsewhere: the answer goes
            // from the endpoint's node straight to the sender, past the node that could undo the translation
            if (!snat && !dnatOnSender && !e.nodeName().equals(dnatNode)) {
                broken = true;
                continue;
            }
            // back to itself, not masqueraded: the forward hook sees the pod's own address pair, always let through
            boolean self = src.equals(e.ip()) && !masq;
            Verdict eg = Verdict.ALLOW;
            if (from != null && !(self && dnatOnSender)) {
                IpAddress egDst = dnatOnSender ? e.ip() : f.address();
                int egPort = dnatOnSender ? e.port() : f.port();
                if (!isNode(egDst, from.node())) eg = judge(from.policy(), false, egDst, proto, egPort);
            }
            IpAddress seen = masq ? nodeIp.get() : src;
            PodAt at = pods.get(e.ip());
            Verdict in = Verdict.ALLOW;
            if (at != null && !self && !isNode(seen, at.node())) in = judge(at.policy(), true, seen, proto, e.port());
            if (eg.allowed() && in.allowed()) {
                // a node's own connection rewritten to the node's address is not seen as rewritten
                to.add(new Delivery(e.hostPort(), at == null ? "" : at.name(), snat && !nodeIp.equals(Optional.of(src))));
                allowed.addAll(eg.why());
                allowed.addAll(in.why());
            } else {
                anyDenied = true;
                denied.addAll(eg.allowed() ? in.why() : eg.why());
            }
        }
        why.addAll(to.isEmpty() ? denied : allowed);
        if (to.isEmpty() && broken && !anyDenied) return new Judged(Fate.DROPPED, why);
        return new Judged(Fate.delivered(to), why);
    }

    /** A policy set's prefixes as sorted, merged intervals per family. */
    static final class Ranges {
        private final Map<Family, BigInteger[][]> byFamily = new HashMap<>();

        Ranges(List<Cidr> cidrs) {
            for (Family f : Family.values()) {
                List<BigInteger[]> r = new ArrayList<>();
                for (Cidr c : cidrs) if (c.family() == f) r.add(new BigInteger[] {c.network().bits(), c.last().bits()});
                byFamily.put(f, merged(r).toArray(BigInteger[][]::new));
            }
        }

        /** Intervals {@code [first, last]} sorted and joined where they touch or overlap (new arrays; the input is sorted in place). */
        static List<BigInteger[]> merged(List<BigInteger[]> intervals) {
            intervals.sort((a, b) -> a[0].compareTo(b[0]));
            List<BigInteger[]> out = new ArrayList<>();
            for (BigInteger[] x : intervals) {
                BigInteger[] last = out.isEmpty() ? null : out.get(out.size() - 1);
                if (last != null && x[0].compareTo(last[1].add(BigInteger.ONE)) <= 0) {
                    if (x[1].compareTo(last[1]) > 0) last[1] = x[1];
                } else {
                    out.add(new BigInteger[] {x[0], x[1]});
                }
            }
            return out;
        }

        boolean contains(IpAddress a) {
            BigInteger[][] r = byFamily.get(a.family());
            BigInteger v = a.bits();
            int lo = 0;
            int hi = r.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (r[mid][1].compareTo(v) < 0) lo = mid + 1;
                else if (r[mid][0].compareTo(v) > 0) hi = mid - 1;
                else return true;
            }
            return false;
        }

        void cuts(Family f, TreeSet<BigInteger> into) {
            BigInteger max = TrafficDiff.max(f);
            for (BigInteger[] x : byFamily.get(f)) {
                into.add(x[0]);
                if (x[1].compareTo(max) < 0) into.add(x[1].add(BigInteger.ONE));
            }
        }

        @Override
        public String toString() {
            return Arrays.deepToString(byFamily.values().toArray());
        }
    }
}
