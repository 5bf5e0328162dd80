package dev.netc.ir.model;

import java.util.Comparator;

/** Anything read from input that has an identity. */
public sealed interface KubeObject
        permits Namespace, Node, Pod, Workload, Service, EndpointSlice, NetworkPolicy, Ingress, IngressClass,
        TlsSecret, ClusterProfile, AdminNetworkPolicy {
    Comparator<KubeObject> BY_ID = Comparator.comparing((KubeObject o) -> o.meta().kind())
            .thenComparing(o -> o.meta().namespace())
            .thenComparing(o -> o.meta().name());

    ObjectMeta meta();
}
