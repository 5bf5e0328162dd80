package dev.netc.backends.ipvs;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * kube-proxy's IPVS mode: per node, {@code ipvs/ipvsadm.rules} ({@code ipvsadm -R} input: a virtual server per
 * frontend, masquerading real servers), {@code ipvs/ipset.rules} (the KUBE-* sets the companion rules match),
 * {@code ipvs/iptables.rules} (masquerade, node ports, load-balancer source ranges, NetworkPolicy) and
 * {@code ipvs/kube-ipvs0.addresses} (the addresses to bind on the dummy interface so the node accepts them).
 *
 * <p>IPv6 goes to {@code ip6tables.rules} and to sets named {@code KUBE6-…}; each family's files are written only
 * for a node that has the family, so every set a file matches is created by {@code ipset.rules}.
 */
public final class IpvsBackend implements Backend {
    private final String scheduler;

    public IpvsBackend() {
        this("rr");
    }

    public IpvsBackend(String scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public String name() {
        return "ipvs";
    }

    /** One virtual server: protocol, address, port, persistence, real servers. */
    record VirtualServer(Protocol protocol, IpAddress address, int port, int persistence, List<PlanEndpoint> reals,
                         String comment) implements Comparable<VirtualServer> {
        String service() {
            String flag = switch (protocol) {
                case TCP -> "-t";
                case UDP -> "-u";
                case SCTP -> "--sctp-service";
            };
            return flag + " " + hostPort(address, port);
        }

        @Override
        public int compareTo(VirtualServer o) {
            int c = address.compareTo(o.address);
            if (c != 0) return c;
            c = protocol.compareTo(o.protocol);
            return c != 0 ? c : Integer.compare(port, o.port);
        }
    }

    static String hostPort(IpAddress a, int port) {
        return a.family() == Family.IPV4 ? a.text() + ":" + port : "[" + a.text() + "]:" + port;
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        List<Artifact> out = new ArrayList<>();
        for (NodeView n : Backend.selected(plan, nodes).stream().map(plan::view).toList()) {
            String dir = "nodes/" + n.name() + "/ipvs/";
            List<VirtualServer> vss = virtualServers(n);
            out.add(Artifact.text(dir + "ipvsadm.rules", n.name(), ipvsadm(vss)));
            StringBuilder sets = new StringBuilder();
            StringBuilder addrs = new StringBuilder();
            for (Family f : Family.values()) {
                sets.append(IpvsSets.render(n, f));
                sets.append(IptablesPolicyRenderer.ipsets(n.policy(), f));
            }
            new TreeSet<>(vss.stream().filter(v -> !isNodeAddress(n, v.address())).map(VirtualServer::address).toList())
                    .forEach(a -> addrs.append(a.asCidr().text()).append('\n'));
            out.add(Artifact.text(dir + "ipset.rules", n.name(), sets.toString()));
            // A family's rules match that family's sets, which exist only when the node has the family: an
            // IPv6-only node gets no IPv4 file (it would name KUBE-* sets that are never created), and the reverse.
            if (hasFamily(n, Family.IPV4)) {
                out.add(Artifact.text(dir + "iptables.rules", n.name(), IpvsIptables.render(n, Family.IPV4)));
            }
            if (hasFamily(n, Family.IPV6)) {
                out.add(Artifact.text(dir + "ip6tables.rules", n.name(), IpvsIptables.render(n, Family.IPV6)));
            }
            out.add(Artifact.text(dir + "kube-ipvs0.addresses", n.name(), addrs.toString()));
        }
        return out;
    }

    static boolean hasFamily(NodeView n, Family f) {
        return !n.services(f).isEmpty() || !n.clusterCIDRs(f).isEmpty();
    }

    private static boolean isNodeAddress(NodeView n, IpAddress a) {
        return n.node().addresses().contains(a);
    }

    /** Every frontend of every Service port on this node, with the endpoints it schedules to. */
    static List<VirtualServer> virtualServers(NodeView n) {
        TreeMap<VirtualServer, VirtualServer> out = new TreeMap<>();
        for (ServicePortPlan s : n.services()) {
            String c = s.servicePortName();
            s.clusterIP().ifPresent(ip -> add(out, new VirtualServer(s.protocol(), ip, s.port(), s.affinitySeconds(),
                    s.internalEndpoints(), c + " cluster IP")));
            if (s.nodePort() != 0) {
                for (IpAddress a : nodePortAddresses(n, s.family())) {
                    add(out, new VirtualServer(s.protocol(), a, s.nodePort(), s.affinitySeconds(), s.externalEndpoints(),
                            c + " node port"));
                }
            }
            for (IpAddress a : s.externalIPs()) {
                add(out, new VirtualServer(s.protocol(), a, s.port(), s.affinitySeconds(), s.externalEndpoints(), c + " external IP"));
            }
            for (IpAddress a : s.loadBalancerIPs()) {
                add(out, new VirtualServer(s.protocol(), a, s.port(), s.affinitySeconds(), s.externalEndpoints(), c + " load balancer IP"));
            }
        }
        return List.copyOf(out.values());
    }

    private static void add(TreeMap<VirtualServer, VirtualServer> out, VirtualServer v) {
        out.putIfAbsent(v, v); // the first Service port to claim a frontend keeps it, as with iptables rule order
    }

    /** kube-proxy binds node ports on every node address unless nodePortAddresses narrows them. */
    static List<IpAddress> nodePortAddresses(NodeView n, Family f) {
        List<IpAddress> chosen = n.nodePortAddresses(f);
        return chosen.isEmpty() ? n.node().addresses().stream().filter(a -> a.family() == f).toList() : chosen;
    }

    private String ipvsadm(List<VirtualServer> vss) {
        StringBuilder b = new StringBuilder();
        for (VirtualServer v : vss) {
            b.append("-A ").append(v.service()).append(" -s ").append(scheduler);
            if (v.persistence() > 0) b.append(" -p ").append(v.persistence());
            b.append('\n');
            for (PlanEndpoint e : v.reals()) {
                b.append("-a ").append(v.service()).append(" -r ").append(e.hostPort()).append(" -m -w 1\n");
            }
        }
        return b.toString();
    }

}
