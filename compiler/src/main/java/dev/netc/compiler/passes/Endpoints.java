package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.ContentHash;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.Workload;
import dev.netc.ir.plan.NetworkPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The endpoints of every Service, as EndpointSlices.
 *
 * <p>Slices given in the input for a Service (its {@code kubernetes.io/service-name}) are live state and are used
 * as they are; that is the only source for a Service without a selector. Otherwise a Service with a selector
 * gets the slices the EndpointSlice controller would write:
 * <ul>
 * <li>the pods of its namespace whose labels match the selector and that have an address of the slice's family
 *     (host-network pods included: their addresses are the node's);</li>
 * <li>ports resolved per pod: a numeric targetPort as it is, a named one through the pod's container port of
 *     that name and protocol. Pods that resolve to different port sets go to different slices, and a pod that
 *     lacks a name is no endpoint of that port;</li>
 * <li>conditions: serving = the pod is Ready (or publishNotReadyAddresses), terminating = the pod is being
 *     deleted, ready = serving and not terminating (or publishNotReadyAddresses);</li>
 * <li>at most 100 endpoints per slice (the controller's default), sorted by address.</li>
 * </ul>
 * ExternalName Services have no endpoints. Slice names come from their content, never from counters.
 */
public final class Endpoints implements Pass<Cluster, NetworkPlan> {
    /** The EndpointSlice controller's default {@code --max-endpoints-per-slice}. */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;

    @Override
    public NetworkPlan apply(Cluster c, Diagnostics diagnostics) {
        Map<String, List<EndpointSlice>> given = new TreeMap<>();
        for (EndpointSlice x : c.endpointSlices()) {
            given.computeIfAbsent(x.meta().namespace() + "/" + x.serviceName(), k -> new ArrayList<>()).add(x);
        }
        PodIndex pods = new PodIndex(c.pods());
        List<EndpointSlice> slices = new ArrayList<>();
        for (Service s : c.services()) {
            if (s.type() == Service.Type.ExternalName) continue;
            List<EndpointSlice> live = given.getOrDefault(s.namespace() + "/" + s.name(), List.of());
            if (!live.isEmpty()) {
                slices.addAll(live);
            } else if (!s.selector().isEmpty()) {
                slices.addAll(fromPods(s, pods.selected(s.namespace(), s.selector())));
            }
        }
        return new NetworkPlan(c, slices, List.of());
    }

    /** Pods by namespace and by label, so a selector looks only at pods that carry one of its labels. */
    private static final class PodIndex {
        private final Map<String, List<Pod>> byNamespaceAndLabel = new TreeMap<>();

        PodIndex(List<Pod> pods) {
            for (Pod p : pods) {
                // A CronJob's pods run and go at their schedule: policies select them, no Service sends to them.
                if (p.owner().filter(o -> o.startsWith(Workload.Kind.CronJob + "/")).isPresent()) continue;
                for (Map.Entry<String, String> l : p.labels().entrySet()) {
                    byNamespaceAndLabel.computeIfAbsent(key(p.meta().namespace(), l.getKey(), l.getValue()),
                            k -> new ArrayList<>()).add(p);
                }
            }
        }

        private static String key(String namespace, String label, String value) {
            return namespace + "\u0000" + label + "\u0000" + value;
        }

        /** The pods of {@code namespace} whose labels include every pair of {@code selector} (non-empty), in model order. */
        List<Pod> selected(String namespace, Map<String, String> selector) {
            Map.Entry<String, String> first = selector.entrySet().iterator().next();
            return byNamespaceAndLabel.getOrDefault(key(namespace, first.getKey(), first.getValue()), List.of()).stream()
                    .filter(p -> selector.entrySet().stream().allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
                    .toList();
        }
    }

    private static List<EndpointSlice> fromPods(Service s, List<Pod> selected) {
        // family -> resolved port set (as text, a stable key) -> that set and its endpoints
        Map<Family, Map<String, List<EndpointSlice.EndpointPort>>> portsByKey = new TreeMap<>();
        Map<Family, Map<String, List<EndpointSlice.Endpoint>>> endpointsByKey = new TreeMap<>();
        for (Pod pod : selected) {
            List<EndpointSlice.EndpointPort> ports = new ArrayList<>();
            for (ServicePort p : s.ports()) {
                resolve(p, pod).ifPresent(n -> ports.add(new EndpointSlice.EndpointPort(p.name(), p.protocol(), n)));
            }
            String key = ports.toString();
            boolean serving = s.publishNotReadyAddresses() || pod.ready();
            boolean ready = s.publishNotReadyAddresses() || (serving && !pod.terminating());
            for (Family f : Family.values()) {
                // one address per family, the pod's first (as the controller reads status.podIPs)
                Optional<IpAddress> ip = pod.ip(f);
                if (ip.isEmpty()) continue;
                portsByKey.computeIfAbsent(f, k -> new TreeMap<>()).put(key, ports);
                endpointsByKey.computeIfAbsent(f, k -> new TreeMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new EndpointSlice.Endpoint(List.of(ip.get()), ready, serving, pod.terminating(), pod.nodeName(),
                                pod.meta().name(), pod.meta().pos()));
            }
        }
        List<EndpointSlice> out = new ArrayList<>();
        portsByKey.forEach((family, byKey) -> byKey.forEach((key, ports) -> {
            List<EndpointSlice.Endpoint> eps = new ArrayList<>(endpointsByKey.get(family).get(key));
            eps.sort(Comparator.comparing((EndpointSlice.Endpoint e) -> e.addresses().get(0)).thenComparing(e -> e.podName()));
            int chunks = (eps.size() + MAX_ENDPOINTS_PER_SLICE - 1) / MAX_ENDPOINTS_PER_SLICE;
            for (int i = 0; i < eps.size(); i += MAX_ENDPOINTS_PER_SLICE) {
                List<EndpointSlice.Endpoint> part = eps.subList(i, Math.min(eps.size(), i + MAX_ENDPOINTS_PER_SLICE));
                // a slice of a split set is named by its first address too: content, not position
                String content = family.apiName() + "/" + key + (chunks > 1 ? "/" + part.get(0).addresses().get(0).text() : "");
                String name = s.name() + "-" + hash(content);
                ObjectMeta meta = new ObjectMeta("EndpointSlice", s.namespace(), name,
                        Map.of("kubernetes.io/service-name", s.name(), "endpointslice.kubernetes.io/managed-by", "netc"),
                        Map.of(), s.meta().pos(), Map.of());
                out.add(new EndpointSlice(meta, s.name(), family, part, ports));
            }
        }));
        return out;
    }

    /** The port number a Service port targets on this pod; empty when the pod does not define the name. */
    static Optional<Integer> resolve(ServicePort p, Pod pod) {
        if (p.targetPort() instanceof PortRef.Number n) return Optional.of(n.value());
        String name = ((PortRef.Name) p.targetPort()).value();
        return pod.namedPort(name, p.protocol()).map(cp -> cp.port());
    }

    private static String hash(String s) {
        return ContentHash.hex(s, 3);
    }
}
