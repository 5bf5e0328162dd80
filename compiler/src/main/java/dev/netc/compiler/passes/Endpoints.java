package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
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
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The endpoints of every Service, as EndpointSlices. Slices given in the input for a Service are live state
 * and are used as they are. Otherwise a Service with a selector gets slices the way the EndpointSlice
 * controller builds them: the matching pods of its namespace, one slice per address family and per set of
 * resolved ports (two pods may give a named targetPort different numbers; a pod without the name is no
 * endpoint of that port), with the controller's conditions: serving = the pod is Ready (or
 * publishNotReadyAddresses), terminating = the pod is being deleted, ready = serving and not terminating (or
 * publishNotReadyAddresses). Slice names come from their content.
 */
public final class Endpoints implements Pass<Cluster, NetworkPlan> {
    @Override
    public NetworkPlan apply(Cluster c, Diagnostics diagnostics) {
        List<EndpointSlice> slices = new ArrayList<>();
        for (Service s : c.services()) {
            if (s.type() == Service.Type.ExternalName) continue;
            List<EndpointSlice> given = c.endpointSlices().stream()
                    .filter(x -> x.meta().namespace().equals(s.namespace()) && x.serviceName().equals(s.name()))
                    .toList();
            if (!given.isEmpty()) {
                slices.addAll(given);
            } else if (!s.selector().isEmpty()) {
                slices.addAll(fromPods(c, s));
            }
        }
        return new NetworkPlan(c, slices, List.of());
    }

    private static List<EndpointSlice> fromPods(Cluster c, Service s) {
        // family -> resolved port list (as text key) -> slice parts
        Map<Family, Map<String, List<EndpointSlice.EndpointPort>>> portsByKey = new TreeMap<>();
        Map<Family, Map<String, List<EndpointSlice.Endpoint>>> endpointsByKey = new TreeMap<>();
        for (Pod pod : c.pods()) {
            if (!pod.meta().namespace().equals(s.namespace())) continue;
            if (!s.selector().entrySet().stream().allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())))) continue;
            List<EndpointSlice.EndpointPort> ports = new ArrayList<>();
            for (ServicePort p : s.ports()) {
                resolve(p, pod).ifPresent(n -> ports.add(new EndpointSlice.EndpointPort(p.name(), p.protocol(), n)));
            }
            String key = ports.toString();
            boolean serving = s.publishNotReadyAddresses() || pod.ready();
            boolean ready = s.publishNotReadyAddresses() || (serving && !pod.terminating());
            for (IpAddress ip : pod.ips()) {
                Family f = ip.family();
                portsByKey.computeIfAbsent(f, k -> new TreeMap<>()).put(key, ports);
                endpointsByKey.computeIfAbsent(f, k -> new TreeMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new EndpointSlice.Endpoint(List.of(ip), ready, serving, pod.terminating(), pod.nodeName(),
                                pod.meta().name(), pod.meta().pos()));
            }
        }
        List<EndpointSlice> out = new ArrayList<>();
        portsByKey.forEach((family, byKey) -> byKey.forEach((key, ports) -> {
            List<EndpointSlice.Endpoint> eps = new ArrayList<>(endpointsByKey.get(family).get(key));
            eps.sort((a, b) -> a.addresses().get(0).compareTo(b.addresses().get(0)));
            String name = s.name() + "-" + hash(family.apiName() + "/" + key);
            ObjectMeta meta = new ObjectMeta("EndpointSlice", s.namespace(), name,
                    Map.of("kubernetes.io/service-name", s.name(), "endpointslice.kubernetes.io/managed-by", "netc"),
                    Map.of(), s.meta().pos(), Map.of());
            out.add(new EndpointSlice(meta, s.name(), family, eps, ports));
        }));
        return out;
    }

    /** The port number a Service port targets on this pod; empty when the pod does not define the name. */
    private static Optional<Integer> resolve(ServicePort p, Pod pod) {
        if (p.targetPort() instanceof PortRef.Number n) return Optional.of(n.value());
        String name = ((PortRef.Name) p.targetPort()).value();
        return pod.namedPort(name, p.protocol()).map(cp -> cp.port());
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
