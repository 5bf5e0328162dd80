package dev.netc.ir.plan;

import java.util.List;
import java.util.Optional;

/**
 * One allow entry of a pod's list: peers in {@code peers} (empty = any address) on {@code ports} (empty =
 * every port of every protocol). {@code policies} names the NetworkPolicies it comes from
 * ({@code ns/name}), for comments and for {@code netc explain}.
 */
public record PolicyAllow(Optional<String> peers, List<PortRange> ports, List<String> policies) {
    public PolicyAllow {
        ports = List.copyOf(ports);
        policies = List.copyOf(policies);
    }
}
