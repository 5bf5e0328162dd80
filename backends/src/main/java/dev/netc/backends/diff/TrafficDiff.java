package dev.netc.backends.diff;

import dev.netc.backends.diff.TrafficRow.Fate;
import dev.netc.backends.diff.TrafficRow.Peer;
import dev.netc.backends.diff.TrafficRow.Ports;
import dev.netc.backends.diff.TrafficSide.Frontend;
import dev.netc.backends.diff.TrafficSide.Judged;
import dev.netc.backends.diff.TrafficSide.PodAt;
import dev.netc.backends.policy.PolicyChains;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What traffic can do differently between two plans, exactly: the complete set of connections (source address,
 * destination address or Service frontend, protocol, destination port) whose fate differs, as disjoint rows.
 *
 * <p>An exact decomposition, not a BDD: every verdict a plan holds is a first-match walk over interval sets of
 * addresses and ports ({@link PolicyChains#program}), so cutting the address line at every boundary of every set the
 * two sides' programs use, and the port line at every boundary of their port ranges, gives intervals on which each
 * program's verdict is constant; one evaluation per interval is the verdict of all of it. Pods, nodes and the pods
 * whose own egress decides are points of their own. Work is done only where a side differs: the receivers whose
 * ingress program changed (from every source), the senders whose egress program changed (to every destination not
 * already covered), and the frontends whose Service port, endpoints or endpoints' policy changed. A BDD would give the
 * same sets, but its rows would need the same decomposition back into address intervals to be read.
 *
 * <p>Rows are merged from the cells: sources of one destination, port and fate pair first, then ports, then
 * destinations with the same sources, so the rows stay disjoint.
 */
public final class TrafficDiff {
    private static final BigInteger MAX4 = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
    private static final BigInteger MAX6 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final int POD = 0;
    private static final int NODE = 1;
    private static final int RANGE = 2;
    private static final int FRONTEND = 3;

    /** A source or destination of a cell: a pod, a node address, a range of addresses (less {@code except}), or a frontend. */
    private record Part(int type, Family family, BigInteger lo, BigInteger hi, Set<BigInteger> except, String service) {
        static Part point(int type, IpAddress a) {
            return new Part(type, a.family(), a.bits(), a.bits(), Set.of(), "");
        }
    }

    private record Cell(String kind, String node, Part from, Part to, Protocol proto, int plo, int phi, Fate before, Fate after,
                        List<Origin> ob, List<Origin> oa) {
    }

    private final TrafficSide a;
    private final TrafficSide b;
    private final List<Cell> cells = new ArrayList<>();
    /** Per family, the addresses that are points of their own on either side: pods, then nodes. */
    private final Map<Family, TreeMap<BigInteger, Integer>> points = new TreeMap<>();
    /** Pods (by address) whose own egress program is in force on either side. */
    private final Map<Family, TreeMap<BigInteger, Boolean>> egressRestricted = new TreeMap<>();
    private final Set<IpAddress> ingressChanged = new TreeSet<>();
    private final Set<IpAddress> egressChanged = new TreeSet<>();
    /** The nodes of the senders whose egress changed: where the pods are on either side, and nodes by their addresses. */
    private final Set<String> egressNodes = new TreeSet<>();
    /** The families of the senders whose egress changed. */
    private final Set<Family> egressFamilies = java.util.EnumSet.noneOf(Family.class);
    /** The nodes of either side. */
    private final TreeSet<String> nodes = new TreeSet<>();
    /**
     * The nodes that translate otherwise, whatever the Service: on one side only, or with other addresses, pod ranges,
     * node port addresses, closed node ports or masquerading of all.
     */
    private final Set<String> nodesChanged = new TreeSet<>();
    private final Map<Long, Boolean> sameServices = new java.util.HashMap<>();
    /** Per node and family, the points located there on either side (a pod there, or an address of the node that is no pod). */
    private final Map<String, Map<Family, NavigableMap<BigInteger, Integer>>> located = new TreeMap<>();
    /** Per cluster IP frontend, the nodes it was judged on from outside the cluster ({@link #oneForAllNodes}). */
    private final Map<Part, Set<String>> outsideWalked = new java.util.HashMap<>();
    /** {@link #cuts} by family, both sides' reachable endpoints and source ranges, pod ranges and whether for a cluster IP. */
    private final Map<List<Object>, TreeSet<BigInteger>> frontendCuts = new java.util.HashMap<>();

    private TrafficDiff(NetworkPlan before, NetworkPlan after) {
        a = new TrafficSide(before);
        b = new TrafficSide(after);
        for (Family f : Family.values()) {
            points.put(f, new TreeMap<>());
            egressRestricted.put(f, new TreeMap<>());
        }
        for (TrafficSide s : List.of(a, b)) {
            s.pods.forEach((ip, p) -> {
                points.get(ip.family()).put(ip.bits(), POD);
                if (s.program(p.policy(), false) != null) egressRestricted.get(ip.family()).put(ip.bits(), true);
            });
            s.nodeAt.forEach((ip, n) -> points.get(ip.family()).putIfAbsent(ip.bits(), NODE));
        }
        TreeSet<IpAddress> podIps = new TreeSet<>(a.pods.keySet());
        podIps.addAll(b.pods.keySet());
        for (IpAddress ip : podIps) {
            if (!sameDirection(ip, true)) ingressChanged.add(ip);
            if (!sameDirection(ip, false)) egressChanged.add(ip);
        }
        for (TrafficSide s : List.of(a, b)) {
            s.pods.forEach((ip, p) -> at(p.node(), ip));
            s.nodeAt.forEach((ip, n) -> {
                if (!s.pods.containsKey(ip)) at(n, ip);
            });
            for (IpAddress src : egressChanged) {
                egressFamilies.add(src.family());
                PodAt p = s.pods.get(src);
                if (p != null) egressNodes.add(p.node());
                else if (s.nodeAt.containsKey(src)) egressNodes.add(s.nodeAt.get(src));
            }
        }
        nodes.addAll(a.nodes.keySet());
        nodes.addAll(b.nodes.keySet());
        for (String n : nodes) {
            dev.netc.ir.plan.NodePlan x = a.nodes.get(n);
            dev.netc.ir.plan.NodePlan y = b.nodes.get(n);
            if (x == null || y == null || !x.node().addresses().equals(y.node().addresses()) || !x.clusterCIDRs().equals(y.clusterCIDRs())
                    || x.masqueradeAll() != y.masqueradeAll() || !x.nodePortAddresses().equals(y.nodePortAddresses())
                    || !x.nodePortsClosed().equals(y.nodePortsClosed())) {
                nodesChanged.add(n);
            }
        }
    }

    private void at(String node, IpAddress ip) {
        located.computeIfAbsent(node, k -> new TreeMap<>()).computeIfAbsent(ip.family(), k -> new TreeMap<>()).putIfAbsent(ip.bits(), points.get(ip.family()).get(ip.bits()));
    }

    /** The rows of traffic whose fate differs from {@code before} to {@code after}, sorted. */
    public static List<TrafficRow> of(NetworkPlan before, NetworkPlan after) {
        TrafficDiff d = new TrafficDiff(before, after);
        for (IpAddress dst : d.ingressChanged) d.toPod(dst);
        for (IpAddress src : d.egressChanged) d.fromPod(src);
        d.frontends();
        d.oneForAllNodes();
        return d.rows();
    }

    static BigInteger max(Family f) {
        return f == Family.IPV4 ? MAX4 : MAX6;
    }

    private boolean sameDirection(IpAddress ip, boolean ingress) {
        PodAt x = a.pods.get(ip);
        PodAt y = b.pods.get(ip);
        if (x == null || y == null) return x == y;
        return x.name().equals(y.name()) && x.node().equals(y.node())
                && Objects.equals(a.program(x.policy(), ingress), b.program(y.policy(), ingress));
    }

    private static PodAt pod(TrafficSide s, IpAddress ip) {
        return s.pods.get(ip);
    }

    // ---------------------------------------------------------------- to a pod whose ingress changed, from anywhere

    private void toPod(IpAddress dst) {
        Family f = dst.family();
        PodAt pa = pod(a, dst);
        PodAt pb = pod(b, dst);
        TreeSet<BigInteger> cuts = addressCuts(pa, pb, true, f);
        Part to = Part.point(POD, dst);
        for (Protocol proto : Protocol.values()) {
            TreeSet<Integer> ports = portCuts(pa, pb, true, proto, 1);
            forIntervals(cuts, max(f), (lo, hi) -> forPorts(ports, 1, 65535, (plo, phi) -> {
                IpAddress rep = IpAddress.of(f, lo);
                Judged ja = alone(a, pa, true, rep, proto, plo);
                Judged jb = alone(b, pb, true, rep, proto, plo);
                boolean differs = !ja.fate().equals(jb.fate());
                // the points judged one by one: the pod itself, its nodes, and pods whose own egress decides too
                TreeSet<BigInteger> own = new TreeSet<>();
                for (BigInteger x : points.get(f).subMap(lo, true, hi, true).keySet()) {
                    IpAddress src = IpAddress.of(f, x);
                    boolean special = x.equals(dst.bits()) || egressRestricted.get(f).containsKey(x) || (pod(a, src) == null) != (pod(b, src) == null)
                            || (pa != null && a.isNode(src, pa.node())) || (pb != null && b.isNode(src, pb.node()));
                    if (!special) continue;
                    own.add(x);
                    if (!differs && !egressChanged.contains(src)) continue;
                    judgePoint(src, dst, proto, plo, phi, pa, pb, to);
                }
                if (differs && hasOthers(f, lo, hi, own)) {
                    cells.add(new Cell(TrafficRow.POLICY, "", new Part(RANGE, f, lo, hi, own, ""), to, proto, plo, phi, ja.fate(), jb.fate(),
                            ja.why(), jb.why()));
                }
            }));
        }
    }

    /**
     * A connection judged by one pod's program alone, in one direction: to it from a source whose own egress does not
     * decide (an address outside, or a pod nothing restricts), or from it to a destination whose ingress does not
     * decide. {@code none} where the pod is not on this side.
     */
    private static Judged alone(TrafficSide s, PodAt pod, boolean ingress, IpAddress peer, Protocol proto, int port) {
        if (pod == null) return Judged.NONE;
        TrafficSide.Verdict v = s.judge(pod.policy(), ingress, peer, proto, port);
        return new Judged(v.allowed() ? Fate.ALLOWED : Fate.DENIED, v.why());
    }

    /** The address cuts of a pod's programs in one direction on both sides ({@code x} before, {@code y} after; either may be absent). */
    private TreeSet<BigInteger> addressCuts(PodAt x, PodAt y, boolean ingress, Family f) {
        TreeSet<BigInteger> cuts = new TreeSet<>(List.of(BigInteger.ZERO));
        if (x != null) a.addressCuts(x.policy(), ingress, f, cuts);
        if (y != null) b.addressCuts(y.policy(), ingress, f, cuts);
        return cuts;
    }

    /** The port cuts of a pod's programs in one direction on both sides, from {@code start}. */
    private TreeSet<Integer> portCuts(PodAt x, PodAt y, boolean ingress, Protocol proto, int start) {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(start));
        if (x != null) a.portCuts(x.policy(), ingress, proto, cuts);
        if (y != null) b.portCuts(y.policy(), ingress, proto, cuts);
        return cuts;
    }

    /** One source pod or node to a pod, over ports {@code plo..phi}, cut where the source's egress changes its verdict. */
    private void judgePoint(IpAddress src, IpAddress dst, Protocol proto, int plo, int phi, PodAt pa, PodAt pb, Part to) {
        PodAt sa = pod(a, src);
        PodAt sb = pod(b, src);
        TreeSet<Integer> ports = portCuts(sa, sb, false, proto, plo);
        int type = sa != null || sb != null ? POD : NODE;
        // a pod of one side only sends nothing on the other
        boolean noneA = pa == null || (sa == null && sb != null);
        boolean noneB = pb == null || (sb == null && sa != null);
        forPorts(ports, plo, phi, (qlo, qhi) -> {
            Judged ja = noneA ? Judged.NONE : a.direct(src, dst, proto, qlo);
            Judged jb = noneB ? Judged.NONE : b.direct(src, dst, proto, qlo);
            if (!ja.fate().equals(jb.fate())) {
                cells.add(new Cell(TrafficRow.POLICY, "", Part.point(type, src), to, proto, qlo, qhi, ja.fate(), jb.fate(), ja.why(), jb.why()));
            }
        });
    }

    // ------------------------------------------------- from a pod whose egress changed, to any address not yet covered

    private void fromPod(IpAddress src) {
        Family f = src.family();
        PodAt sa = pod(a, src);
        PodAt sb = pod(b, src);
        TreeSet<BigInteger> cuts = addressCuts(sa, sb, false, f);
        Part from = Part.point(POD, src);
        for (Protocol proto : Protocol.values()) {
            TreeSet<Integer> ports = portCuts(sa, sb, false, proto, 1);
            forIntervals(cuts, max(f), (lo, hi) -> forPorts(ports, 1, 65535, (plo, phi) -> {
                IpAddress rep = IpAddress.of(f, lo);
                Judged ja = alone(a, sa, false, rep, proto, plo);
                Judged jb = alone(b, sb, false, rep, proto, plo);
                if (ja.fate().equals(jb.fate())) return; // no destination here judges otherwise: their ingress is the same
                TreeSet<BigInteger> own = new TreeSet<>();
                for (var e : points.get(f).subMap(lo, true, hi, true).entrySet()) {
                    IpAddress dst = IpAddress.of(f, e.getKey());
                    // pods whose ingress changed have their rows from every source already; a pod reaches itself
                    if (ingressChanged.contains(dst) || dst.equals(src)) {
                        own.add(e.getKey());
                        continue;
                    }
                    boolean ownNode = (sa != null && a.isNode(dst, sa.node())) || (sb != null && b.isNode(dst, sb.node()));
                    PodAt da = pod(a, dst);
                    PodAt db = pod(b, dst);
                    boolean restricted = (da != null && a.program(da.policy(), true) != null) || (db != null && b.program(db.policy(), true) != null);
                    if (!ownNode && !restricted) continue;
                    own.add(e.getKey());
                    TreeSet<Integer> sub = portCuts(da, db, true, proto, plo);
                    Part to = Part.point(e.getValue(), dst);
                    forPorts(sub, plo, phi, (qlo, qhi) -> {
                        Judged x = sa == null ? Judged.NONE : a.direct(src, dst, proto, qlo);
                        Judged y = sb == null ? Judged.NONE : b.direct(src, dst, proto, qlo);
                        if (!x.fate().equals(y.fate())) cells.add(new Cell(TrafficRow.POLICY, "", from, to, proto, qlo, qhi, x.fate(), y.fate(), x.why(), y.why()));
                    });
                }
                if (hasOthers(f, lo, hi, own)) {
                    cells.add(new Cell(TrafficRow.POLICY, "", from, new Part(RANGE, f, lo, hi, own, ""), proto, plo, phi, ja.fate(), jb.fate(),
                            ja.why(), jb.why()));
                }
            }));
        }
    }

    // ------------------------------------------------------------------------------------------ Service frontends

    /**
     * Every frontend on every node that translates it, where something can differ: a Service port translated
     * otherwise, or whose endpoints' ingress changed, is judged on every node; one that is the same on both sides only
     * on the nodes where it can still differ ({@link #stillDiffers}): those that changed, those with Local endpoints of
     * it on either side, and those of the senders whose egress changed. A thousand nodes by ten thousand Service ports
     * are not walked one by one.
     */
    private void frontends() {
        TreeSet<Frontend> all = new TreeSet<>(a.frontends.keySet());
        all.addAll(b.frontends.keySet());
        for (Frontend fr : all) {
            Integer ia = a.frontends.get(fr);
            Integer ib = b.frontends.get(fr);
            boolean same = ia != null && ib != null && sameService(ia, ib);
            if (fr.kind().equals(TrafficRow.SERVICE)) {
                for (String m : same ? stillDiffers(ia, ib) : nodes) frontend(fr, ia, ib, m);
            } else if (!same || stillDiffers(fr, ia, ib)) {
                frontend(fr, ia, ib, fr.node());
            }
        }
    }

    /** The nodes where a Service port the same on both sides may still be translated otherwise, or reached by a sender whose egress changed. */
    private TreeSet<String> stillDiffers(int ia, int ib) {
        TreeSet<String> out = new TreeSet<>(nodesChanged);
        out.addAll(a.localNodes(ia));
        out.addAll(b.localNodes(ib));
        out.addAll(egressNodes);
        return out;
    }

    /** Whether a frontend of one node, of a Service port the same on both sides, may still differ there. */
    private boolean stillDiffers(Frontend fr, int ia, int ib) {
        String n = fr.node();
        if (nodesChanged.contains(n) || a.localNodes(ia).contains(n) || b.localNodes(ib).contains(n)) return true;
        // a node port is reached from anywhere: any sender of its family whose egress changed; the others from the node's own
        return fr.kind().equals(TrafficRow.NODE_PORT) ? egressFamilies.contains(fr.address().family()) : egressNodes.contains(n);
    }

    /** One frontend as node {@code dnat} translates it, from the sources that reach it there. */
    private void frontend(Frontend fr, Integer ia, Integer ib, String dnat) {
        Family f = fr.address().family();
        boolean onA = ia != null && a.nodes.containsKey(dnat);
        boolean onB = ib != null && b.nodes.containsKey(dnat);
        ServicePortPlan sa = onA ? a.seenBy(ia, dnat) : null;
        ServicePortPlan sb = onB ? b.seenBy(ib, dnat) : null;
        boolean same = sa != null && sb != null && !nodesChanged.contains(dnat) && sameBehaviour(sa, sb);
        boolean clusterIp = fr.kind().equals(TrafficRow.SERVICE);
        String node = clusterIp && !(sa != null && sa.internalLocal()) && !(sb != null && sb.internalLocal()) ? "" : dnat;
        String name = (sb != null ? sb : sa).servicePortName();
        Part to = new Part(FRONTEND, f, fr.address().bits(), fr.address().bits(), Set.of(), name);
        if (same) {
            // translated alike, to endpoints whose policy is the same: only the senders whose own egress changed differ
            for (IpAddress src : egressChanged) {
                if (src.family() != f || (!fr.kind().equals(TrafficRow.NODE_PORT) && !onNode(a, src, dnat) && !onNode(b, src, dnat))) continue;
                boolean pod = pod(a, src) != null || pod(b, src) != null;
                Judged ja = pod && pod(a, src) == null ? Judged.NONE : a.throughFrontend(fr, sa, dnat, src);
                Judged jb = pod && pod(b, src) == null ? Judged.NONE : b.throughFrontend(fr, sb, dnat, src);
                if (!ja.fate().equals(jb.fate())) {
                    cells.add(new Cell(fr.kind(), node, Part.point(POD, src), to, fr.protocol(), fr.port(), fr.port(), ja.fate(), jb.fate(), ja.why(), jb.why()));
                }
            }
            return;
        }
        // the points: pods and nodes that reach the frontend on this node
        TreeSet<BigInteger> own = new TreeSet<>();
        List<IpAddress> sources = new ArrayList<>();
        // a cluster IP is reached only from the translating node's own pods and itself: those located there
        Map<BigInteger, Integer> candidates = clusterIp ? located(dnat, f) : points.get(f);
        for (var e : candidates.entrySet()) {
            IpAddress src = IpAddress.of(f, e.getKey());
            boolean onNode = onNode(a, src, dnat) || onNode(b, src, dnat);
            // every node translates cluster, external and load-balancer IPs for its own pods and itself
            if (!fr.kind().equals(TrafficRow.NODE_PORT) && !onNode) {
                own.add(e.getKey()); // not from here: out of the ranges' sources too
                continue;
            }
            boolean endpoint = isEndpoint(sa, src) || isEndpoint(sb, src);
            // a node where an endpoint runs reaches it unchecked
            boolean endpointNode = e.getValue() == NODE && (hostsEndpoint(a, sa, src) || hostsEndpoint(b, sb, src));
            boolean decides = onNode || endpoint || endpointNode || egressRestricted.get(f).containsKey(e.getKey())
                    || (pod(a, src) == null) != (pod(b, src) == null);
            if (!clusterIp && !decides) continue; // judged as part of its range, like any address there
            own.add(e.getKey());
            sources.add(src);
        }
        for (IpAddress src : sources) {
            boolean pod = pod(a, src) != null || pod(b, src) != null;
            Judged ja = sa == null || (pod && pod(a, src) == null) ? Judged.NONE : a.throughFrontend(fr, sa, dnat, src);
            Judged jb = sb == null || (pod && pod(b, src) == null) ? Judged.NONE : b.throughFrontend(fr, sb, dnat, src);
            if (!ja.fate().equals(jb.fate())) {
                int type = points.get(f).get(src.bits());
                cells.add(new Cell(fr.kind(), node, Part.point(type, src), to, fr.protocol(), fr.port(), fr.port(), ja.fate(), jb.fate(), ja.why(), jb.why()));
            }
        }
        // addresses that are no pod and no node, cut where an endpoint's ingress, a source range or the pod ranges change;
        // from outside, a cluster IP is reached through whichever node the sender routes it to: every point is judged
        // above or on its own node, the ranges are judged per node and made one row where every node treats them alike.
        // An address of the pod ranges that no pod holds is not outside: answers to it are routed into the pod network.
        Set<BigInteger> except = clusterIp ? points.get(f).navigableKeySet() : own;
        String rangeNode = clusterIp ? dnat : node;
        if (clusterIp) outsideWalked.computeIfAbsent(to, k -> new TreeSet<>()).add(dnat);
        TreeSet<dev.netc.ir.Cidr> podRanges = new TreeSet<>();
        for (TrafficSide s : List.of(a, b)) {
            if (s.nodes.containsKey(dnat)) podRanges.addAll(s.nodes.get(dnat).clusterCIDRs(f));
        }
        forIntervals(cuts(f, sa, sb, podRanges, clusterIp), max(f), (lo, hi) -> {
            // the cuts hold the pod ranges' bounds: an interval is in them or out of them whole
            if (clusterIp && podRanges.stream().anyMatch(c -> c.contains(IpAddress.of(f, lo)))) return;
            Optional<BigInteger> rep = firstNotOwn(f, lo, hi, except);
            if (rep.isEmpty()) return;
            IpAddress src = IpAddress.of(f, rep.get());
            Judged ja = sa == null ? Judged.NONE : a.throughFrontend(fr, sa, dnat, src);
            Judged jb = sb == null ? Judged.NONE : b.throughFrontend(fr, sb, dnat, src);
            if (!ja.fate().equals(jb.fate())) {
                cells.add(new Cell(fr.kind(), rangeNode, new Part(RANGE, f, lo, hi, except, ""), to, fr.protocol(), fr.port(), fr.port(), ja.fate(),
                        jb.fate(), ja.why(), jb.why()));
            }
        });
    }

    /**
     * Traffic from outside to a cluster IP, judged per node it can be routed to: where every node it was judged on
     * gives the same change for a range, one row for all of them with no node; where they differ (an endpoint's ipBlock
     * sees the sender's own address through the endpoint's node, another node's address through the others), a row per
     * node.
     */
    private void oneForAllNodes() {
        // a range's exceptions are every point (the same set for all): it is keyed by its bounds
        record Same(BigInteger lo, BigInteger hi, Part to, Protocol proto, int plo, int phi, Fate before, Fate after) {
        }
        Map<Same, List<Cell>> by = new LinkedHashMap<>();
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.kind().equals(TrafficRow.SERVICE) && c.from().type() == RANGE && !c.node().isEmpty() && outsideWalked.containsKey(c.to())) {
                by.computeIfAbsent(new Same(c.from().lo(), c.from().hi(), c.to(), c.proto(), c.plo(), c.phi(), c.before(), c.after()), k -> new ArrayList<>()).add(c);
            } else {
                out.add(c);
            }
        }
        by.forEach((k, cs) -> {
            Set<String> at = new TreeSet<>();
            cs.forEach(c -> at.add(c.node()));
            if (!at.equals(outsideWalked.get(k.to()))) {
                out.addAll(cs);
                return;
            }
            TreeSet<Origin> ob = new TreeSet<>();
            TreeSet<Origin> oa = new TreeSet<>();
            cs.forEach(c -> {
                ob.addAll(c.ob());
                oa.addAll(c.oa());
            });
            out.add(new Cell(TrafficRow.SERVICE, "", cs.get(0).from(), k.to(), k.proto(), k.plo(), k.phi(), k.before(), k.after(), List.copyOf(ob), List.copyOf(oa)));
        });
        cells.clear();
        cells.addAll(out);
    }

    /**
     * Where a frontend's verdict from the addresses outside the points can change: the cuts of its endpoints' ingress
     * and its source ranges on both sides, and the bounds of the translating node's pod ranges ({@code podRanges}).
     * The same on every node that sees the same endpoints and pod ranges, so made once for them: a cluster IP is judged
     * from outside on every node. For a cluster IP ({@code outsideOnly}) the cuts inside the pod ranges are left out:
     * those addresses are not judged.
     */
    private TreeSet<BigInteger> cuts(Family f, ServicePortPlan sa, ServicePortPlan sb, TreeSet<dev.netc.ir.Cidr> podRanges, boolean outsideOnly) {
        List<Object> key = List.of(f, sa == null ? List.of() : sa.reachableEndpoints(), sb == null ? List.of() : sb.reachableEndpoints(),
                sa == null ? List.of() : sa.loadBalancerSourceRanges(), sb == null ? List.of() : sb.loadBalancerSourceRanges(),
                podRanges, outsideOnly);
        return frontendCuts.computeIfAbsent(key, k -> {
            TreeSet<BigInteger> cuts = new TreeSet<>(List.of(BigInteger.ZERO));
            for (TrafficSide s : List.of(a, b)) {
                ServicePortPlan sp = s == a ? sa : sb;
                if (sp == null) continue;
                for (PlanEndpoint e : sp.reachableEndpoints()) {
                    PodAt at = s.pods.get(e.ip());
                    if (at != null) s.addressCuts(at.policy(), true, f, cuts);
                }
                for (var c : sp.loadBalancerSourceRanges()) cut(c, cuts);
            }
            for (dev.netc.ir.Cidr c : podRanges) {
                if (outsideOnly) cuts.subSet(c.network().bits(), false, c.last().bits(), true).clear();
                cut(c, cuts);
            }
            return cuts;
        });
    }

    private static void cut(dev.netc.ir.Cidr c, TreeSet<BigInteger> cuts) {
        cuts.add(c.network().bits());
        if (c.last().bits().compareTo(max(c.family())) < 0) cuts.add(c.last().bits().add(BigInteger.ONE));
    }

    /** The points (pods, node addresses) of a family on node {@code node} on either side ({@link #onNode}), by address. */
    private Map<BigInteger, Integer> located(String node, Family f) {
        return located.getOrDefault(node, Map.of()).getOrDefault(f, java.util.Collections.emptyNavigableMap());
    }

    private static boolean onNode(TrafficSide s, IpAddress src, String node) {
        PodAt p = s.pods.get(src);
        return p != null ? p.node().equals(node) : s.isNode(src, node);
    }

    private static boolean isEndpoint(ServicePortPlan s, IpAddress ip) {
        if (s == null) return false;
        for (PlanEndpoint e : s.reachableEndpoints()) if (e.ip().equals(ip)) return true;
        for (PlanEndpoint e : s.clusterEndpoints()) if (e.ip().equals(ip)) return true;
        return false;
    }

    /** {@link #sameBehaviour} of the two sides' Service ports as the cluster shares them, by index, once a pair (a node port's frontends are one per node). */
    private boolean sameService(int ia, int ib) {
        return sameServices.computeIfAbsent(((long) ia << 32) | ib, k -> sameBehaviour(a.plan.services().get(ia), b.plan.services().get(ib)));
    }

    /** Whether two Service ports translate alike on a node: all but where they were written, and their endpoints' policy. */
    private boolean sameBehaviour(ServicePortPlan x, ServicePortPlan y) {
        if (!strip(x).equals(strip(y))) return false;
        for (PlanEndpoint e : x.reachableEndpoints()) if (ingressChanged.contains(e.ip())) return false;
        for (PlanEndpoint e : x.clusterEndpoints()) if (ingressChanged.contains(e.ip())) return false;
        return true;
    }

    private static ServicePortPlan strip(ServicePortPlan s) {
        return new ServicePortPlan("", "", "", s.protocol(), s.family(), s.clusterIP(), s.port(), s.nodePort(), s.externalIPs(),
                s.loadBalancerIPs(), s.loadBalancerSourceRanges(), s.externalLocal(), s.internalLocal(), s.affinitySeconds(),
                s.clusterEndpoints(), s.localEndpoints(), s.hasEndpoints());
    }

    // ------------------------------------------------------------------------------------------------ intervals

    private interface IntervalBody {
        void at(BigInteger lo, BigInteger hi);
    }

    private interface PortBody {
        void at(int lo, int hi);
    }

    private static void forIntervals(TreeSet<BigInteger> cuts, BigInteger max, IntervalBody body) {
        BigInteger prev = null;
        for (BigInteger c : cuts) {
            if (prev != null) body.at(prev, c.subtract(BigInteger.ONE));
            prev = c;
        }
        if (prev != null) body.at(prev, max);
    }

    /** The port intervals {@code lo..hi} is cut into by {@code cuts}. */
    private static void forPorts(TreeSet<Integer> cuts, int lo, int hi, PortBody body) {
        int start = lo;
        for (int c : cuts.subSet(lo, false, hi, true)) {
            body.at(start, c - 1);
            start = c;
        }
        body.at(start, hi);
    }

    /** Whether {@code lo..hi} holds an address that is none of the points (every point of the range is in {@code own} or named). */
    private boolean hasOthers(Family f, BigInteger lo, BigInteger hi, Set<BigInteger> own) {
        BigInteger size = hi.subtract(lo).add(BigInteger.ONE);
        NavigableMap<BigInteger, Integer> in = points.get(f).subMap(lo, true, hi, true);
        return size.compareTo(BigInteger.valueOf(in.size())) > 0 || in.keySet().stream().anyMatch(x -> !own.contains(x));
    }

    /** The first address of {@code lo..hi} that is not judged on its own: no point, or a point not in {@code own}. */
    private Optional<BigInteger> firstNotOwn(Family f, BigInteger lo, BigInteger hi, Set<BigInteger> own) {
        BigInteger x = lo;
        for (BigInteger p : points.get(f).subMap(lo, true, hi, true).keySet()) {
            if (!p.equals(x) || !own.contains(p)) return Optional.of(x);
            x = x.add(BigInteger.ONE);
        }
        return x.compareTo(hi) <= 0 ? Optional.of(x) : Optional.empty();
    }

    private static boolean hostsEndpoint(TrafficSide s, ServicePortPlan sp, IpAddress nodeAddress) {
        if (sp == null) return false;
        String n = s.nodeAt.get(nodeAddress);
        if (n == null) return false;
        for (PlanEndpoint e : sp.clusterEndpoints()) if (e.nodeName().equals(n)) return true;
        for (PlanEndpoint e : sp.reachableEndpoints()) if (e.nodeName().equals(n)) return true;
        return false;
    }

    // ------------------------------------------------------------------------------------------------ rows

    private record Key(String kind, String node, Object a, Object b, Protocol proto, Fate before, Fate after) {
    }

    private List<TrafficRow> rows() {
        // 1. the sources of one destination, port range and fate pair
        Map<Key, List<Cell>> bySources = new LinkedHashMap<>();
        for (Cell c : cells) {
            bySources.computeIfAbsent(new Key(c.kind(), c.node(), c.to(), List.of(c.plo(), c.phi()), c.proto(), c.before(), c.after()),
                    k -> new ArrayList<>()).add(c);
        }
        // a stage is of one family: the names of pods and nodes are the same in both, their ports and fates need not be
        record Stage(String kind, String node, Family family, Peer from, Peer to, Protocol proto, List<Ports> ports, Fate before, Fate after,
                     TreeSet<Origin> ob, TreeSet<Origin> oa) {
            String where() {
                return node + "/" + family;
            }
        }
        List<Stage> one = new ArrayList<>();
        for (List<Cell> cs : bySources.values()) {
            Cell c0 = cs.get(0);
            Peer from = peer(cs.stream().map(Cell::from).toList());
            Peer to = peer(List.of(c0.to()));
            TreeSet<Origin> ob = new TreeSet<>();
            TreeSet<Origin> oa = new TreeSet<>();
            cs.forEach(c -> {
                ob.addAll(c.ob());
                oa.addAll(c.oa());
            });
            one.add(new Stage(c0.kind(), c0.node(), c0.to().family(), from, to, c0.proto(), List.of(new Ports(c0.plo(), c0.phi())), c0.before(), c0.after(), ob, oa));
        }
        // 2. the ports of one destination, sources and fate pair
        Map<Key, List<Stage>> byPorts = new LinkedHashMap<>();
        for (Stage s : one) byPorts.computeIfAbsent(new Key(s.kind(), s.where(), s.to(), s.from(), s.proto(), s.before(), s.after()), k -> new ArrayList<>()).add(s);
        List<Stage> two = new ArrayList<>();
        for (List<Stage> ss : byPorts.values()) {
            Stage s0 = ss.get(0);
            List<Ports> ports = merge(ss.stream().flatMap(s -> s.ports().stream()).toList());
            TreeSet<Origin> ob = new TreeSet<>();
            TreeSet<Origin> oa = new TreeSet<>();
            ss.forEach(s -> {
                ob.addAll(s.ob());
                oa.addAll(s.oa());
            });
            two.add(new Stage(s0.kind(), s0.node(), s0.family(), s0.from(), s0.to(), s0.proto(), ports, s0.before(), s0.after(), ob, oa));
        }
        // 3. the destinations (pods and addresses, not frontends) with the same sources, ports and fates
        Map<Key, List<Stage>> byDest = new LinkedHashMap<>();
        for (Stage s : two) {
            Object dest = s.to().service().isPresent() ? s.to() : "";
            byDest.computeIfAbsent(new Key(s.kind(), s.where(), s.from(), List.of(dest, s.ports()), s.proto(), s.before(), s.after()),
                    k -> new ArrayList<>()).add(s);
        }
        List<TrafficRow> out = new ArrayList<>();
        for (List<Stage> ss : byDest.values()) {
            Stage s0 = ss.get(0);
            Peer to = ss.size() == 1 ? s0.to() : union(ss.stream().map(Stage::to).toList());
            TreeSet<Origin> ob = new TreeSet<>();
            TreeSet<Origin> oa = new TreeSet<>();
            ss.forEach(s -> {
                ob.addAll(s.ob());
                oa.addAll(s.oa());
            });
            boolean allPorts = s0.ports().size() == 1 && s0.ports().get(0).first() == 1 && s0.ports().get(0).last() == 65535;
            out.add(new TrafficRow(s0.node().isEmpty() ? Optional.empty() : Optional.of(s0.node()), s0.kind(), s0.from(), to,
                    Optional.of(s0.family()), Optional.of(s0.proto()), allPorts ? List.of() : s0.ports(), s0.before(), s0.after(), List.copyOf(ob), List.copyOf(oa)));
        }
        out = mergeFamilies(out);
        out = mergeProtocols(out);
        out.sort(ORDER);
        return out;
    }

    /** Rows alike in both families (the same pods and nodes, ports and fates; CIDRs of each): one row for both. */
    private static List<TrafficRow> mergeFamilies(List<TrafficRow> rows) {
        Map<List<Object>, List<TrafficRow>> by = new LinkedHashMap<>();
        for (TrafficRow r : rows) {
            by.computeIfAbsent(List.of(r.node(), r.kind(), r.from().pods(), r.from().nodes(), r.to().pods(), r.to().nodes(), r.to().service(),
                    r.protocol(), r.ports(), r.before(), r.after()), k -> new ArrayList<>()).add(r);
        }
        List<TrafficRow> out = new ArrayList<>();
        for (List<TrafficRow> rs : by.values()) {
            if (rs.size() != 2 || rs.get(0).family().equals(rs.get(1).family()) || rs.get(0).to().address().isPresent()) {
                out.addAll(rs);
                continue;
            }
            TrafficRow x = rs.get(0);
            TrafficRow y = rs.get(1);
            TreeSet<Origin> ob = new TreeSet<>(x.originsBefore());
            ob.addAll(y.originsBefore());
            TreeSet<Origin> oa = new TreeSet<>(x.originsAfter());
            oa.addAll(y.originsAfter());
            out.add(new TrafficRow(x.node(), x.kind(), union(List.of(x.from(), y.from())), union(List.of(x.to(), y.to())), Optional.empty(),
                    x.protocol(), x.ports(), x.before(), x.after(), List.copyOf(ob), List.copyOf(oa)));
        }
        return out;
    }

    /** Rows alike but for their protocol, every protocol there with every port: one row for every protocol. */
    private static List<TrafficRow> mergeProtocols(List<TrafficRow> rows) {
        Map<List<Object>, List<TrafficRow>> by = new LinkedHashMap<>();
        for (TrafficRow r : rows) {
            by.computeIfAbsent(List.of(r.node(), r.kind(), r.from(), r.to(), r.family(), r.ports(), r.before(), r.after()), k -> new ArrayList<>()).add(r);
        }
        List<TrafficRow> out = new ArrayList<>();
        for (List<TrafficRow> rs : by.values()) {
            TrafficRow r0 = rs.get(0);
            if (rs.size() == Protocol.values().length && r0.ports().isEmpty()) {
                TreeSet<Origin> ob = new TreeSet<>();
                TreeSet<Origin> oa = new TreeSet<>();
                rs.forEach(r -> {
                    ob.addAll(r.originsBefore());
                    oa.addAll(r.originsAfter());
                });
                out.add(new TrafficRow(r0.node(), r0.kind(), r0.from(), r0.to(), r0.family(), Optional.empty(), List.of(), r0.before(), r0.after(),
                        List.copyOf(ob), List.copyOf(oa)));
            } else {
                out.addAll(rs);
            }
        }
        return out;
    }

    private static final Comparator<TrafficRow> ORDER = Comparator.comparing((TrafficRow r) -> r.kind())
            .thenComparing(r -> r.node().orElse(""))
            .thenComparing(r -> r.to().service().orElse(""))
            .thenComparing(r -> String.join(",", r.to().pods()) + "|" + String.join(",", r.to().nodes()) + "|" + String.join(",", r.to().cidrs()))
            .thenComparing(r -> String.join(",", r.from().pods()) + "|" + String.join(",", r.from().nodes()) + "|" + String.join(",", r.from().cidrs()))
            .thenComparing(r -> r.protocol().map(Enum::name).orElse(""))
            .thenComparing(r -> r.ports().isEmpty() ? 0 : r.ports().get(0).first());

    private static List<Ports> merge(List<Ports> ports) {
        List<Ports> sorted = new ArrayList<>(ports);
        sorted.sort(Comparator.comparingInt(Ports::first));
        List<Ports> out = new ArrayList<>();
        for (Ports p : sorted) {
            Ports last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && p.first() <= last.last() + 1) out.set(out.size() - 1, new Ports(last.first(), Math.max(last.last(), p.last())));
            else out.add(p);
        }
        return out;
    }

    /** The peer that a list of parts is: pods and nodes by name (both sides'), ranges as CIDRs. */
    private Peer peer(List<Part> parts) {
        TreeSet<String> pods = new TreeSet<>();
        TreeSet<String> nodes = new TreeSet<>();
        Map<Family, List<BigInteger[]>> byFamily = new TreeMap<>();
        Optional<String> service = Optional.empty();
        Optional<String> address = Optional.empty();
        for (Part p : parts) {
            if (p.type() == FRONTEND) {
                service = Optional.of(p.service());
                address = Optional.of(IpAddress.of(p.family(), p.lo()).text());
                continue;
            }
            if (p.type() == RANGE) {
                byFamily.computeIfAbsent(p.family(), k -> new ArrayList<>()).add(new BigInteger[] {p.lo(), p.hi()});
                if (p.except() == points.get(p.family()).navigableKeySet()) continue; // every point excepted: none named
                for (var e : points.get(p.family()).subMap(p.lo(), true, p.hi(), true).entrySet()) {
                    if (!p.except().contains(e.getKey())) name(e.getValue(), IpAddress.of(p.family(), e.getKey()), pods, nodes);
                }
                continue;
            }
            name(p.type(), IpAddress.of(p.family(), p.lo()), pods, nodes);
        }
        List<String> cidrs = new ArrayList<>();
        byFamily.forEach((f, rs) -> {
            for (BigInteger[] r : TrafficSide.Ranges.merged(rs)) {
                if (!hasOthers(f, r[0], r[1], Set.copyOf(points.get(f).subMap(r[0], true, r[1], true).keySet()))) continue;
                cidrs.addAll(cidrs(f, r[0], r[1]));
            }
        });
        return new Peer(List.copyOf(pods), List.copyOf(nodes), cidrs, service, address);
    }

    private void name(int type, IpAddress ip, TreeSet<String> pods, TreeSet<String> nodes) {
        if (type == POD) {
            PodAt p = b.pods.getOrDefault(ip, a.pods.get(ip));
            if (p != null) pods.add(p.name());
        } else {
            String n = b.nodeAt.getOrDefault(ip, a.nodeAt.get(ip));
            if (n != null) nodes.add(n);
        }
    }

    private static Peer union(List<Peer> peers) {
        TreeSet<String> pods = new TreeSet<>();
        TreeSet<String> nodes = new TreeSet<>();
        TreeSet<String> cidrs = new TreeSet<>(Comparator.comparing(dev.netc.ir.Cidr::parse));
        for (Peer p : peers) {
            pods.addAll(p.pods());
            nodes.addAll(p.nodes());
            cidrs.addAll(p.cidrs());
        }
        return new Peer(List.copyOf(pods), List.copyOf(nodes), List.copyOf(cidrs), Optional.empty(), Optional.empty());
    }

    /** The fewest CIDRs that cover {@code lo..hi} exactly. */
    static List<String> cidrs(Family f, BigInteger lo, BigInteger hi) {
        int bits = f == Family.IPV4 ? 32 : 128;
        List<String> out = new ArrayList<>();
        BigInteger x = lo;
        while (x.compareTo(hi) <= 0) {
            int size = x.signum() == 0 ? bits : Math.min(bits, x.getLowestSetBit());
            while (size > 0 && x.add(BigInteger.ONE.shiftLeft(size)).subtract(BigInteger.ONE).compareTo(hi) > 0) size--;
            out.add(IpAddress.of(f, x).text() + "/" + (bits - size));
            x = x.add(BigInteger.ONE.shiftLeft(size));
        }
        return out;
    }
}
