package dev.netc.ir.plan;

import java.util.List;
import java.util.Optional;

/**
 * One node's NetworkPolicy decisions: its local pods that some policy isolates (pods no policy selects are
 * absent: they accept everything), and the address sets their allow entries name.
 */
public record PolicyPlan(List<PodPolicy> pods, List<AddressSet> addressSets) {
    public static final PolicyPlan EMPTY = new PolicyPlan(List.of(), List.of());

    public PolicyPlan {
        pods = List.copyOf(pods);
        addressSets = List.copyOf(addressSets);
    }

    public Optional<AddressSet> set(String name) {
        return addressSets.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public boolean isEmpty() {
        return pods.isEmpty();
    }
}
