package dev.netc.backends.podnet;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.NodeParallel;
import dev.netc.backends.Output;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.model.ClusterProfile.PodNetwork;
import dev.netc.ir.model.ClusterProfile.PodNetwork.Mode;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodNetworkPlan;
import dev.netc.ir.plan.PodNetworkPlan.Member;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * The pod network of every node, when the profile asks netc to build it: the routes to the other nodes' pods, and the
 * CNI configuration that gives the node's pods their addresses.
 *
 * <p>{@code nodes/<node>/podnet/routes} is what {@code netc apply --backend podnet} installs. It is composed of the
 * node's own part (the mode, which member it is, for VXLAN its device) and the part every node shares: each
 * member's entries, tagged with the member's name, which the member itself skips. So OUT grows with the nodes, not
 * with their square, and a node that joins changes one shared file. host-gw: a route per remote pod CIDR through the
 * remote node's address (every node on one link, as flannel's host-gw and Kubernetes the Hard Way); VXLAN: flannel's
 * triple per remote node, a route through the remote device's address on-link, a permanent neighbour entry giving its
 * MAC, and a forwarding entry sending that MAC to the node's address.
 *
 * <p>{@code nodes/<node>/cni/10-netc.conflist}: the reference bridge plugin with host-local addresses from the node's
 * pod CIDRs and portmap, {@code cniVersion} 1.0.0 (the newest that Debian's plugins 1.1.1 speak), {@code ipMasq}
 * false: the bridge plugin's own masquerade would rewrite pod-to-pod traffic to other nodes; the iptables and
 * nftables rulesets masquerade only what leaves the cluster ({@link PodNetworkPlan#egress}).
 */
public final class PodnetBackend implements Backend {
    /** netc's VXLAN device is {@code netc.<vni>} (at most 13 characters: a VNI has at most 8 digits). */
    public static final String DEVICE_PREFIX = "netc.";
    /** The bridge the pods of a node hang on. */
    public static final String BRIDGE = "cni0";
    /** The CNI network's name and the conflist's file. */
    public static final String NETWORK = "netc";
    public static final String CONFLIST = "cni/10-" + NETWORK + ".conflist";
    public static final String ROUTES = "podnet/routes";
    /** The CNI version of the configuration: Debian 12's plugins (1.1.1, built with libcni 1.1.2) stop at 1.0.0. */
    public static final String CNI_VERSION = "1.0.0";

    @Override
    public String name() {
        return "podnet";
    }

    @Override
    public Output render(NetworkPlan plan, Set<String> nodes, int threads) {
        return Output.collect(sink -> render(plan, nodes, threads, sink));
    }

    @Override
    public void render(NetworkPlan plan, Set<String> nodes, int threads, Output.Sink sink) {
        PodNetworkPlan pn = plan.podNetwork();
        if (!pn.present()) return;
        PodNetwork settings = pn.settings().orElseThrow();
        List<NodePlan> chosen = Backend.selected(plan, nodes).stream().filter(n -> pn.member(n.name()).isPresent()).toList();
        if (chosen.isEmpty()) return;
        String shared = sharedText(pn, settings);
        String sharedPath = Output.sharedPath(name(), shared, ".routes");
        sink.file(Artifact.text(sharedPath, "", shared));
        NodeParallel.forEach(chosen, threads, n -> {
            Member self = pn.member(n.name()).orElseThrow();
            String dir = "nodes/" + n.name() + "/";
            String own = dir + ROUTES + ".node";
            return new Output(List.of(Artifact.text(own, n.name(), nodeText(self, settings)),
                    Artifact.text(dir + CONFLIST, n.name(), conflist(self, settings))),
                    List.of(new Output.Composed(dir + ROUTES, n.name(), List.of(own, sharedPath))));
        }, sink::add);
    }

    /** The node's own part: the mode, which member it is, and for VXLAN its device and the device's addresses. */
    static String nodeText(Member self, PodNetwork s) {
        StringBuilder b = new StringBuilder();
        b.append("# netc pod network of node ").append(self.name()).append(": ").append(s.mode().id())
                .append("; the entries of every member follow, this node skips its own\n");
        b.append("mode ").append(s.mode().id()).append('\n');
        b.append("self ").append(self.name()).append('\n');
        if (s.mode() == Mode.VXLAN) {
            b.append("device ").append(device(s)).append(" vni ").append(s.vni()).append(" port ").append(s.port())
                    .append(" local ").append(vtepUnderlay(self).text()).append(" mtu ").append(s.podMtu())
                    .append(" mac ").append(self.vtepMac()).append('\n');
            for (Cidr c : self.podCIDRs()) b.append("address ").append(c.network().asCidr().text()).append('\n');
        }
        return b.toString();
    }

    /** Every member's entries, by name: what each other node installs for it. */
    static String sharedText(PodNetworkPlan pn, PodNetwork s) {
        StringBuilder b = new StringBuilder();
        b.append("# netc pod network (").append(s.mode().id()).append("): what every node installs for each other node\n");
        for (Member m : pn.members()) {
            String tag = " node " + m.name() + "\n";
            b.append("# ").append(m.name()).append(": ").append(String.join(", ", m.podCIDRs().stream().map(Cidr::text).toList())).append('\n');
            if (s.mode() == Mode.HOST_GW) {
                for (int i = 0; i < m.podCIDRs().size(); i++) {
                    b.append("route ").append(m.podCIDRs().get(i).text()).append(" via ").append(m.underlay().get(i).text()).append(tag);
                }
                continue;
            }
            // the remote device's address is its pod CIDR's network address (flannel's choice): on-link through netc's device
            for (Cidr c : m.podCIDRs()) b.append("route ").append(c.text()).append(" via ").append(c.network().text()).append(" onlink").append(tag);
            for (Cidr c : m.podCIDRs()) b.append("neigh ").append(c.network().text()).append(" lladdr ").append(m.vtepMac()).append(tag);
            b.append("fdb ").append(m.vtepMac()).append(" dst ").append(vtepUnderlay(m).text()).append(tag);
        }
        return b.toString();
    }

    static String device(PodNetwork s) {
        return DEVICE_PREFIX + s.vni();
    }

    /** The address a member's VXLAN packets go to and come from: its IPv4 address where it has one. */
    static IpAddress vtepUnderlay(Member m) {
        return m.underlay(Family.IPV4).or(() -> m.underlay(Family.IPV6)).orElseThrow();
    }

    /** The node's CNI configuration (JSON, written by hand: every value in it is a number, an address or a fixed name). */
    static String conflist(Member self, PodNetwork s) {
        StringBuilder ranges = new StringBuilder();
        StringBuilder routes = new StringBuilder();
        for (Cidr c : self.podCIDRs()) {
            if (ranges.length() > 0) {
                ranges.append(",\n");
                routes.append(",\n");
            }
            ranges.append("          [{\"subnet\": \"").append(c.text()).append("\", \"gateway\": \"").append(gateway(c).text()).append("\"}]");
            routes.append("          {\"dst\": \"").append(c.family() == Family.IPV4 ? "0.0.0.0/0" : "::/0").append("\"}");
        }
        return "{\n"
                + "  \"cniVersion\": \"" + CNI_VERSION + "\",\n"
                + "  \"name\": \"" + NETWORK + "\",\n"
                + "  \"plugins\": [\n"
                + "    {\n"
                + "      \"type\": \"bridge\",\n"
                + "      \"bridge\": \"" + BRIDGE + "\",\n"
                + "      \"isGateway\": true,\n"
                + "      \"ipMasq\": false,\n"
                + "      \"hairpinMode\": true,\n"
                + "      \"mtu\": " + s.podMtu() + ",\n"
                + "      \"ipam\": {\n"
                + "        \"type\": \"host-local\",\n"
                + "        \"ranges\": [\n" + ranges + "\n        ],\n"
                + "        \"routes\": [\n" + routes + "\n        ]\n"
                + "      }\n"
                + "    },\n"
                + "    {\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}\n"
                + "  ]\n"
                + "}\n";
    }

    /** The bridge's address in a pod CIDR: its first host address (host-local's default gateway). */
    public static IpAddress gateway(Cidr c) {
        return IpAddress.of(c.family(), c.network().bits().add(BigInteger.ONE));
    }
}
