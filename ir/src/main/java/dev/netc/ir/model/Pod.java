package dev.netc.ir.model;

import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod, live or standing for a workload replica ({@code owner} names the workload, e.g.
 * {@code Deployment/web}). {@code nodeName} and {@code ips} are empty until known or allocated.
 * {@code scheduling} is what places a pod the input gives without a node (a bare Pod); {@code ownerRefs} are
 * its {@code metadata.ownerReferences} as {@code Kind/name}. A {@code finished} pod (phase Succeeded or Failed)
 * holds no IP and is given none.
 */
public record Pod(ObjectMeta meta, String nodeName, List<IpAddress> ips, List<ContainerPort> ports, boolean ready,
                  boolean terminating, boolean hostNetwork, Optional<String> owner, Scheduling scheduling,
                  List<String> ownerRefs, boolean finished) implements KubeObject {
    public Pod {
        nodeName = nodeName == null ? "" : nodeName;
        ips = List.copyOf(ips);
        ports = List.copyOf(ports);
        scheduling = scheduling == null ? Scheduling.ANY : scheduling;
        ownerRefs = List.copyOf(ownerRefs);
    }

    public Pod(ObjectMeta meta, String nodeName, List<IpAddress> ips, List<ContainerPort> ports, boolean ready,
               boolean terminating, boolean hostNetwork, Optional<String> owner) {
        this(meta, nodeName, ips, ports, ready, terminating, hostNetwork, owner, Scheduling.ANY, List.of(), false);
    }

    public Pod(ObjectMeta meta, String nodeName, List<IpAddress> ips, List<ContainerPort> ports, boolean ready,
               boolean terminating, boolean hostNetwork, Optional<String> owner, Scheduling scheduling,
               List<String> ownerRefs) {
        this(meta, nodeName, ips, ports, ready, terminating, hostNetwork, owner, scheduling, ownerRefs, false);
    }

    public Map<String, String> labels() {
        return meta.labels();
    }

    public Optional<IpAddress> ip(Family f) {
        return ips.stream().filter(a -> a.family() == f).findFirst();
    }

    public Pod withPlacement(String node, List<IpAddress> addresses) {
        return new Pod(meta, node, addresses, ports, ready, terminating, hostNetwork, owner, scheduling, ownerRefs,
                finished);
    }

    /** The container port a named Service targetPort refers to, by name and protocol. */
    public Optional<ContainerPort> namedPort(String name, dev.netc.ir.Protocol protocol) {
        return ports.stream().filter(p -> p.name().equals(name) && p.protocol() == protocol).findFirst();
    }
}
