package dev.netc.ir.plan;

import dev.netc.ir.Origin;
import java.util.List;
import java.util.Optional;

/**
 * One allow entry of a pod's list: peers in {@code peers} (empty = any address) on {@code ports} (empty =
 * every port of every protocol). {@code policies} names the NetworkPolicies it comes from
 * ({@code ns/name}), for comments and for {@code netc explain}; {@code rules} the rules themselves
 * ({@code spec.ingress[i]} and where each was written), sorted.
 */
public record PolicyAllow(Optional<String> peers, List<PortRange> ports, List<String> policies, List<Origin> rules) {
    public PolicyAllow {
        ports = List.copyOf(ports);
        policies = List.copyOf(policies);
        rules = List.copyOf(rules);
    }

    /** An entry whose rules are not known (made by hand, in tests). */
    public PolicyAllow(Optional<String> peers, List<PortRange> ports, List<String> policies) {
        this(peers, ports, policies, List.of());
    }
}
