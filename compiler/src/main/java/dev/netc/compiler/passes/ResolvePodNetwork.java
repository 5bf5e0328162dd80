package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.ContentHash;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.Text;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodNetworkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pod network, when the profile asks netc to build it: every node becomes a member with its pod CIDRs that it has
 * an address of the family for (the others route its pods' traffic to that address), with its VXLAN MAC; and the destinations
 * pods reach with their own address. What the routes, the CNI configuration and the masquerade rules of every
 * backend say is read from here.
 */
public final class ResolvePodNetwork implements Pass<NetworkPlan, NetworkPlan> {
    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Optional<ClusterProfile.PodNetwork> settings = plan.cluster().profile().podNetwork();
        if (settings.isEmpty()) return plan;
        List<PodNetworkPlan.Member> members = new ArrayList<>();
        Map<String, String> byMac = new TreeMap<>();
        TreeSet<Cidr> noMasquerade = new TreeSet<>(plan.cluster().profile().clusterCIDRs());
        for (NodePlan np : plan.nodes()) {
            Node n = np.node();
            n.addresses().forEach(a -> noMasquerade.add(a.asCidr()));
            List<Cidr> cidrs = new ArrayList<>();
            List<IpAddress> underlay = new ArrayList<>();
            for (Cidr c : n.podCIDRs()) {
                Optional<IpAddress> a = n.primaryAddress(c.family());
                if (a.isEmpty()) {
                    diagnostics.warning(DiagnosticCode.NETC085, n.meta().at("spec.podCIDRs"), "node " + Text.quote(np.name()) + " has no "
                            + c.family().apiName() + " address for its pod CIDR " + c.text() + ": no node routes it");
                    continue;
                }
                cidrs.add(c);
                underlay.add(a.get());
            }
            if (cidrs.isEmpty()) continue; // every node has pod CIDRs by now (written, or allocated)
            String mac = vtepMac(np.name());
            String other = byMac.putIfAbsent(mac, np.name());
            if (other != null) {
                diagnostics.error(DiagnosticCode.NETC086, n.meta().pos(), "nodes " + Text.quote(other) + " and " + Text.quote(np.name())
                        + " derive the same VXLAN MAC " + mac + ": rename one");
            }
            Origin origin = n.meta().given("spec.podCIDRs") ? Origin.at("Node/" + np.name(), "spec.podCIDRs", n.meta().at("spec.podCIDRs"))
                    : Origin.allocated("Node/" + np.name(), "spec.podCIDRs");
            members.add(new PodNetworkPlan.Member(np.name(), underlay, cidrs, mac, origin));
        }
        members.sort(java.util.Comparator.comparing(PodNetworkPlan.Member::name));
        return plan.withPodNetwork(new PodNetworkPlan(settings, members, plan.cluster().profile().clusterCIDRs(), List.copyOf(noMasquerade)));
    }

    /**
     * A node's VXLAN device MAC: 46 bits of the hash of its name, locally administered and unicast, so that a node
     * keeps it across compiles and re-creations of its device (flannel keeps it in a Node annotation for the same reason).
     */
    static String vtepMac(String node) {
        byte[] h = ContentHash.sha256("vtep\0" + node);
        h[0] = (byte) ((h[0] & 0xfc) | 0x02);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            if (i > 0) b.append(':');
            b.append(String.format(java.util.Locale.ROOT, "%02x", h[i] & 0xff));
        }
        return b.toString();
    }
}
