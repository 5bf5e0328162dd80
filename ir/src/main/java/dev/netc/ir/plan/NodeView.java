package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Node;
import java.util.List;

/**
 * One node's whole view of the plan, as one list: every Service port as this node sees it (its node ports,
 * its Local endpoints), computed on demand by {@link NetworkPlan#view} from the cluster-wide Service table and
 * the node's own part. For the readers that want a node's full picture (tests, a per-node render of a node
 * that differs from the others); the plan itself keeps only what is the node's own.
 *
 * @param services one entry per Service port and family, sorted by Service, port name, family
 */
public record NodeView(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
                       List<ServicePortPlan> services, PolicyPlan policy) {
    public NodeView {
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodePortAddresses = List.copyOf(nodePortAddresses);
        services = List.copyOf(services);
    }

    public NodeView(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
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

    public NodeView withPolicy(PolicyPlan p) {
        return new NodeView(node, clusterCIDRs, masqueradeAll, nodePortAddresses, services, p);
    }
}
