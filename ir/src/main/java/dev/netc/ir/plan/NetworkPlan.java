package dev.netc.ir.plan;

import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import java.util.List;
import java.util.Optional;

/**
 * What the passes decided: the resolved cluster model (allocations done), the endpoint slices every Service
 * uses (given or derived from selectors), and one plan per node. Backends read only this.
 * {@code policyResolution} carries the policy passes' work from one to the next; it is empty outside them.
 */
public record NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<NodePlan> nodes,
                          IngressPlan ingress,
                          PolicyResolution policyResolution) {
    public NetworkPlan {
        endpointSlices = List.copyOf(endpointSlices);
        nodes = List.copyOf(nodes);
    }

    /** A plan before the ingress pass. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<NodePlan> nodes) {
        this(cluster, endpointSlices, nodes, IngressPlan.EMPTY);
    }

    /** A plan outside the policy passes. */
    public NetworkPlan(Cluster cluster, List<EndpointSlice> endpointSlices, List<NodePlan> nodes, IngressPlan ingress) {
        this(cluster, endpointSlices, nodes, ingress, PolicyResolution.EMPTY);
    }

    public Optional<NodePlan> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public NetworkPlan withNodes(List<NodePlan> newNodes) {
        return new NetworkPlan(cluster, endpointSlices, newNodes, ingress, policyResolution);
    }

    public NetworkPlan withEndpointSlices(List<EndpointSlice> slices) {
        return new NetworkPlan(cluster, slices, nodes, ingress, policyResolution);
    }

    public NetworkPlan withIngress(IngressPlan i) {
        return new NetworkPlan(cluster, endpointSlices, nodes, i, policyResolution);
    }

    public NetworkPlan withPolicyResolution(PolicyResolution r) {
        return new NetworkPlan(cluster, endpointSlices, nodes, ingress, r);
    }
}
