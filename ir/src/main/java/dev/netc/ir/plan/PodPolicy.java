package dev.netc.ir.plan;

import dev.netc.ir.IpAddress;
import java.util.List;

/**
 * The policy decisions for one pod on its node. A pod isolated in a direction accepts in that direction only
 * what one of its allow entries matches; a pod not isolated accepts everything in that direction.
 */
public record PodPolicy(String namespace, String name, List<IpAddress> ips, boolean ingressIsolated,
                        boolean egressIsolated, List<PolicyAllow> ingress, List<PolicyAllow> egress) {
    public PodPolicy {
        ips = List.copyOf(ips);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
