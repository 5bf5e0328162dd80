package dev.netc.ir.plan;

import dev.netc.ir.Origin;
import java.util.List;
import java.util.Optional;

/**
 * One rule of an AdminNetworkPolicy (or of the baseline policy) as it applies to one pod: the first rule whose
 * peers ({@code peers}: a set name, empty = any address) and ports (empty = every port) match decides.
 * {@code origin} names the policy and rule ({@code AdminNetworkPolicy/name:rule}), {@code rule} where that rule
 * was written ({@code spec.ingress[i]}).
 */
public record TierRule(Action action, Optional<String> peers, List<PortRange> ports, String origin, Optional<Origin> rule) {
    public enum Action { ALLOW, DENY, PASS }

    public TierRule {
        ports = List.copyOf(ports);
    }

    /** A rule whose place in its policy is not known (made by hand, in tests). */
    public TierRule(Action action, Optional<String> peers, List<PortRange> ports, String origin) {
        this(action, peers, ports, origin, Optional.empty());
    }
}
