package dev.netc.ir.plan;

import dev.netc.ir.IpAddress;
import java.util.List;

/**
 * The policy decisions for one pod on its node, per direction, in the order they are judged:
 * <ol>
 * <li>{@code admin…}: AdminNetworkPolicy rules in precedence order; the first match allows, denies, or passes
 *     to the next step;</li>
 * <li>NetworkPolicy: a pod isolated in a direction (some policy of {@code ingressIsolatedBy}/{@code egressIsolatedBy}
 *     selects it for that direction) accepts only what one of its allow entries ({@code ingress}/{@code egress})
 *     matches;</li>
 * <li>{@code baseline…}: for a pod NetworkPolicy does not isolate, the BaselineAdminNetworkPolicy rules, first
 *     match deciding;</li>
 * <li>otherwise the connection is allowed.</li>
 * </ol>
 */
public record PodPolicy(String namespace, String name, List<IpAddress> ips, List<String> ingressIsolatedBy,
                        List<String> egressIsolatedBy, List<PolicyAllow> ingress, List<PolicyAllow> egress,
                        List<TierRule> adminIngress, List<TierRule> adminEgress, List<TierRule> baselineIngress,
                        List<TierRule> baselineEgress) {
    public PodPolicy {
        ips = List.copyOf(ips);
        ingressIsolatedBy = List.copyOf(ingressIsolatedBy);
        egressIsolatedBy = List.copyOf(egressIsolatedBy);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        adminIngress = List.copyOf(adminIngress);
        adminEgress = List.copyOf(adminEgress);
        baselineIngress = List.copyOf(baselineIngress);
        baselineEgress = List.copyOf(baselineEgress);
    }

    /** A pod only NetworkPolicy applies to. */
    public PodPolicy(String namespace, String name, List<IpAddress> ips, List<String> ingressIsolatedBy,
                     List<String> egressIsolatedBy, List<PolicyAllow> ingress, List<PolicyAllow> egress) {
        this(namespace, name, ips, ingressIsolatedBy, egressIsolatedBy, ingress, egress, List.of(), List.of(), List.of(),
                List.of());
    }

    /** Whether some NetworkPolicy isolates the pod for ingress. */
    public boolean ingressIsolated() {
        return !ingressIsolatedBy.isEmpty();
    }

    /** Whether some NetworkPolicy isolates the pod for egress. */
    public boolean egressIsolated() {
        return !egressIsolatedBy.isEmpty();
    }

    /** The policies that isolate the pod in one direction, in plan order. */
    public List<String> isolatedBy(boolean ingressDirection) {
        return ingressDirection ? ingressIsolatedBy : egressIsolatedBy;
    }

    /** Whether anything restricts this direction (some rule of any tier, or NetworkPolicy isolation). */
    public boolean restricts(boolean ingressDirection) {
        return ingressDirection
                ? ingressIsolated() || !adminIngress.isEmpty() || !baselineIngress.isEmpty()
                : egressIsolated() || !adminEgress.isEmpty() || !baselineEgress.isEmpty();
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }
}
