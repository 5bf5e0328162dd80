package dev.netc.backends.ipvs;

import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code ipvsadm -R} input: a virtual server per frontend (protocol, address, port), masquerading real servers.
 * Split as every node has it and as each node adds to it: the virtual servers of cluster, external and load-balancer
 * IPs are the same on every node (one table, computed once from the shared Service table), except those whose real
 * servers are the node's own endpoints (the cluster IP under internalTrafficPolicy Local, external frontends under
 * externalTrafficPolicy Local); a node's part holds those and its node-port virtual servers (one per node address
 * and node port). {@code ipvsadm -R} takes each line on its own, so the node's part simply follows the shared one.
 *
 * <p>As in a whole view, the first Service port (in plan order; within one, cluster IP, node ports, external IPs,
 * load-balancer IPs) to claim a frontend keeps it. A node port on an address that a shared frontend claims first is
 * left out of the node's part; one that would claim it first makes the node {@linkplain #displaces deviate}.
 */
final class IpvsVirtualServers {
    /** How a Service port claims a frontend, in the order it claims them. */
    enum Kind {
        CLUSTER_IP, NODE_PORT, EXTERNAL_IP, LOAD_BALANCER_IP
    }

    /** What identifies a virtual server: protocol, address, port (ordered by address first). */
    record Key(Protocol protocol, IpAddress address, int port) implements Comparable<Key> {
        private static final java.util.Comparator<Key> ORDER = java.util.Comparator.comparing(Key::address)
                .thenComparing(Key::protocol).thenComparingInt(Key::port);

        @Override
        public int compareTo(Key o) {
            return ORDER.compare(this, o);
        }
    }

    /** A frontend claimed by a Service port (its index in the Service table) as {@code kind}. */
    record Frontend(Key key, int service, Kind kind) {
        /** Whether this frontend was claimed before the node ports of Service port {@code nodePortService}. */
        boolean before(int nodePortService) {
            return service < nodePortService || (service == nodePortService && kind == Kind.CLUSTER_IP);
        }
    }

    private final String scheduler;
    private final List<ServicePortPlan> services;
    /** Every claimed frontend that is not a node port, by its key. */
    private final TreeMap<Key, Frontend> claimed = new TreeMap<>();
    /** The claimed frontends whose real servers are each node's own endpoints. */
    private final List<Frontend> local = new ArrayList<>();
    /** The Service ports with a node port, in plan order. */
    private final List<Integer> nodePorts = new ArrayList<>();
    private final String sharedText;

    /** The shared virtual servers of {@code services} (the plan's Service table). */
    IpvsVirtualServers(List<ServicePortPlan> services, String scheduler) {
        this.scheduler = scheduler;
        this.services = services;
        frontends(services, null, this::claim);
        for (int i = 0; i < services.size(); i++) if (services.get(i).nodePort() != 0) nodePorts.add(i);
        StringBuilder b = new StringBuilder();
        for (Frontend f : claimed.values()) {
            if (ownReals(f)) local.add(f);
            else append(b, f, services.get(f.service()).clusterEndpoints());
        }
        sharedText = b.toString();
    }

    private void claim(Frontend f) {
        claimed.putIfAbsent(f.key(), f);
    }

    /**
     * The frontends of each Service port (by its index in {@code services}) in the order it claims them: its cluster IP,
     * its node port on each address {@code nodePortAddresses} gives (none when it is null: node ports are each node's),
     * its external IPs, its load-balancer IPs.
     */
    private static void frontends(List<ServicePortPlan> services,
                                  java.util.function.Function<ServicePortPlan, List<IpAddress>> nodePortAddresses,
                                  java.util.function.Consumer<Frontend> claim) {
        for (int i = 0; i < services.size(); i++) {
            ServicePortPlan s = services.get(i);
            int index = i;
            s.clusterIP().ifPresent(ip -> claim.accept(new Frontend(new Key(s.protocol(), ip, s.port()), index, Kind.CLUSTER_IP)));
            if (s.nodePort() != 0 && nodePortAddresses != null) {
                for (IpAddress a : nodePortAddresses.apply(s)) claim.accept(new Frontend(new Key(s.protocol(), a, s.nodePort()), i, Kind.NODE_PORT));
            }
            for (IpAddress a : s.externalIPs()) claim.accept(new Frontend(new Key(s.protocol(), a, s.port()), i, Kind.EXTERNAL_IP));
            for (IpAddress a : s.loadBalancerIPs()) claim.accept(new Frontend(new Key(s.protocol(), a, s.port()), i, Kind.LOAD_BALANCER_IP));
        }
    }

    /** Whether the frontend's real servers are each node's own endpoints (a Local traffic policy). */
    private boolean ownReals(Frontend f) {
        ServicePortPlan s = services.get(f.service());
        return f.kind() == Kind.CLUSTER_IP ? s.internalLocal() : s.externalLocal();
    }

    /** The virtual servers every node has. */
    String sharedText() {
        return sharedText;
    }

    /** Every address a shared frontend claims (cluster, external and load-balancer IPs), in order. */
    java.util.SortedSet<IpAddress> addresses() {
        java.util.TreeSet<IpAddress> out = new java.util.TreeSet<>();
        for (Key k : claimed.keySet()) out.add(k.address());
        return out;
    }

    /**
     * Whether a node port of {@code n} claims a frontend before the shared frontend of the same key (an external IP
     * that is one of its addresses, given by a later Service): the shared table is then not what this node has.
     */
    boolean displaces(NodePlan n) {
        for (int i : nodePorts) {
            ServicePortPlan s = services.get(i);
            for (IpAddress a : IpvsBackend.nodePortAddresses(n.node(), n.nodePortAddresses(s.family()), s.family())) {
                Frontend f = claimed.get(new Key(s.protocol(), a, s.nodePort()));
                if (f != null && !f.before(i)) return true;
            }
        }
        return false;
    }

    /**
     * Node {@code n}'s own virtual servers, in order: its node ports on its addresses and the frontends whose real
     * servers are its own endpoints ({@code ownEndpoints}: the node's endpoints of each Service port, by its index). For
     * a node that does not {@link #displaces displace} a shared frontend.
     */
    String nodeText(NodePlan n, Map<Integer, List<PlanEndpoint>> ownEndpoints) {
        TreeMap<Key, Frontend> mine = new TreeMap<>();
        for (int i : nodePorts) {
            ServicePortPlan s = services.get(i);
            for (IpAddress a : IpvsBackend.nodePortAddresses(n.node(), n.nodePortAddresses(s.family()), s.family())) {
                Key k = new Key(s.protocol(), a, s.nodePort());
                if (!claimed.containsKey(k)) mine.putIfAbsent(k, new Frontend(k, i, Kind.NODE_PORT)); // else a shared frontend claimed it first
            }
        }
        for (Frontend f : local) mine.put(f.key(), f);
        StringBuilder b = new StringBuilder();
        for (Frontend f : mine.values()) {
            ServicePortPlan s = services.get(f.service());
            append(b, f, ownReals(f) ? ownEndpoints.getOrDefault(f.service(), List.of()) : s.clusterEndpoints());
        }
        return b.toString();
    }

    /** A node's virtual servers from its whole view, as one text (a node that sees the Service table otherwise). */
    String wholeText(NodeView n) {
        TreeMap<Key, Frontend> out = new TreeMap<>();
        List<ServicePortPlan> view = n.services();
        frontends(view, s -> IpvsBackend.nodePortAddresses(n.node(), n.nodePortAddresses(s.family()), s.family()),
                f -> out.putIfAbsent(f.key(), f));
        StringBuilder b = new StringBuilder();
        for (Frontend f : out.values()) {
            ServicePortPlan s = view.get(f.service());
            appendFor(b, f, s, f.kind() == Kind.CLUSTER_IP ? s.internalEndpoints() : s.externalEndpoints());
        }
        return b.toString();
    }

    private void append(StringBuilder b, Frontend f, List<PlanEndpoint> reals) {
        appendFor(b, f, services.get(f.service()), reals);
    }

    private void appendFor(StringBuilder b, Frontend f, ServicePortPlan s, List<PlanEndpoint> reals) {
        String service = flag(f.key().protocol()) + " " + hostPort(f.key().address(), f.key().port());
        b.append("-A ").append(service).append(" -s ").append(scheduler);
        if (s.affinitySeconds() > 0) b.append(" -p ").append(s.affinitySeconds());
        b.append('\n');
        for (PlanEndpoint e : reals) b.append("-a ").append(service).append(" -r ").append(e.hostPort()).append(" -m -w 1\n");
    }

    private static String flag(Protocol p) {
        return switch (p) {
            case TCP -> "-t";
            case UDP -> "-u";
            case SCTP -> "--sctp-service";
        };
    }

    static String hostPort(IpAddress a, int port) {
        return a.family() == Family.IPV4 ? a.text() + ":" + port : "[" + a.text() + "]:" + port;
    }
}
