package dev.netc.ir.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

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
        return find(nodes, name, n -> n.meta().name());
    }

    public Optional<Namespace> namespace(String name) {
        return find(namespaces, name, n -> n.meta().name());
    }

    public Optional<Service> service(String namespace, String name) {
        return find(services, namespace + "/" + name, s -> s.meta().qualifiedName());
    }

    public Optional<TlsSecret> secret(String namespace, String name) {
        return find(secrets, namespace + "/" + name, s -> s.meta().qualifiedName());
    }

    private static <T> Optional<T> find(List<T> items, String key, Function<T, String> keyOf) {
        return items.stream().filter(i -> keyOf.apply(i).equals(key)).findFirst();
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
