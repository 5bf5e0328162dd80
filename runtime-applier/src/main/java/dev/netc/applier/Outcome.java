package dev.netc.applier;

import java.util.Map;
import java.util.TreeMap;

/**
 * What applying one backend did: applied (in which mode), nothing to change, or a dry run; and the listings
 * of the kernel's state to record under the bundle's digest, for the next re-apply and {@code --check}.
 */
public record Outcome(Status status, String mode, Map<String, String> listings) {
    public enum Status { APPLIED, UNCHANGED, DRY_RUN }

    public Outcome {
        listings = java.util.Collections.unmodifiableMap(new TreeMap<>(listings));
    }

    public static Outcome applied(String mode, Map<String, String> listings) {
        return new Outcome(Status.APPLIED, mode, listings);
    }

    public static Outcome unchanged(Map<String, String> listings) {
        return new Outcome(Status.UNCHANGED, "unchanged", listings);
    }

    public static Outcome dryRun() {
        return new Outcome(Status.DRY_RUN, "dry run", Map.of());
    }
}
