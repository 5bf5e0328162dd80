package dev.netc.e2e.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.diff.TrafficDiff;
import dev.netc.backends.diff.TrafficRow;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.BackendUnderTest;
import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Probe;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.e2e.lab.VirtualCluster.ProbeSpec;
import dev.netc.ir.Cidr;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Service;
import dev.netc.ir.plan.NetworkPlan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@code netc diff}'s rows against the kernel. A sequence of revisions — every case of the NetworkPolicy matrix in
 * turn, then Service changes (endpoints scaled up and down, a target port named, the port it names renamed away,
 * externalTrafficPolicy Local toggled) — is loaded into one virtual cluster, and each revision probed the same way:
 * pod to pod (TCP and UDP, 80 and 81), node and outside client to pod, pod to node and to an outside address, pod
 * and node to every cluster IP, pod and outside client to every node port. For every two consecutive revisions:
 * every probe whose kernel fate changed lies in exactly one row, that row says what the probe saw on each side
 * (reached a pod or not), no probe whose fate did not change lies in a row that says it changed, and every row
 * holds at least one probe that changed.
 */
class TrafficDiffTruthTest {
    /** One revision: the model (maybe edited) and the policies. */
    record Revision(String name, UnaryOperator<String> model, String policies) {
    }

    /** A probe, what it is an instance of in a row's terms. */
    /**
     * How the outside client routes cluster IPs: each through one node, and some sources (witnesses of a row of
     * one node) through that row's node instead.
     */
    static final class ClusterIpRoutes {
        final Map<IpAddress, String> via = new TreeMap<>();
        final Map<IpAddress, Map<IpAddress, String>> bySource = new TreeMap<>();
        /** The source and cluster IP pairs some probe uses: their way is fixed. */
        final Set<List<IpAddress>> used = new java.util.HashSet<>();

        String node(IpAddress src, IpAddress clusterIp) {
            return bySource.getOrDefault(src, Map.of()).getOrDefault(clusterIp, via.get(clusterIp));
        }
    }

    record Spec(String kind, String from, IpAddress src, String toPod, String toNode, IpAddress dst, String dnatNode, Protocol proto,
                int port, int repeats, ProbeSpec probe) {
        @Override
        public String toString() {
            return kind + " " + from + " (" + src + ") -> " + (toPod != null ? toPod : toNode != null ? toNode : "") + " " + dst + " "
                    + proto + "/" + port;
        }
    }

    static final String EXTRA_POD = """
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: d, namespace: x, labels: {pod: d}}
            spec:
              nodeName: n2
              containers:
                - name: c
                  image: agnhost
                  ports:
                    - {name: serve-80-tcp, containerPort: 80}
                    - {name: serve-81-tcp, containerPort: 81}
                    - {name: serve-80-udp, containerPort: 80, protocol: UDP}
                    - {name: serve-81-udp, containerPort: 81, protocol: UDP}
            status:
              podIP: 10.244.2.40
            """;

    static List<Revision> revisions() {
        List<Revision> r = new ArrayList<>();
        r.add(new Revision("no policy", m -> m, ""));
        for (NetworkPolicyMatrixTest.Case c : NetworkPolicyMatrixTest.cases()) r.add(new Revision(c.name(), m -> m, c.policies()));
        r.add(new Revision("no policy again", m -> m, ""));
        // the endpoint's ipBlock sees an outside sender through the endpoint's own node, and that node's address through another
        r.add(new Revision("x/a admits 203.0.113.0/24 alone", m -> m, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-outside, namespace: x}
                spec:
                  podSelector: {matchLabels: {pod: a}}
                  policyTypes: [Ingress]
                  ingress:
                    - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
                """));
        UnaryOperator<String> scaled = m -> m.replace("metadata: {name: d, namespace: x, labels: {pod: d}}", "metadata: {name: d, namespace: x, labels: {pod: a}}");
        r.add(new Revision("x/s-a scaled up to x/d", scaled, ""));
        UnaryOperator<String> named = m -> scaled.apply(m).replace("targetPort: 80, nodePort: 30010}", "targetPort: serve-80-tcp, nodePort: 30010}");
        r.add(new Revision("x/s-a targets its port by name", named, ""));
        UnaryOperator<String> renamed = m -> named.apply(m).replaceFirst("name: serve-80-tcp, containerPort: 80", "name: www, containerPort: 80");
        r.add(new Revision("x/a renames the port x/s-a names", renamed, ""));
        r.add(new Revision("x/s-a renames its own port", m -> renamed.apply(m).replace("name: http, port: 80, targetPort: serve-80-tcp", "name: web, port: 80, targetPort: serve-80-tcp"), ""));
        r.add(new Revision("x/s-a scaled down", m -> m, ""));
        UnaryOperator<String> local = m -> m.replace("clusterIP: 10.96.0.11\n", "clusterIP: 10.96.0.11\n  externalTrafficPolicy: Local\n");
        r.add(new Revision("x/s-b externalTrafficPolicy Local", local, ""));
        r.add(new Revision("x/s-b externalTrafficPolicy Cluster", m -> m, ""));
        return r;
    }

    @Test
    void everyChangedProbeIsInExactlyOneRowAndEveryRowHoldsAChangedProbe() throws IOException {
        Lab.require();
        String model;
        try (InputStream in = getClass().getResourceAsStream("/policy/model.yaml")) {
            model = new String(in.readAllBytes(), StandardCharsets.UTF_8) + EXTRA_POD;
        }
        List<Revision> revs = revisions();
        List<NetworkPlan> plans = new ArrayList<>();
        for (Revision r : revs) plans.add(compile(r.model().apply(model), r.policies()));
        BackendUnderTest backend = BackendUnderTest.nftables();
        StringBuilder failures = new StringBuilder();
        int changedProbes = 0;
        int rowsSeen = 0;
        int outsideToClusterIp = 0;
        int outsideToClusterIpOnOneNode = 0;
        try (VirtualCluster vc = VirtualCluster.build(plans.get(0))) {
            ClusterIpRoutes routes = new ClusterIpRoutes();
            List<Spec> specs = specs(plans.get(0), vc, routes);
            List<List<TrafficRow>> rows = new ArrayList<>();
            List<List<Spec>> witnesses = new ArrayList<>();
            for (int i = 0; i + 1 < plans.size(); i++) {
                rows.add(TrafficDiff.of(plans.get(i), plans.get(i + 1)));
                witnesses.add(witnesses(rows.get(i), plans.get(0), vc, routes));
            }
            List<Map<Spec, String>> seen = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                List<Spec> mine = new ArrayList<>(specs);
                if (i > 0) mine.addAll(witnesses.get(i - 1));
                if (i + 1 < plans.size()) mine.addAll(witnesses.get(i));
                seen.add(run(vc, backend, plans.get(i), mine));
            }
            for (int i = 0; i + 1 < plans.size(); i++) {
                String pair = revs.get(i).name() + " -> " + revs.get(i + 1).name();
                rowsSeen += rows.get(i).size();
                for (TrafficRow r : rows.get(i)) {
                    if (!r.kind().equals(TrafficRow.SERVICE) || r.from().cidrs().isEmpty()) continue;
                    outsideToClusterIp++;
                    if (r.node().isPresent()) outsideToClusterIpOnOneNode++;
                }
                Set<TrafficRow> witnessed = new java.util.HashSet<>();
                List<Spec> probed = new ArrayList<>(specs);
                probed.addAll(witnesses.get(i));
                for (Spec s : probed) {
                    String before = seen.get(i).get(s);
                    String after = seen.get(i + 1).get(s);
                    boolean changed = !before.equals(after);
                    // both sides reached pods, by a sample of connections kube-proxy spreads at random: another set of
                    // answering pods may be chance, so such a probe witnesses a row but need not lie in one
                    boolean sampled = s.repeats() > 1 && !before.contains("blocked") && !before.contains("rejected")
                            && !after.contains("blocked") && !after.contains("rejected")
                            && (after.contains(before) || before.contains(after) || java.util.Arrays.stream(before.split(" \\| ")).anyMatch(after::contains));
                    List<TrafficRow> in = rows.get(i).stream().filter(r -> contains(r, s)).toList();
                    if (changed && !sampled) {
                        changedProbes++;
                        if (in.size() != 1) failures.append(pair).append(": ").append(s).append(" went ").append(before).append(" -> ").append(after)
                                .append(" but lies in ").append(in.size()).append(" rows ").append(in).append('\n');
                    }
                    for (TrafficRow r : in) {
                        if (!agrees(r.before(), before) || !agrees(r.after(), after)) {
                            failures.append(pair).append(": ").append(s).append(" saw ").append(before).append(" -> ").append(after)
                                    .append(" but its row says ").append(r.before()).append(" -> ").append(r.after()).append(": ").append(r).append('\n');
                        }
                        // one endpoint set for another: a connection may land on an endpoint of both, so some probes see no change
                        boolean sameReach = r.before().reaches() && r.after().reaches();
                        if (!changed && !sameReach) {
                            failures.append(pair).append(": ").append(s).append(" saw the same (").append(before).append(") but lies in ").append(r).append('\n');
                        }
                        if (changed) witnessed.add(r);
                    }
                }
                for (TrafficRow r : rows.get(i)) {
                    if (!witnessed.contains(r) && !sctpOnly(r)) failures.append(pair).append(": no probe whose fate changed lies in ").append(r).append('\n');
                }
            }
        }
        assertEquals("", failures.toString());
        assertTrue(changedProbes > 100, "the revisions change the fate of many probes: " + changedProbes);
        assertTrue(rowsSeen > 20, "and the diff has rows: " + rowsSeen);
        // from outside through a node: rows for every node alike, and rows of one node (an endpoint's ipBlock sees the sender through its own node)
        assertTrue(outsideToClusterIp > 5, "rows from outside to cluster IPs: " + outsideToClusterIp);
        assertTrue(outsideToClusterIpOnOneNode > 0, "rows from outside to a cluster IP through one node: " + outsideToClusterIpOnOneNode);
    }

    static NetworkPlan compile(String model, String policies) {
        List<InputSource> in = new ArrayList<>(List.of(new InputSource("policy/model.yaml", model.getBytes(StandardCharsets.UTF_8))));
        if (!policies.isBlank()) in.add(new InputSource("policy/case.yaml", policies.getBytes(StandardCharsets.UTF_8)));
        Compiler.Result r = new Compiler().compile(in);
        return r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
    }

    /** The probes every revision gets, from the lab as the first revision built it (the same pods and Services throughout). */
    static List<Spec> specs(NetworkPlan plan, VirtualCluster vc, ClusterIpRoutes routes) {
        Map<String, IpAddress> pods = new TreeMap<>();
        Map<String, String> podNode = new TreeMap<>();
        for (Pod p : plan.cluster().pods()) {
            pods.put(p.meta().qualifiedName(), p.ips().get(0));
            podNode.put(p.meta().qualifiedName(), p.nodeName());
        }
        Map<String, IpAddress> nodes = new TreeMap<>();
        for (Node n : plan.cluster().nodes()) nodes.put(n.name(), n.addresses().get(0));
        IpAddress outside = VirtualCluster.EXTERNAL_ADDRESS;
        // the outside client reaches the pods through their nodes
        for (var e : pods.entrySet()) vc.routeExternal(e.getValue(), nodes.get(podNode.get(e.getKey())));
        List<Spec> out = new ArrayList<>();
        int t = 1500;
        for (var from : pods.entrySet()) {
            for (var to : pods.entrySet()) {
                for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP)) {
                    for (int port : List.of(80, 81)) {
                        out.add(new Spec(TrafficRow.POLICY, from.getKey(), from.getValue(), to.getKey(), null, to.getValue(), null, proto, port, 1,
                                new ProbeSpec(from.getKey(), null, to.getValue(), port, proto, t)));
                    }
                }
            }
            for (var n : nodes.entrySet()) {
                out.add(new Spec(TrafficRow.POLICY, from.getKey(), from.getValue(), null, n.getKey(), n.getValue(), null, Protocol.TCP, 80, 1,
                        new ProbeSpec(from.getKey(), null, n.getValue(), 80, Protocol.TCP, t)));
            }
            out.add(new Spec(TrafficRow.POLICY, from.getKey(), from.getValue(), null, null, outside, null, Protocol.TCP, 80, 1,
                    new ProbeSpec(from.getKey(), null, outside, 80, Protocol.TCP, t)));
        }
        for (var to : pods.entrySet()) {
            for (var n : nodes.entrySet()) {
                out.add(new Spec(TrafficRow.POLICY, n.getKey(), n.getValue(), to.getKey(), null, to.getValue(), null, Protocol.TCP, 80, 1,
                        new ProbeSpec(n.getKey(), null, to.getValue(), 80, Protocol.TCP, t)));
            }
            out.add(new Spec(TrafficRow.POLICY, "external", outside, to.getKey(), null, to.getValue(), null, Protocol.TCP, 80, 1,
                    new ProbeSpec("external", null, to.getValue(), 80, Protocol.TCP, t)));
        }
        List<String> nodeNames = List.copyOf(nodes.keySet());
        for (Service s : plan.cluster().services()) {
            IpAddress ip = s.clusterIPs().get(0);
            int nodePort = s.ports().get(0).nodePort();
            // from outside, each cluster IP through a node of its own, in turn
            String via = nodeNames.get(routes.via.size() % nodeNames.size());
            routes.via.put(ip, via);
            vc.routeExternal(ip, nodes.get(via));
            routes.used.add(List.of(outside, ip));
            out.add(new Spec(TrafficRow.SERVICE, "external", outside, null, null, ip, via, Protocol.TCP, 80, 8,
                    new ProbeSpec("external", null, ip, 80, Protocol.TCP, t)));
            for (var from : pods.entrySet()) {
                out.add(new Spec(TrafficRow.SERVICE, from.getKey(), from.getValue(), null, null, ip, null, Protocol.TCP, 80, 8,
                        new ProbeSpec(from.getKey(), null, ip, 80, Protocol.TCP, t)));
                out.add(new Spec(TrafficRow.NODE_PORT, from.getKey(), from.getValue(), null, null, nodes.get("n1"), "n1", Protocol.TCP, nodePort, 6,
                        new ProbeSpec(from.getKey(), null, nodes.get("n1"), nodePort, Protocol.TCP, t)));
            }
            for (var n : nodes.entrySet()) {
                out.add(new Spec(TrafficRow.SERVICE, n.getKey(), n.getValue(), null, null, ip, null, Protocol.TCP, 80, 8,
                        new ProbeSpec(n.getKey(), null, ip, 80, Protocol.TCP, t)));
                out.add(new Spec(TrafficRow.NODE_PORT, "external", outside, null, null, n.getValue(), n.getKey(), Protocol.TCP, nodePort, 8,
                        new ProbeSpec("external", null, n.getValue(), nodePort, Protocol.TCP, t)));
            }
        }
        return out;
    }

    /** Each probe's fate under one revision: its outcomes (and answering pods), as a sorted set over its repeats. */
    static Map<Spec, String> run(VirtualCluster vc, BackendUnderTest b, NetworkPlan plan, List<Spec> specs) throws IOException {
        for (String n : vc.nodes()) {
            vc.inNode(n, null, "nft", "flush", "ruleset");
            vc.inNode(n, null, "ipset", "destroy");
        }
        b.install(vc, plan);
        for (String n : vc.nodes()) vc.inNode(n, null, "conntrack", "-F");
        List<ProbeSpec> flat = new ArrayList<>();
        for (Spec s : specs) for (int k = 0; k < s.repeats(); k++) flat.add(s.probe());
        List<Probe> got = new ArrayList<>();
        for (int i = 0; i < flat.size(); i += 200) got.addAll(vc.probeAll(flat.subList(i, Math.min(flat.size(), i + 200))));
        Map<Spec, String> out = new java.util.HashMap<>();
        int k = 0;
        for (Spec s : specs) {
            TreeSet<String> fates = new TreeSet<>();
            for (int r = 0; r < s.repeats(); r++) {
                Probe p = got.get(k++);
                fates.add(observed(s, p));
            }
            out.put(s, String.join(" | ", fates));
        }
        return out;
    }

    /**
     * What a probe saw, in the terms of a fate: {@code reached POD} (a server answered), {@code reached} (the host
     * said no one listens: a TCP reset or an ICMP port unreachable, so the connection got there), {@code rejected}
     * (a frontend's own port unreachable: no endpoint), {@code blocked} (a policy's admin-prohibited, or nothing).
     */
    static String observed(Spec s, Probe p) {
        return switch (p.outcome()) {
            case ANSWERED -> "reached " + p.answeredBy() + (p.seenSource().equals(s.src().text()) ? "" : " masqueraded");
            case REFUSED -> s.kind().equals(TrafficRow.POLICY) ? "reached" : "rejected";
            case UNREACHABLE, TIMEOUT -> "blocked";
        };
    }

    /** Whether what a probe saw (its outcomes over its repeats) is what a fate says. */
    static boolean agrees(TrafficRow.Fate f, String seen) {
        for (String part : seen.split(" \\| ")) {
            boolean ok = switch (f.verdict()) {
                case "allowed" -> part.startsWith("reached");
                case "delivered" -> f.endpoints().stream().anyMatch(d -> part.equals("reached " + d.pod() + (d.masqueraded() ? " masqueraded" : "")));
                case "rejected" -> part.equals("rejected");
                default -> part.equals("blocked"); // denied, dropped, none
            };
            if (!ok) return false;
        }
        return true;
    }

    /** SCTP sockets need the sctp module, which this kernel lacks: those rows are checked by the diff's unit tests alone. */
    static boolean sctpOnly(TrafficRow r) {
        return r.protocol().equals(java.util.Optional.of(Protocol.SCTP));
    }

    /**
     * One probe inside each row (SCTP rows aside): its first source and destination, its first port. An address of a
     * row's CIDRs is held by the outside client (on its loopback), as a source or as a destination that answers.
     */
    static List<Spec> witnesses(List<TrafficRow> rows, NetworkPlan plan, VirtualCluster vc, ClusterIpRoutes routes) {
        Map<String, IpAddress> pods = new TreeMap<>();
        for (Pod p : plan.cluster().pods()) pods.put(p.meta().qualifiedName(), p.ips().get(0));
        Map<String, IpAddress> nodes = new TreeMap<>();
        for (Node n : plan.cluster().nodes()) nodes.put(n.name(), n.addresses().get(0));
        List<Spec> out = new ArrayList<>();
        for (TrafficRow r : rows) {
            if (sctpOnly(r)) continue;
            Protocol proto = r.protocol().orElse(Protocol.TCP);
            int port = r.ports().isEmpty() ? 80 : r.ports().stream().anyMatch(p -> p.contains(80)) ? 80 : r.ports().get(0).first();
            String from;
            IpAddress src;
            if (!r.from().pods().isEmpty()) {
                from = r.from().pods().get(0);
                src = pods.get(from);
            } else if (!r.from().nodes().isEmpty()) {
                from = r.from().nodes().get(0);
                src = nodes.get(from);
            } else if (r.kind().equals(TrafficRow.SERVICE) && r.node().isPresent()) {
                // through the row's node: a source of its own, routed there for this cluster IP
                from = "external";
                IpAddress clusterIp = IpAddress.parse(r.to().address().orElseThrow());
                src = sourceVia(r.from().cidrs(), clusterIp, r.node().get(), plan, vc, routes);
                if (!src.equals(VirtualCluster.EXTERNAL_ADDRESS)) vc.routeExternalFrom(src, clusterIp, nodes.get(r.node().get()));
            } else {
                from = "external";
                src = outsideAddress(r.from().cidrs(), plan, vc);
            }
            String toPod = null;
            String toNode = null;
            IpAddress dst;
            String dnat = null;
            if (r.to().address().isPresent()) {
                dst = IpAddress.parse(r.to().address().get());
                dnat = r.node().orElse(null);
                if (r.kind().equals(TrafficRow.SERVICE) && from.equals("external")) {
                    dnat = routes.node(src, dst);
                    routes.used.add(List.of(src, dst));
                }
            } else if (!r.to().pods().isEmpty()) {
                toPod = r.to().pods().get(0);
                dst = pods.get(toPod);
            } else if (!r.to().nodes().isEmpty()) {
                toNode = r.to().nodes().get(0);
                dst = nodes.get(toNode);
            } else {
                dst = outsideAddress(r.to().cidrs(), plan, vc);
            }
            // a Service spreads connections at random: 24 of them all land on one of two endpoints once in 8 million
            int repeats = r.kind().equals(TrafficRow.POLICY) ? 1 : 24;
            IpAddress bind = from.equals("external") ? src : null;
            out.add(new Spec(r.kind(), from, src, toPod, toNode, dst, dnat, proto, port, repeats, new ProbeSpec(from, bind, dst, port, proto, 1500)));
        }
        return out;
    }

    /**
     * An address of {@code cidrs} for the outside client to send to {@code clusterIp} through {@code node}: one no
     * other node's row routes that cluster IP, not the client's own (which reaches every cluster IP through the node
     * {@link #specs} chose), not one the kernel takes for a martian.
     */
    static IpAddress sourceVia(List<String> cidrs, IpAddress clusterIp, String node, NetworkPlan plan, VirtualCluster vc, ClusterIpRoutes routes) {
        Set<IpAddress> taken = new TreeSet<>();
        plan.cluster().pods().forEach(p -> taken.addAll(p.ips()));
        plan.cluster().nodes().forEach(n -> taken.addAll(n.addresses()));
        List<IpAddress> candidates = new ArrayList<>(List.of(VirtualCluster.EXTERNAL_ADDRESS, VirtualCluster.ALLOWED_SOURCE, VirtualCluster.OTHER_SOURCE));
        for (String c : cidrs) {
            Cidr cidr = Cidr.parse(c);
            long first = cidr.size().compareTo(java.math.BigInteger.TWO) > 0 ? 1 : 0; // not a network address, unless it is the only one
            for (long i = first; i < first + 64 && java.math.BigInteger.valueOf(i).compareTo(cidr.size()) < 0; i++) {
                candidates.add(cidr.addressAt(java.math.BigInteger.valueOf(i)));
            }
        }
        for (IpAddress a : candidates) {
            int octet = a.family() == dev.netc.ir.Family.IPV4 ? a.bits().shiftRight(24).intValue() : 1;
            if (!inCidrs(cidrs, a) || taken.contains(a) || octet == 0 || octet == 127 || octet >= 224) continue;
            boolean already = routes.node(a, clusterIp).equals(node);
            // the client's own address keeps the way every fixed probe takes; another is bound to one way once
            if (!already && (a.equals(VirtualCluster.EXTERNAL_ADDRESS) || routes.used.contains(List.of(a, clusterIp)))) continue;
            if (!already) routes.bySource.computeIfAbsent(a, k -> new TreeMap<>()).put(clusterIp, node);
            vc.holdOutside(a);
            return a;
        }
        throw new AssertionError("no free address in " + cidrs + " to reach " + clusterIp + " through " + node);
    }

    /** An address of {@code cidrs} that no pod and no node holds, which the outside client then holds too. */
    static IpAddress outsideAddress(List<String> cidrs, NetworkPlan plan, VirtualCluster vc) {
        for (IpAddress known : List.of(VirtualCluster.EXTERNAL_ADDRESS, VirtualCluster.ALLOWED_SOURCE, VirtualCluster.OTHER_SOURCE)) {
            if (inCidrs(cidrs, known)) return known;
        }
        Set<IpAddress> taken = new TreeSet<>();
        plan.cluster().pods().forEach(p -> taken.addAll(p.ips()));
        plan.cluster().nodes().forEach(n -> taken.addAll(n.addresses()));
        for (String c : cidrs) {
            Cidr cidr = Cidr.parse(c);
            long first = cidr.size().compareTo(java.math.BigInteger.TWO) > 0 ? 1 : 0; // not a network address, unless it is the only one
            for (long i = first; i < first + 64 && java.math.BigInteger.valueOf(i).compareTo(cidr.size()) < 0; i++) {
                IpAddress a = cidr.addressAt(java.math.BigInteger.valueOf(i));
                if (taken.contains(a)) continue;
                vc.holdOutside(a);
                return a;
            }
        }
        throw new AssertionError("no free address in " + cidrs);
    }

    /** Whether a row's class of traffic holds the probe. */
    static boolean contains(TrafficRow r, Spec s) {
        if (!r.kind().equals(s.kind())) return false;
        if (r.family().isPresent() && r.family().get() != s.dst().family()) return false;
        if (r.protocol().isPresent() && r.protocol().get() != s.proto()) return false;
        if (!r.ports().isEmpty() && r.ports().stream().noneMatch(p -> p.contains(s.port()))) return false;
        if (!holds(r.from(), s.from(), s.src())) return false;
        switch (s.kind()) {
            case TrafficRow.POLICY -> {
                if (r.node().isPresent()) return false;
                if (s.toPod() != null) return r.to().pods().contains(s.toPod());
                if (s.toNode() != null) return r.to().nodes().contains(s.toNode());
                return inCidrs(r.to().cidrs(), s.dst());
            }
            case TrafficRow.SERVICE -> {
                // from outside, a row of one node holds only what is routed through it
                if (s.from().equals("external") && r.node().isPresent() && !r.node().get().equals(s.dnatNode())) return false;
                return r.to().address().equals(java.util.Optional.of(s.dst().text()));
            }
            default -> {
                return r.to().address().equals(java.util.Optional.of(s.dst().text())) && r.node().equals(java.util.Optional.of(s.dnatNode()));
            }
        }
    }

    private static boolean holds(TrafficRow.Peer p, String who, IpAddress ip) {
        if (who.equals("external")) return inCidrs(p.cidrs(), ip);
        return p.pods().contains(who) || p.nodes().contains(who);
    }

    private static boolean inCidrs(List<String> cidrs, IpAddress ip) {
        return cidrs.stream().map(Cidr::parse).anyMatch(c -> c.contains(ip));
    }
}
