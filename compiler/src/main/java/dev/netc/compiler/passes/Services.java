package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The DNAT plan: once for the cluster, every Service port in every family the Service has a cluster IP in,
 * with its frontends and the endpoints behind them, chosen as kube-proxy chooses them (its
 * {@code CategorizeEndpoints}): ready endpoints, or when there are none anywhere, the serving terminating ones;
 * Local traffic policies use only the node's own endpoints with the same fallback among them.
 * externalTrafficPolicy applies only to Services reachable from outside (node ports, external IPs,
 * load-balancer IPs). Headless and ExternalName Services have no frontends.
 *
 * <p>Endpoints are read from the plan's EndpointSlices as kube-proxy reads them: slices of the Service and the
 * family, the slice port whose name and protocol equal the Service port's, the first address of each endpoint,
 * an endpoint listed twice counted once (the local copy preferred).
 *
 * <p>Node ports, per family as kube-proxy reads {@code nodePortAddresses}: no CIDR of the family (or a /0) =
 * every local address; otherwise the node's addresses inside those CIDRs, loopback left out (netc never opens
 * localhost node ports); CIDRs that match none of the node's addresses = no node port in that family there.
 */
public final class Services implements Pass<NetworkPlan, NetworkPlan> {
    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice x : plan.endpointSlices()) {
            slicesByService.computeIfAbsent(x.meta().namespace() + "/" + x.serviceName(), k -> new ArrayList<>()).add(x);
        }
        // Endpoints do not depend on the node (only "local" does): read them once per Service port and family.
        List<PortInFamily> ports = new ArrayList<>();
        for (Service s : c.services()) {
            if (s.headless() || s.type() == Service.Type.ExternalName) continue;
            List<EndpointSlice> slices = slicesByService.getOrDefault(s.namespace() + "/" + s.name(), List.of());
            for (IpAddress clusterIp : s.clusterIPs()) {
                for (ServicePort p : s.ports()) ports.add(new PortInFamily(s, p, clusterIp, endpoints(slices, p, clusterIp.family())));
            }
        }
        ports.sort(Comparator.comparing(PortInFamily::sortKey));

        // The shared table once; each node's own endpoints from the endpoints that name it: O(ports + endpoints).
        Map<String, List<LocalEndpoints>> local = new HashMap<>();
        List<ServicePortPlan> shared = new ArrayList<>(ports.size());
        for (int i = 0; i < ports.size(); i++) {
            PortInFamily p = ports.get(i);
            Resolved r = resolve(p.endpoints());
            shared.add(portPlan(p, r.cluster()));
            for (Map.Entry<String, LocalEndpoints> e : r.perNode(i).entrySet()) {
                local.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        List<NodePlan> nodes = new ArrayList<>();
        for (Node n : c.nodes()) {
            NodePorts np = NodePorts.of(n, c.profile().proxy());
            Set<Family> closed = EnumSet.noneOf(Family.class);
            for (Family f : Family.values()) if (!np.open(f)) closed.add(f);
            nodes.add(new NodePlan(n, c.profile().clusterCIDRs(), c.profile().proxy().masqueradeAll(), np.addresses(), closed,
                    local.getOrDefault(n.name(), List.of())));
        }
        return plan.withServices(shared, nodes);
    }

    /**
     * One port's endpoints deduplicated as kube-proxy does (an address listed twice counts once: the first copy, or a
     * later copy that is local), for every node at once: {@code first} holds the first copy of each address,
     * {@code byNode} each node's first copy of each address it holds.
     */
    private record Resolved(Map<String, SliceEndpoint> first, Map<String, Map<String, SliceEndpoint>> byNode,
                            List<PlanEndpoint> cluster) {
        Map<String, LocalEndpoints> perNode(int service) {
            Map<String, LocalEndpoints> out = new TreeMap<>();
            byNode.forEach((node, own) -> {
                List<PlanEndpoint> mine = own.values().stream().map(e -> e.plan(true)).toList();
                List<PlanEndpoint> usable = usable(mine);
                boolean differs = own.entrySet().stream().anyMatch(e -> !e.getValue().sameConditions(first.get(e.getKey())));
                Optional<List<PlanEndpoint>> override = Optional.empty();
                if (differs) {
                    List<PlanEndpoint> seen = new ArrayList<>(first.size());
                    first.forEach((hostPort, e) -> seen.add(own.getOrDefault(hostPort, e).plan(false)));
                    override = Optional.of(usable(seen).stream().map(e -> e.withLocal(false)).toList());
                }
                if (!usable.isEmpty() || override.isPresent()) out.put(node, new LocalEndpoints(service, usable, override));
            });
            return out;
        }
    }

    private static Resolved resolve(List<SliceEndpoint> copies) {
        Map<String, SliceEndpoint> first = new LinkedHashMap<>();
        Map<String, Map<String, SliceEndpoint>> byNode = new TreeMap<>();
        for (SliceEndpoint e : copies) {
            String hostPort = e.hostPort();
            first.putIfAbsent(hostPort, e);
            if (!e.nodeName().isEmpty()) byNode.computeIfAbsent(e.nodeName(), k -> new LinkedHashMap<>()).putIfAbsent(hostPort, e);
        }
        List<PlanEndpoint> all = first.values().stream().map(e -> e.plan(false)).toList();
        return new Resolved(first, byNode, usable(all));
    }

    /** One endpoint as a slice lists it, before a node looks at it. */
    private record SliceEndpoint(IpAddress ip, int port, String nodeName, boolean ready, boolean serving, boolean terminating) {
        String hostPort() {
            return plan(false).hostPort();
        }

        PlanEndpoint plan(boolean local) {
            return new PlanEndpoint(ip, port, nodeName, local, ready, serving, terminating);
        }

        boolean sameConditions(SliceEndpoint o) {
            return ready == o.ready && serving == o.serving && terminating == o.terminating;
        }
    }

    /** One Service port in one family, with every endpoint its slices list. */
    private record PortInFamily(Service service, ServicePort port, IpAddress clusterIP, List<SliceEndpoint> endpoints) {
        Family family() {
            return clusterIP.family();
        }

        String sortKey() {
            return service.namespace() + "\u0000" + service.name() + "\u0000" + port.name() + "\u0000" + port.protocol()
                    + "\u0000" + family();
        }
    }

    /**
     * Where a node accepts node-port traffic: {@code addresses} are the explicit ones (none of a family = every
     * local address of it, unless {@code closed} says the family has none at all).
     */
    private record NodePorts(List<IpAddress> addresses, Map<Family, Boolean> closed) {
        static NodePorts of(Node n, ClusterProfile.Proxy proxy) {
            List<IpAddress> addresses = new ArrayList<>();
            Map<Family, Boolean> closed = new EnumMap<>(Family.class);
            for (Family f : Family.values()) {
                List<Cidr> cidrs = proxy.nodePortAddresses().stream().filter(x -> x.family() == f).toList();
                boolean all = cidrs.isEmpty() || cidrs.stream().anyMatch(x -> x.prefixLength() == 0);
                if (all) {
                    closed.put(f, false);
                    continue;
                }
                List<IpAddress> matching = n.addresses().stream()
                        .filter(a -> a.family() == f && !a.value().isLoopback() && cidrs.stream().anyMatch(x -> x.contains(a)))
                        .toList();
                addresses.addAll(matching);
                closed.put(f, matching.isEmpty());
            }
            return new NodePorts(addresses, closed);
        }

        boolean open(Family f) {
            return !closed.get(f);
        }
    }

    /** The endpoints the slices list for one Service port in one family, in slice order, duplicates kept. */
    private static List<SliceEndpoint> endpoints(List<EndpointSlice> slices, ServicePort p, Family f) {
        List<SliceEndpoint> out = new ArrayList<>();
        for (EndpointSlice slice : slices) {
            if (slice.addressType() != f) continue;
            Optional<EndpointSlice.EndpointPort> port = slice.ports().stream()
                    .filter(x -> x.name().equals(p.name()) && x.protocol() == p.protocol()).findFirst();
            if (port.isEmpty() || port.get().port() <= 0) continue;
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                // kube-proxy uses an endpoint's first address only, and only when it is of the slice's family
                if (e.addresses().isEmpty() || e.addresses().get(0).family() != f) continue;
                out.add(new SliceEndpoint(e.addresses().get(0), port.get().port(), e.nodeName(), e.ready(), e.serving(),
                        e.terminating()));
            }
        }
        return List.copyOf(out);
    }

    /** The shared plan of one Service port: node ports as the Service asks for them, no local endpoint. */
    private static ServicePortPlan portPlan(PortInFamily pf, List<PlanEndpoint> cluster) {
        Service s = pf.service();
        ServicePort p = pf.port();
        Family f = pf.family();
        List<IpAddress> externalIPs = s.externalIPs().stream().filter(a -> a.family() == f).toList();
        List<IpAddress> lbIPs = s.loadBalancerIPs().stream().filter(a -> a.family() == f).toList();
        List<Cidr> ranges = s.loadBalancerSourceRanges().stream().filter(r -> r.family() == f).toList();
        int nodePort = s.wantsNodePorts() ? p.nodePort() : 0;
        boolean external = nodePort != 0 || !externalIPs.isEmpty() || !lbIPs.isEmpty();
        return new ServicePortPlan(s.namespace(), s.name(), p.name(), p.protocol(), f, Optional.of(pf.clusterIP()), p.port(),
                nodePort, externalIPs, lbIPs, ranges,
                external && s.externalTrafficPolicy() == Service.TrafficPolicy.Local,
                s.internalTrafficPolicy() == Service.TrafficPolicy.Local,
                s.sessionAffinity() == Service.SessionAffinity.ClientIP ? s.affinityTimeoutSeconds() : 0,
                cluster, List.of(), !cluster.isEmpty(), Optional.of(Origin.at(s.meta().id(), "spec.ports[" + s.ports().indexOf(p) + "]", p.pos())));
    }

    /**
     * Ready endpoints, or if there are none, the serving terminating ones, sorted. Whether any endpoint is usable
     * anywhere is then simply whether the cluster-wide list is non-empty.
     */
    private static List<PlanEndpoint> usable(List<PlanEndpoint> scope) {
        List<PlanEndpoint> ready = scope.stream().filter(PlanEndpoint::ready).sorted().toList();
        if (!ready.isEmpty()) return ready;
        return scope.stream().filter(e -> e.serving() && e.terminating()).sorted().toList();
    }
}
