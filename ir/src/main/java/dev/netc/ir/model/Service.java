package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Service with the API server's defaults applied. {@code clusterIPs} is empty until given or allocated;
 * headless Services ({@code clusterIP: None}) keep it empty. {@code selector} empty = selector-less.
 */
public record Service(ObjectMeta meta, Type type, List<IpAddress> clusterIPs, boolean headless,
                      List<Family> ipFamilies, IpFamilyPolicy ipFamilyPolicy, List<ServicePort> ports,
                      Map<String, String> selector, SessionAffinity sessionAffinity, int affinityTimeoutSeconds,
                      TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy,
                      List<IpAddress> externalIPs, List<IpAddress> loadBalancerIPs,
                      List<Cidr> loadBalancerSourceRanges, boolean publishNotReadyAddresses, String externalName,
                      boolean allocateLoadBalancerNodePorts) implements KubeObject {
    public enum Type { ClusterIP, NodePort, LoadBalancer, ExternalName }

    public enum SessionAffinity { None, ClientIP }

    public enum TrafficPolicy { Cluster, Local }

    public enum IpFamilyPolicy { SingleStack, PreferDualStack, RequireDualStack }

    public static final int DEFAULT_AFFINITY_TIMEOUT = 10800;

    public Service {
        clusterIPs = List.copyOf(clusterIPs);
        ipFamilies = List.copyOf(ipFamilies);
        ports = List.copyOf(ports);
        selector = java.util.Collections.unmodifiableMap(new TreeMap<>(selector));
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        loadBalancerSourceRanges = List.copyOf(loadBalancerSourceRanges);
        externalName = externalName == null ? "" : externalName;
    }

    public String namespace() {
        return meta.namespace();
    }

    public String name() {
        return meta.name();
    }

    /** Whether this type of Service has node ports (NodePort, or LoadBalancer that allocates them). */
    public boolean wantsNodePorts() {
        return type == Type.NodePort || (type == Type.LoadBalancer && allocateLoadBalancerNodePorts);
    }

    public Service withClusterIPs(List<IpAddress> ips) {
        return new Service(meta, type, ips, headless, ipFamilies, ipFamilyPolicy, ports, selector, sessionAffinity,
                affinityTimeoutSeconds, externalTrafficPolicy, internalTrafficPolicy, externalIPs, loadBalancerIPs,
                loadBalancerSourceRanges, publishNotReadyAddresses, externalName, allocateLoadBalancerNodePorts);
    }

    public Service withPorts(List<ServicePort> newPorts) {
        return new Service(meta, type, clusterIPs, headless, ipFamilies, ipFamilyPolicy, newPorts, selector,
                sessionAffinity, affinityTimeoutSeconds, externalTrafficPolicy, internalTrafficPolicy, externalIPs,
                loadBalancerIPs, loadBalancerSourceRanges, publishNotReadyAddresses, externalName,
                allocateLoadBalancerNodePorts);
    }
}
