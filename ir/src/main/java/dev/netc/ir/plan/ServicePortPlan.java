package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One Service port in one address family, on one node: its frontends and the endpoints behind them.
 *
 * @param portName         the Service port's name, empty when it has none
 * @param clusterIP        empty for headless and ExternalName Services (which then have no frontends here)
 * @param nodePort         0 when the Service has none
 * @param externalLocal    externalTrafficPolicy: Local (external frontends use only local endpoints)
 * @param internalLocal    internalTrafficPolicy: Local (cluster IP uses only local endpoints)
 * @param affinitySeconds  ClientIP session affinity timeout; 0 = no affinity
 * @param clusterEndpoints endpoints for traffic under the Cluster policy: ready ones, or if there are none,
 *                         the serving terminating ones (kube-proxy's fallback)
 * @param localEndpoints   this node's endpoints, with the same fallback, for Local policies
 * @param hasEndpoints     whether the Service port has any usable endpoint anywhere: when false its
 *                         frontends reject; when true but a Local policy finds none here, they drop
 * @param origin           the Service port it comes from ({@code Service/ns/name spec.ports[i]}, where it was
 *                         written); empty for plans made by hand
 */
public record ServicePortPlan(String namespace, String serviceName, String portName, Protocol protocol,
                              Family family, Optional<IpAddress> clusterIP, int port, int nodePort,
                              List<IpAddress> externalIPs, List<IpAddress> loadBalancerIPs,
                              List<Cidr> loadBalancerSourceRanges, boolean externalLocal, boolean internalLocal,
                              int affinitySeconds, List<PlanEndpoint> clusterEndpoints,
                              List<PlanEndpoint> localEndpoints, boolean hasEndpoints, Optional<Origin> origin) {
    public ServicePortPlan {
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
        clusterEndpoints = List.copyOf(clusterEndpoints);
        localEndpoints = List.copyOf(localEndpoints);
    }

    /** A plan made by hand (tests), its origin unknown. */
    public ServicePortPlan(String namespace, String serviceName, String portName, Protocol protocol,
                           Family family, Optional<IpAddress> clusterIP, int port, int nodePort,
                           List<IpAddress> externalIPs, List<IpAddress> loadBalancerIPs,
                           List<Cidr> loadBalancerSourceRanges, boolean externalLocal, boolean internalLocal,
                           int affinitySeconds, List<PlanEndpoint> clusterEndpoints,
                           List<PlanEndpoint> localEndpoints, boolean hasEndpoints) {
        this(namespace, serviceName, portName, protocol, family, clusterIP, port, nodePort, externalIPs, loadBalancerIPs,
                loadBalancerSourceRanges, externalLocal, internalLocal, affinitySeconds, clusterEndpoints, localEndpoints,
                hasEndpoints, Optional.empty());
    }

    /** kube-proxy's ServicePortName: {@code ns/name:port}, or {@code ns/name} for an unnamed port. */
    public String servicePortName() {
        return namespace + "/" + serviceName + (portName.isEmpty() ? "" : ":" + portName);
    }

    /** Whether traffic can arrive from outside the cluster (node ports, external IPs, load balancer IPs). */
    public boolean externallyAccessible() {
        return nodePort != 0 || !externalIPs.isEmpty() || !loadBalancerIPs.isEmpty();
    }

    /** Endpoints for traffic to the cluster IP. */
    public List<PlanEndpoint> internalEndpoints() {
        return internalLocal ? localEndpoints : clusterEndpoints;
    }

    /** Endpoints for traffic to node ports, external IPs and load balancer IPs. */
    public List<PlanEndpoint> externalEndpoints() {
        return externalLocal ? localEndpoints : clusterEndpoints;
    }

    /**
     * Whether some path uses the cluster-wide endpoints: the cluster IP under the Cluster policy, or any external
     * frontend (even under externalTrafficPolicy Local, pod and node traffic to it goes to all endpoints).
     */
    public boolean usesClusterEndpoints() {
        return !internalLocal || externallyAccessible();
    }

    /** Whether some path uses only this node's endpoints. */
    public boolean usesLocalEndpoints() {
        return internalLocal || (externallyAccessible() && externalLocal);
    }

    /** Every endpoint some frontend of this node may use (one DNAT target each), sorted. */
    public List<PlanEndpoint> reachableEndpoints() {
        TreeSet<PlanEndpoint> all = new TreeSet<>();
        if (usesClusterEndpoints()) all.addAll(clusterEndpoints);
        if (usesLocalEndpoints()) all.addAll(localEndpoints);
        return List.copyOf(all);
    }
}
