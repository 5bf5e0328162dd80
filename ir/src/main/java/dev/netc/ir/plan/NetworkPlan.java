package dev.netc.ir.plan;

import dev.netc.ir.Family;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the passes decided: the resolved cluster model (allocations done), the endpoint slices every Service
 * uses (given or derived from selectors), the Service table every node shares (computed once), and one plan per
 * node holding only what is that node's own. Backends read only this.
 *
 * @param services         one entry per Service port and family, sorted by Service, port name, protocol, family:
 *                         its frontends and cluster-wide endpoints as every node sees them (node ports as the
 *                         Service asks for them, {@link ServicePortPlan#localEndpoints()} empty and no endpoint
 *                         marked local; a node's own endpoints are in {@link NodePlan#local()})
 * @param policyResolution carries the policy passes' work from one to the next; it is empty outside them
 * @param dns              the cluster DNS zones and their records
 */
public record NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<ServicePortPlan> services,
                          List<NodePlan> nodes, IngressPlan ingress, PolicyResolution policyResolution, PodNetworkPlan podNetwork,
                          DnsPlan dns) {
    public NetworkPlan {
        endpointSlices = List.copyOf(endpointSlices);
        services = List.copyOf(services);
        nodes = List.copyOf(nodes);
    }

    /** A plan before the services and ingress passes. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<NodePlan> nodes) {
        this(cluster, endpointSlices, List.of(), nodes, IngressPlan.EMPTY);
    }

    /** A plan before the DNS pass. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<ServicePortPlan> services,
                       List<NodePlan> nodes, IngressPlan ingress, PolicyResolution policyResolution, PodNetworkPlan podNetwork) {
        this(cluster, endpointSlices, services, nodes, ingress, policyResolution, podNetwork, DnsPlan.NONE);
    }

    /** A plan before the pod network pass. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<ServicePortPlan> services,
                       List<NodePlan> nodes, IngressPlan ingress, PolicyResolution policyResolution) {
        this(cluster, endpointSlices, services, nodes, ingress, policyResolution, PodNetworkPlan.NONE);
    }

    /** A plan outside the policy passes. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<ServicePortPlan> services,
                       List<NodePlan> nodes, IngressPlan ingress) {
        this(cluster, endpointSlices, services, nodes, ingress, PolicyResolution.EMPTY);
    }

    public Optional<NodePlan> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The whole view of the node of this name ({@link #view}). */
    public Optional<NodeView> nodeView(String name) {
        return node(name).map(this::view);
    }

    /** Every node's whole view, in plan order (O(nodes x services): for tests and small plans). */
    public List<NodeView> views() {
        return nodes.stream().map(this::view).toList();
    }

    public List<ServicePortPlan> services(Family f) {
        return services.stream().filter(s -> s.family() == f).toList();
    }

    public NetworkPlan withNodes(List<NodePlan> newNodes) {
        return new NetworkPlan(cluster, endpointSlices, services, newNodes, ingress, policyResolution, podNetwork, dns);
    }

    public NetworkPlan withServices(List<ServicePortPlan> newServices, List<NodePlan> newNodes) {
        return new NetworkPlan(cluster, endpointSlices, newServices, newNodes, ingress, policyResolution, podNetwork, dns);
    }

    public NetworkPlan withEndpointSlices(List<EndpointSlice> slices) {
        return new NetworkPlan(cluster, slices, services, nodes, ingress, policyResolution, podNetwork, dns);
    }

    public NetworkPlan withIngress(IngressPlan i) {
        return new NetworkPlan(cluster, endpointSlices, services, nodes, i, policyResolution, podNetwork, dns);
    }

    public NetworkPlan withPolicyResolution(PolicyResolution r) {
        return new NetworkPlan(cluster, endpointSlices, services, nodes, ingress, r, podNetwork, dns);
    }

    public NetworkPlan withPodNetwork(PodNetworkPlan p) {
        return new NetworkPlan(cluster, endpointSlices, services, nodes, ingress, policyResolution, p, dns);
    }

    public NetworkPlan withDns(DnsPlan d) {
        return new NetworkPlan(cluster, endpointSlices, services, nodes, ingress, policyResolution, podNetwork, d);
    }

    /** The Service ports as node {@code n} sees them, one list (O(services) for each call). */
    public List<ServicePortPlan> servicesOf(NodePlan n) {
        Map<Integer, LocalEndpoints> own = new HashMap<>();
        for (LocalEndpoints l : n.local()) own.put(l.service(), l);
        List<ServicePortPlan> out = new ArrayList<>(services.size());
        for (int i = 0; i < services.size(); i++) out.add(seenBy(services.get(i), n, own.get(i)));
        return out;
    }

    /** Node {@code n}'s whole view: every Service port as it sees it, and its policy. */
    public NodeView view(NodePlan n) {
        return new NodeView(n.node(), n.clusterCIDRs(), n.masqueradeAll(), n.nodePortAddresses(), servicesOf(n), n.policy());
    }

    /** One shared Service port as node {@code n} sees it, with {@code own} its entry there (or null). */
    public static ServicePortPlan seenBy(ServicePortPlan s, NodePlan n, LocalEndpoints own) {
        int nodePort = n.nodePortsClosed().contains(s.family()) ? 0 : s.nodePort();
        boolean external = nodePort != 0 || !s.externalIPs().isEmpty() || !s.loadBalancerIPs().isEmpty();
        List<PlanEndpoint> cluster = own != null && own.clusterOverride().isPresent() ? own.clusterOverride().get()
                : s.clusterEndpoints();
        List<PlanEndpoint> local = own == null ? List.of() : own.endpoints();
        // an address the node holds a copy of is its own (kube-proxy prefers the local copy of a duplicate)
        java.util.TreeMap<PlanEndpoint, PlanEndpoint> mine = new java.util.TreeMap<>();
        for (PlanEndpoint e : local) mine.put(e, e);
        List<PlanEndpoint> marked = new ArrayList<>(cluster.size());
        for (PlanEndpoint e : cluster) {
            PlanEndpoint m = mine.get(e);
            if (m != null && m.ready() == e.ready() && m.serving() == e.serving() && m.terminating() == e.terminating()) marked.add(m);
            else marked.add(e.local() == e.nodeName().equals(n.name()) ? e : e.withLocal(!e.local()));
        }
        return new ServicePortPlan(s.namespace(), s.serviceName(), s.portName(), s.protocol(), s.family(), s.clusterIP(),
                s.port(), nodePort, s.externalIPs(), s.loadBalancerIPs(), s.loadBalancerSourceRanges(),
                s.externalLocal() && external, s.internalLocal(), s.affinitySeconds(), marked, local, !cluster.isEmpty(), s.origin());
    }

    /**
     * A plan from whole node views (tests, hand-made plans): the Service table is the views' with the local parts
     * left out, and must be the same for every view; each view's local endpoints become its node's own part.
     */
    public static NetworkPlan fromViews(Cluster cluster, List<EndpointSlice> slices, List<NodeView> views) {
        List<ServicePortPlan> shared = null;
        List<NodePlan> nodes = new ArrayList<>();
        for (NodeView v : views) {
            List<ServicePortPlan> mine = v.services().stream().map(NetworkPlan::shared).toList();
            if (shared == null) shared = mine;
            else if (!shared.equals(mine)) throw new IllegalArgumentException("node " + v.name() + " sees another Service table");
            List<LocalEndpoints> local = new ArrayList<>();
            for (int i = 0; i < v.services().size(); i++) {
                ServicePortPlan s = v.services().get(i);
                if (!s.localEndpoints().isEmpty()) local.add(new LocalEndpoints(i, s.localEndpoints(), Optional.empty()));
            }
            nodes.add(new NodePlan(v.node(), v.clusterCIDRs(), v.masqueradeAll(), v.nodePortAddresses(), java.util.Set.of(), local,
                    v.policy()));
        }
        return new NetworkPlan(cluster, slices, shared == null ? List.of() : shared, nodes, IngressPlan.EMPTY);
    }

    private static ServicePortPlan shared(ServicePortPlan s) {
        return new ServicePortPlan(s.namespace(), s.serviceName(), s.portName(), s.protocol(), s.family(), s.clusterIP(),
                s.port(), s.nodePort(), s.externalIPs(), s.loadBalancerIPs(), s.loadBalancerSourceRanges(), s.externalLocal(),
                s.internalLocal(), s.affinitySeconds(), s.clusterEndpoints().stream().map(e -> e.withLocal(false)).toList(),
                List.of(), s.hasEndpoints(), s.origin());
    }
}
