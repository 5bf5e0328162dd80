package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * What the policy passes resolved before the merge: the NetworkPolicy pass and the admin-tier pass fill it in,
 * the merge pass turns it into each node's {@link PolicyPlan} and leaves it {@link #EMPTY} again, so it lives
 * only between those passes (backends never read it).
 *
 * <p>A pod is named by its position in {@code cluster().pods()}, a peer set by its position in {@code peerSets}.
 * Every distinct peer set is here once (rules with the same peers share it), so the work of resolving a selector
 * is done once however many rules and pods use its result.
 *
 * @param peerSets        distinct peer address sets, before aggregation
 * @param networkPolicies one entry per NetworkPolicy, in cluster order
 * @param tiers           one entry per AdminNetworkPolicy and BaselineAdminNetworkPolicy, in the order they are
 *                        judged (priority, then name)
 */
public record PolicyResolution(List<Peers> peerSets, List<Selected> networkPolicies, List<Tier> tiers) {
    public static final PolicyResolution EMPTY = new PolicyResolution(List.of(), List.of(), List.of());

    public PolicyResolution {
        peerSets = List.copyOf(peerSets);
        networkPolicies = List.copyOf(networkPolicies);
        tiers = List.copyOf(tiers);
    }

    public PolicyResolution withNetworkPolicies(List<Peers> sets, List<Selected> policies) {
        return new PolicyResolution(sets, policies, tiers);
    }

    public PolicyResolution withTiers(List<Peers> sets, List<Tier> t) {
        return new PolicyResolution(sets, networkPolicies, t);
    }

    /**
     * Peer addresses: {@code any} = every address; otherwise the prefixes in a canonical order (equal sets, equal
     * lists), not yet aggregated.
     */
    public record Peers(boolean any, List<Cidr> cidrs) {
        public static final Peers ANY = new Peers(true, List.of());

        public Peers {
            cidrs = List.copyOf(cidrs);
        }

        /** Whether no address can match. */
        public boolean isEmpty() {
            return !any && cidrs.isEmpty();
        }
    }

    /**
     * A named container port a rule gives, looked up on the pod that receives the traffic; {@code protocol} empty =
     * the port of that name whatever its protocol (AdminNetworkPolicy's {@code namedPort}).
     */
    public record NamedPort(String name, Optional<Protocol> protocol) {
    }

    /**
     * What one allow or tier rule matches before it meets a pod: peers {@code peerSets[peers]} on the ports
     * {@code ports} plus the numbers the receiving pod gives {@code receiverPorts}; {@code anyPort} = every port
     * of every protocol. A match whose ports come to nothing for a pod (only names it lacks) matches nothing there.
     */
    public record Match(int peers, boolean anyPort, List<PortRange> ports, List<NamedPort> receiverPorts) {
        public Match {
            ports = List.copyOf(ports);
            receiverPorts = List.copyOf(receiverPorts);
        }
    }

    /**
     * A NetworkPolicy resolved: {@code origin} ({@code ns/name}), the pods it selects (positions, ascending), the
     * directions it isolates and what each direction's rules allow; {@code ingressRules} and {@code egressRules} give
     * the rule ({@code spec.ingress[i]}, where it was written) each match of the same position comes from.
     */
    public record Selected(String origin, List<Integer> pods, boolean ingressIsolation, boolean egressIsolation,
                           List<Match> ingress, List<Match> egress, List<Origin> ingressRules, List<Origin> egressRules) {
        public Selected {
            pods = List.copyOf(pods);
            ingress = List.copyOf(ingress);
            egress = List.copyOf(egress);
            ingressRules = List.copyOf(ingressRules);
            egressRules = List.copyOf(egressRules);
            if (ingressRules.size() != ingress.size() || egressRules.size() != egress.size()) {
                throw new IllegalArgumentException("one rule origin per match");
            }
        }
    }

    /** One rule of a tier as it matches: its action, {@code origin} ({@code Kind/name:rule}), match and where the rule was written. */
    public record TierMatch(TierRule.Action action, String origin, Match match, Origin rule) {
    }

    /** An AdminNetworkPolicy ({@code baseline} false) or the baseline policy resolved: its subject pods and rules. */
    public record Tier(boolean baseline, List<Integer> pods, List<TierMatch> ingress, List<TierMatch> egress) {
        public Tier {
            pods = List.copyOf(pods);
            ingress = List.copyOf(ingress);
            egress = List.copyOf(egress);
        }
    }
}
