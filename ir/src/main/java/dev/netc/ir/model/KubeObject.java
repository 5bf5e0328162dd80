package dev.netc.ir.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Anything read from input that has an identity. */
public sealed interface KubeObject
        permits Namespace, Node, Pod, Workload, Service, EndpointSlice, NetworkPolicy, Ingress, IngressClass,
        TlsSecret, ClusterProfile, AdminNetworkPolicy {
    Comparator<KubeObject> BY_ID = Comparator.comparing((KubeObject o) -> o.meta().kind())
            .thenComparing(o -> o.meta().namespace())
            .thenComparing(o -> o.meta().name());

    ObjectMeta meta();

    /** {@code objects} by namespace, each list in input order: one pass, for lookups within a namespace. */
    static <T extends KubeObject> Map<String, List<T>> byNamespace(List<T> objects) {
        Map<String, List<T>> out = new HashMap<>();
        for (T o : objects) out.computeIfAbsent(o.meta().namespace(), k -> new ArrayList<>()).add(o);
        return out;
    }
}
