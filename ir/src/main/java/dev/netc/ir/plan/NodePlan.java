package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Node;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What is one node's own: the Service table every node shares is {@link NetworkPlan#services()}; here are only
 * the node, its node-port addresses, and its own endpoints of the Service ports (for Local traffic policies).
 * {@link NetworkPlan#view} gives the node's whole picture when a reader needs it.
 *
 * @param clusterCIDRs       pod address ranges: traffic to a Service from outside them is masqueraded
 * @param masqueradeAll      masquerade every Service connection (kube-proxy's --masquerade-all)
 * @param nodePortAddresses  this node's addresses that accept NodePort traffic; none of a family = every local address
 *                           of that family (Services of a family whose CIDRs match no address have no node port)
 * @param nodePortsClosed    the families in which this node opens no node port at all (nodePortAddresses names CIDRs
 *                           of the family and none holds an address of the node)
 * @param local              this node's own endpoints, one entry per Service port that has some here, by service index
 * @param policy             NetworkPolicy enforcement for this node's pods
 */
public record NodePlan(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
                       Set<Family> nodePortsClosed, List<LocalEndpoints> local, PolicyPlan policy) {
    public NodePlan {
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodePortAddresses = List.copyOf(nodePortAddresses);
        nodePortsClosed = nodePortsClosed.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nodePortsClosed));
        local = List.copyOf(local);
    }

    /** A node plan before the policy pass has run (no pod isolated). */
    public NodePlan(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
                    Set<Family> nodePortsClosed, List<LocalEndpoints> local) {
        this(node, clusterCIDRs, masqueradeAll, nodePortAddresses, nodePortsClosed, local, PolicyPlan.EMPTY);
    }

    /** A node plan with every node port open and no endpoint of its own, before the policy pass. */
    public NodePlan(Node node, List<Cidr> clusterCIDRs, boolean masqueradeAll, List<IpAddress> nodePortAddresses,
                    List<LocalEndpoints> local) {
        this(node, clusterCIDRs, masqueradeAll, nodePortAddresses, Set.of(), local, PolicyPlan.EMPTY);
    }

    public String name() {
        return node.meta().name();
    }

    public List<Cidr> clusterCIDRs(Family f) {
        return clusterCIDRs.stream().filter(c -> c.family() == f).toList();
    }

    public List<IpAddress> nodePortAddresses(Family f) {
        return nodePortAddresses.stream().filter(a -> a.family() == f).toList();
    }

    /**
     * Whether this node sees some Service port of the family otherwise than the shared table says beyond its Local
     * endpoints (node ports closed in the family, or a cluster-wide endpoint list of its own): its rulesets are then
     * rendered whole for it instead of from the shared part.
     */
    public boolean deviates(Family f, List<ServicePortPlan> shared) {
        if (nodePortsClosed.contains(f) && shared.stream().anyMatch(s -> s.family() == f && s.nodePort() != 0)) return true;
        return local.stream().anyMatch(l -> l.clusterOverride().isPresent() && shared.get(l.service()).family() == f);
    }

    public NodePlan withPolicy(PolicyPlan p) {
        return new NodePlan(node, clusterCIDRs, masqueradeAll, nodePortAddresses, nodePortsClosed, local, p);
    }
}
