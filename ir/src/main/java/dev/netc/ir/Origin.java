package dev.netc.ir;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a value of the plan came from: the object ({@code NetworkPolicy/payments/ledger-from-api}), the part of it
 * ({@code spec.ingress[0]}; empty for the whole object) and where that part was written — or nowhere, when netc
 * chose the value ({@code allocated}: ClusterIPs, NodePorts, the pod IPs of a workload's replicas). The one text of
 * an origin that plan.txt and {@code netc explain} print.
 */
public record Origin(String object, String part, Optional<SourcePos> at) implements Comparable<Origin> {
    public Origin {
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(part, "part");
        Objects.requireNonNull(at, "at");
    }

    public static Origin at(String object, String part, SourcePos pos) {
        return new Origin(object, part, Optional.of(pos));
    }

    public static Origin allocated(String object, String part) {
        return new Origin(object, part, Optional.empty());
    }

    public boolean allocated() {
        return at.isEmpty();
    }

    /** By object, part, then position (an allocated value before a written one). */
    @Override
    public int compareTo(Origin o) {
        int c = object.compareTo(o.object);
        if (c != 0) return c;
        c = part.compareTo(o.part);
        if (c != 0) return c;
        if (at.isEmpty() || o.at.isEmpty()) return Boolean.compare(at.isPresent(), o.at.isPresent());
        return at.get().compareTo(o.at.get());
    }

    /** {@code ledger.yaml:12:7}, or {@code allocated}. */
    public String where() {
        return at.map(SourcePos::toString).orElse("allocated");
    }

    /** {@code NetworkPolicy/payments/ledger-from-api spec.ingress[0] (ledger.yaml:12:7)}: the object and part escaped as user text. */
    @Override
    public String toString() {
        return Text.escape(object) + (part.isEmpty() ? "" : " " + Text.escape(part)) + " (" + where() + ")";
    }
}
