package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Node;
import java.util.List;

/**
 * Everything one node's kernel must do.
 *
 * @param clusterCIDRs      pod address ranges: traffic to a Service from outside them is masqueraded
 * @param masqueradeAll     masquerade every Service connection (kube-proxy's --masquerade-all)
 * @param nodePortAddresses this node's addresses that accept NodePort traffic; none of a family = every local address
 *                          of that family (Services of a family whose CIDRs match no address have no node port)
 * @param services          one entry per Service port and family, sorted by Service, port name, family
 * @param policy            NetworkPolicy enforcement for this node's pods
 */
public record NodePlan(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll,
                       List<IpAddress> nodePortAddresses, List<ServicePortPlan> services, PolicyPlan policy) {
    public NodePlan {
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodePortAddresses = List.copyOf(nodePortAddresses);
        services = List.copyOf(services);
    }

    /** A node plan before the policy pass has run (no pod isolated). */
    public NodePlan(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
                    List<ServicePortPlan> services) {
        this(node, clusterCIDRs, masqueradeAll, nodePortAddresses, services, PolicyPlan.EMPTY);
    }

    public String name() {
        return node.meta().name();
    }

    public List<ServicePortPlan> services(Family f) {
        return services.stream().filter(s -> s.family() == f).toList();
    }

    public List<Cidr> clusterCIDRs(Family f) {
        return clusterCIDRs.stream().filter(c -> c.family() == f).toList();
    }

    public List<IpAddress> nodePortAddresses(Family f) {
        return nodePortAddresses.stream().filter(a -> a.family() == f).toList();
    }

    public NodePlan withServices(List<ServicePortPlan> s) {
        return new NodePlan(node, clusterCIDRs, masqueradeAll, nodePortAddresses, s, policy);
    }

    public NodePlan withPolicy(PolicyPlan p) {
        return new NodePlan(node, clusterCIDRs, masqueradeAll, nodePortAddresses, services, p);
    }
}
