package dev.netc.ir.plan;

import java.util.List;
import java.util.Optional;

/**
 * What one node sees of one Service port that is not what every node sees: its own endpoints (ready ones, or
 * if it has none, its serving terminating ones), used by Local traffic policies.
 *
 * @param service         the index of the Service port in {@link NetworkPlan#services()}
 * @param endpoints       this node's usable endpoints of it, sorted
 * @param clusterOverride the cluster-wide endpoints as this node sees them, when that differs from
 *                        {@link ServicePortPlan#clusterEndpoints()}: only when a slice lists an address twice
 *                        with different conditions and the node holds a later copy (kube-proxy then prefers
 *                        the local copy); empty otherwise
 */
public record LocalEndpoints(int service, List<PlanEndpoint> endpoints, Optional<List<PlanEndpoint>> clusterOverride) {
    public LocalEndpoints {
        endpoints = List.copyOf(endpoints);
        clusterOverride = clusterOverride.map(List::copyOf);
    }
}
