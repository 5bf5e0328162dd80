package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The DNAT plan: for every node, every Service port in every family it has a cluster IP in, with its
 * frontends and the endpoints behind them, chosen as kube-proxy chooses them: ready endpoints, or when there
 * are none, the serving terminating ones; Local traffic policies use only the node's own endpoints with the
 * same fallback. externalTrafficPolicy applies only to Services reachable from outside (node ports, external
 * IPs, load-balancer IPs). Headless and ExternalName Services have no frontends.
 */
public final class Services implements Pass<NetworkPlan, NetworkPlan> {
    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        List<NodePlan> nodes = new ArrayList<>();
        for (Node n : c.nodes()) {
            List<IpAddress> npAddrs = c.profile().proxy().nodePortAddresses().isEmpty() ? List.<IpAddress>of()
                    : n.addresses().stream().filter(a -> c.profile().proxy().nodePortAddresses().stream()
                            .anyMatch(cidr -> cidr.contains(a))).toList();
            List<ServicePortPlan> ports = new ArrayList<>();
            for (Service s : c.services()) {
                if (s.headless() || s.type() == Service.Type.ExternalName) continue;
                for (IpAddress clusterIp : s.clusterIPs()) {
                    // As kube-proxy, per family: no nodePortAddresses CIDR of the family = every address of it;
                    // CIDRs of the family that match none of the node's addresses = no NodePort on this node.
                    Family f = clusterIp.family();
                    boolean noNodePorts = c.profile().proxy().nodePortAddresses().stream().anyMatch(x -> x.family() == f)
                            && npAddrs.stream().noneMatch(a -> a.family() == f);
                    for (ServicePort p : s.ports()) ports.add(portPlan(plan, s, p, clusterIp, n.name(), noNodePorts));
                }
            }
            ports.sort((a, b) -> key(a).compareTo(key(b)));
            nodes.add(new NodePlan(n, c.profile().clusterCIDRs(), c.profile().proxy().masqueradeAll(), npAddrs, ports));
        }
        return plan.withNodes(nodes);
    }

    private static String key(ServicePortPlan p) {
        return p.namespace() + "\u0000" + p.serviceName() + "\u0000" + p.portName() + "\u0000" + p.protocol() + "\u0000"
                + p.family();
    }

    private static ServicePortPlan portPlan(NetworkPlan plan, Service s, ServicePort p, IpAddress clusterIp, String node,
                                            boolean noNodePorts) {
        Family f = clusterIp.family();
        TreeMap<String, PlanEndpoint> all = new TreeMap<>();
        for (EndpointSlice slice : plan.endpointSlices()) {
            if (!slice.meta().namespace().equals(s.namespace()) || !slice.serviceName().equals(s.name())
                    || slice.addressType() != f) {
                continue;
            }
            Optional<EndpointSlice.EndpointPort> port = slice.ports().stream()
                    .filter(x -> x.name().equals(p.name()) && x.protocol() == p.protocol()).findFirst();
            if (port.isEmpty()) continue;
            for (EndpointSlice.Endpoint e : slice.endpoints()) {
                for (IpAddress a : e.addresses()) {
                    PlanEndpoint pe = new PlanEndpoint(a, port.get().port(), e.nodeName(), e.nodeName().equals(node),
                            e.ready(), e.serving(), e.terminating());
                    all.putIfAbsent(pe.hostPort(), pe); // one endpoint listed in two slices counts once
                }
            }
        }
        List<PlanEndpoint> cluster = usable(new ArrayList<>(all.values()), false);
        List<PlanEndpoint> local = usable(new ArrayList<>(all.values()), true);
        List<IpAddress> externalIPs = s.externalIPs().stream().filter(a -> a.family() == f).toList();
        List<IpAddress> lbIPs = s.loadBalancerIPs().stream().filter(a -> a.family() == f).toList();
        List<Cidr> ranges = s.loadBalancerSourceRanges().stream().filter(r -> r.family() == f).toList();
        int nodePort = s.wantsNodePorts() && !noNodePorts ? p.nodePort() : 0;
        boolean external = nodePort != 0 || !externalIPs.isEmpty() || !lbIPs.isEmpty();
        return new ServicePortPlan(s.namespace(), s.name(), p.name(), p.protocol(), f, Optional.of(clusterIp), p.port(),
                nodePort, externalIPs, lbIPs, ranges,
                external && s.externalTrafficPolicy() == Service.TrafficPolicy.Local,
                s.internalTrafficPolicy() == Service.TrafficPolicy.Local,
                s.sessionAffinity() == Service.SessionAffinity.ClientIP ? s.affinityTimeoutSeconds() : 0,
                cluster, local, !cluster.isEmpty());
    }

    /** Ready endpoints, or if there are none, the serving terminating ones (of this node only, when local). */
    private static List<PlanEndpoint> usable(List<PlanEndpoint> all, boolean localOnly) {
        List<PlanEndpoint> scope = all.stream().filter(e -> !localOnly || e.local()).toList();
        List<PlanEndpoint> ready = scope.stream().filter(PlanEndpoint::ready).sorted().toList();
        if (!ready.isEmpty()) return ready;
        return scope.stream().filter(e -> e.serving() && e.terminating()).sorted().toList();
    }
}
