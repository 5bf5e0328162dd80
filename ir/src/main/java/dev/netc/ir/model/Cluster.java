package dev.netc.ir.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The whole cluster model: every object netc read, in canonical order (by namespace and name), so that the
 * order of files and documents in the input never shows in the output.
 */
public record Cluster(ClusterProfile profile, List<Namespace> namespaces, List<Node> nodes, List<Pod> pods,
                      List<Workload> workloads, List<Service> services, List<EndpointSlice> endpointSlices,
                      List<NetworkPolicy> networkPolicies, List<Ingress> ingresses,
                      List<IngressClass> ingressClasses, List<TlsSecret> secrets,
                      List<AdminNetworkPolicy> adminNetworkPolicies) {
    public Cluster {
        namespaces = sorted(namespaces);
        nodes = sorted(nodes);
        pods = sorted(pods);
        workloads = sorted(workloads);
        services = sorted(services);
        endpointSlices = sorted(endpointSlices);
        networkPolicies = sorted(networkPolicies);
        ingresses = sorted(ingresses);
        ingressClasses = sorted(ingressClasses);
        secrets = sorted(secrets);
        adminNetworkPolicies = sorted(adminNetworkPolicies);
    }

    /** A cluster without admin network policies. */
    public Cluster(ClusterProfile profile, List<Namespace> namespaces, List<Node> nodes, List<Pod> pods,
                   List<Workload> workloads, List<Service> services, List<EndpointSlice> endpointSlices,
                   List<NetworkPolicy> networkPolicies, List<Ingress> ingresses, List<IngressClass> ingressClasses,
                   List<TlsSecret> secrets) {
        this(profile, namespaces, nodes, pods, workloads, services, endpointSlices, networkPolicies, ingresses,
                ingressClasses, secrets, List.of());
    }

    private static <T extends KubeObject> List<T> sorted(List<T> in) {
        List<T> out = new ArrayList<>(in);
        out.sort(KubeObject.BY_ID);
        return List.copyOf(out);
    }

    public Optional<Node> node(String name) {
        return find(nodes, "", name);
    }

    public Optional<Namespace> namespace(String name) {
        return find(namespaces, "", name);
    }

    public Optional<Service> service(String namespace, String name) {
        return find(services, namespace, name);
    }

    public Optional<TlsSecret> secret(String namespace, String name) {
        return find(secrets, namespace, name);
    }

    /**
     * The first object of {@code items} (a list of one kind, sorted as the constructor sorts it: by namespace, then
     * name, equal ones in input order) with this namespace and name: a binary search, as the Ingress pass looks up a
     * Service per backend of thousands of Ingresses among ten thousand Services.
     */
    private static <T extends KubeObject> Optional<T> find(List<T> items, String namespace, String name) {
        int lo = 0;
        int hi = items.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            ObjectMeta m = items.get(mid).meta();
            int c = m.namespace().compareTo(namespace);
            if (c == 0) c = m.name().compareTo(name);
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == items.size()) return Optional.empty();
        ObjectMeta m = items.get(lo).meta();
        return m.namespace().equals(namespace) && m.name().equals(name) ? Optional.of(items.get(lo)) : Optional.empty();
    }

    public Cluster withPods(List<Pod> newPods) {
        return new Cluster(profile, namespaces, nodes, newPods, workloads, services, endpointSlices,
                networkPolicies, ingresses, ingressClasses, secrets, adminNetworkPolicies);
    }

    public Cluster withServices(List<Service> newServices) {
        return new Cluster(profile, namespaces, nodes, pods, workloads, newServices, endpointSlices,
                networkPolicies, ingresses, ingressClasses, secrets, adminNetworkPolicies);
    }

    public Cluster withNodes(List<Node> newNodes) {
        return new Cluster(profile, namespaces, newNodes, pods, workloads, services, endpointSlices,
                networkPolicies, ingresses, ingressClasses, secrets, adminNetworkPolicies);
    }

    public Cluster withAdminNetworkPolicies(List<AdminNetworkPolicy> anps) {
        return new Cluster(profile, namespaces, nodes, pods, workloads, services, endpointSlices,
                networkPolicies, ingresses, ingressClasses, secrets, anps);
    }

    public Cluster withNamespaces(List<Namespace> newNamespaces) {
        return new Cluster(profile, newNamespaces, nodes, pods, workloads, services, endpointSlices,
                networkPolicies, ingresses, ingressClasses, secrets, adminNetworkPolicies);
    }

}
