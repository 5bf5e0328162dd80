package dev.netc.backends.iptables;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nodes/<node>/iptables.rules} (and {@code ip6tables.rules} when the node has IPv6 Services or IPv6 pod
 * ranges): {@code iptables-restore} / {@code ip6tables-restore} input in the layout and names of kube-proxy's
 * iptables mode, so that a node's {@code iptables-save} can be read against it:
 * <ul>
 * <li>nat: PREROUTING and OUTPUT jump to KUBE-SERVICES, POSTROUTING to KUBE-POSTROUTING (masquerade, with
 *     {@code --random-fully}, what KUBE-MARK-MASQ marked 0x4000); KUBE-SERVICES dispatches cluster, external and
 *     load-balancer IPs to KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/KUBE-FW- chains and ends with the jump to KUBE-NODEPORTS
 *     (local destinations other than loopback: netc opens no localhost node ports); KUBE-SEP- chains DNAT.
 *     Chain names are kube-proxy's hashes ({@link ChainNames});</li>
 * <li>filter: INPUT/FORWARD/OUTPUT jump to KUBE-PROXY-FIREWALL (load-balancer source ranges), KUBE-NODEPORTS,
 *     KUBE-SERVICES and KUBE-EXTERNAL-SERVICES (REJECT for Services without endpoints, DROP for Local policies
 *     without a local endpoint) and KUBE-FORWARD, as kube-proxy installs them; then netc's NetworkPolicy chains,
 *     with {@code nodes/<node>/ipset.rules} holding their peer sets (restore that first).</li>
 * </ul>
 *
 * <p>Applying. On a clean network namespace, {@code iptables-restore FILE} gives a working node: the restore
 * flushes the nat and filter tables and the file declares ({@code :CHAIN - [0:0]}) every chain it uses. On a node
 * that has other rules, a plain restore would flush them too; netc's rules are meant to be applied there with
 * {@code --noflush}: each declaration line then creates or empties just that chain, so netc's own chains are
 * replaced whole and nothing else is touched, but the {@code -A PREROUTING/INPUT/FORWARD/OUTPUT/POSTROUTING} jump
 * lines append to chains netc does not own, so the applier must insert them only where missing (as kube-proxy's
 * {@code EnsureRule} does) instead of appending them on every apply. Chains that netc no longer declares are not
 * deleted by a {@code --noflush} restore; the applier removes them.
 */
public final class IptablesBackend implements Backend {
    /** kube-proxy's {@code largeClusterEndpointsThreshold}: more endpoints than this and it drops endpoint comments. */
    static final int LARGE_CLUSTER_ENDPOINTS = 1000;

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        List<Artifact> out = new ArrayList<>();
        for (NodeView n : Backend.selected(plan, nodes).stream().map(plan::view).toList()) {
            String dir = "nodes/" + n.name() + "/";
            out.add(Artifact.text(dir + "iptables.rules", n.name(), render(n, Family.IPV4)));
            if (!n.services(Family.IPV6).isEmpty() || !n.clusterCIDRs(Family.IPV6).isEmpty()) {
                out.add(Artifact.text(dir + "ip6tables.rules", n.name(), render(n, Family.IPV6)));
            }
            String sets = IptablesPolicyRenderer.ipsets(n.policy(), Family.IPV4) + IptablesPolicyRenderer.ipsets(n.policy(), Family.IPV6);
            if (!sets.isEmpty()) out.add(Artifact.text(dir + "ipset.rules", n.name(), sets));
        }
        return out;
    }

    /** The restore input of one node and family. */
    static String render(NodeView n, Family f) {
        RestoreTable nat = new RestoreTable("nat");
        RestoreTable filter = new RestoreTable("filter");
        for (String c : List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL")) {
            filter.chain(c);
        }
        for (String c : List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ")) nat.chain(c);
        IptablesPolicyRenderer.chainDeclarations(n.policy(), f).forEach(d -> filter.chain(d.substring(1, d.indexOf(' '))));

        // Jumps from the built-in chains, in the order kube-proxy's prepending leaves them. NetworkPolicy comes
        // first in FORWARD, before KUBE-FORWARD accepts marked and established traffic.
        filter.rules(IptablesPolicyRenderer.forwardJump(n.policy(), f));
        filter.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS");
        filter.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        filter.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES");
        filter.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL");
        filter.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        filter.rule("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
        filter.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT");
        filter.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");

        nat.rule("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
        nat.rule("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
        // clear the mark so that a packet that passes the stack again is not masqueraded twice
        nat.rule("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000");
        nat.rule("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        nat.rule("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
        List<Cidr> podRanges = n.clusterCIDRs(f);
        if (!n.masqueradeAll() && podRanges.size() > 1) {
            nat.chain(ServiceRules.MASQ_OFF_CLUSTER);
            for (Cidr c : podRanges) nat.rule("-A " + ServiceRules.MASQ_OFF_CLUSTER + " -s " + c.text() + " -j RETURN");
            nat.rule("-A " + ServiceRules.MASQ_OFF_CLUSTER + " -j KUBE-MARK-MASQ");
        }

        List<ServicePortPlan> services = n.services(f);
        ServiceRules w = new ServiceRules(n, f, endpointCount(services) > LARGE_CLUSTER_ENDPOINTS, nat, filter);
        for (ServicePortPlan s : services) w.add(s);
        nat.rules(w.chainRules);

        // The node-port dispatch must be the last rule of KUBE-SERVICES. Loopback is left out: localhost node
        // ports would need route_localnet (IPv4) and never work for IPv6.
        String tail = "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\"";
        List<IpAddress> npAddrs = n.nodePortAddresses(f);
        if (npAddrs.isEmpty()) {
            nat.rule(tail + " -m addrtype --dst-type LOCAL ! -d " + (f == Family.IPV4 ? "127.0.0.0/8" : "::1/128") + " -j KUBE-NODEPORTS");
        } else {
            for (IpAddress a : npAddrs) {
                if (!a.value().isLoopback()) nat.rule(tail + " -d " + a.text() + " -j KUBE-NODEPORTS");
            }
        }
        filter.rules(IptablesPolicyRenderer.rules(n.policy(), f));

        StringBuilder b = new StringBuilder();
        b.append("# netc ").append(f.apiName()).append(" rules for node ").append(n.name())
                .append(": iptables-restore input in kube-proxy's layout\n");
        filter.write(b);
        nat.write(b);
        return b.toString();
    }

    /** The endpoints the node's Service ports of one family know (kube-proxy's measure of a large cluster). */
    private static int endpointCount(List<ServicePortPlan> services) {
        int count = 0;
        for (ServicePortPlan s : services) {
            TreeSet<PlanEndpoint> all = new TreeSet<>(s.clusterEndpoints());
            all.addAll(s.localEndpoints());
            count += all.size();
        }
        return count;
    }
}
