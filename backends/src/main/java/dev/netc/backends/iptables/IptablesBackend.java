package dev.netc.backends.iptables;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code nodes/<node>/iptables.rules} (and {@code ip6tables.rules}): {@code iptables-restore} input in
 * kube-proxy's iptables-mode layout and names (KUBE-SERVICES, KUBE-NODEPORTS, KUBE-SVC-/KUBE-SVL-/KUBE-EXT-/
 * KUBE-FW-/KUBE-SEP- chains, KUBE-MARK-MASQ, KUBE-POSTROUTING, the filter chains for rejects and the
 * load-balancer firewall), plus netc's NetworkPolicy chains and {@code nodes/<node>/ipset.rules} for their peer
 * sets (restore it first).
 *
 * <p>Each file is a complete restore for a clean network namespace: it declares every chain it uses and
 * flushes them. On a node with other rules in the built-in chains, the applier restores it with
 * {@code --noflush} and keeps netc's jump rules present once.
 */
public final class IptablesBackend implements Backend {
    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        List<Artifact> out = new ArrayList<>();
        for (NodePlan n : Backend.selected(plan, nodes)) {
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

    /** Rules of one table: chain declarations (kept in first-use order, no duplicates) and rule lines. */
    private static final class Table {
        final Set<String> chains = new LinkedHashSet<>();
        final List<String> rules = new ArrayList<>();

        void chain(String c) {
            chains.add(c);
        }

        void rule(String r) {
            rules.add(r);
        }

        void write(StringBuilder b, String name) {
            b.append('*').append(name).append('\n');
            chains.forEach(c -> b.append(':').append(c).append(" - [0:0]\n"));
            rules.forEach(r -> b.append(r).append('\n'));
            b.append("COMMIT\n");
        }
    }

    static String render(NodePlan n, Family f) {
        Table nat = new Table();
        Table filter = new Table();
        for (String c : List.of("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ")) nat.chain(c);
        for (String c : List.of("KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
                "KUBE-PROXY-FIREWALL")) {
            filter.chain(c);
        }
        IptablesPolicyRenderer.chainDeclarations(n.policy(), f).forEach(d -> filter.chain(d.substring(1, d.indexOf(' '))));

        nat.rule("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.rule("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
        nat.rule("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
        nat.rule("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000");
        nat.rule("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        nat.rule("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");

        // NetworkPolicy comes first in FORWARD: KUBE-FORWARD accepts marked and established traffic.
        IptablesPolicyRenderer.forwardJump(n.policy(), f).forEach(filter::rule);
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

        List<String> chainsAndEndpoints = new ArrayList<>();
        for (ServicePortPlan s : n.services(f)) service(n, s, f, nat, filter, chainsAndEndpoints);
        nat.rules.addAll(chainsAndEndpoints);

        // The node-port dispatch must be the last rule of KUBE-SERVICES.
        List<IpAddress> npAddrs = n.nodePortAddresses(f);
        if (npAddrs.isEmpty()) {
            nat.rule("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS");
        } else {
            for (IpAddress a : npAddrs) {
                nat.rule("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -d "
                        + a.text() + " -j KUBE-NODEPORTS");
            }
        }
        IptablesPolicyRenderer.rules(n.policy(), f).forEach(filter::rule);

        StringBuilder b = new StringBuilder();
        b.append("# netc ").append(f.apiName()).append(" rules for node ").append(n.name())
                .append(": iptables-restore input in kube-proxy's layout\n");
        filter.write(b, "filter");
        nat.write(b, "nat");
        return b.toString();
    }

    private static void service(NodePlan n, ServicePortPlan s, Family f, Table nat, Table filter, List<String> later) {
        String spn = s.servicePortName();
        String proto = s.protocol().lower();
        String svc = ChainNames.service("KUBE-SVC-", spn, proto);
        String svl = ChainNames.service("KUBE-SVL-", spn, proto);
        String ext = ChainNames.service("KUBE-EXT-", spn, proto);
        String fw = ChainNames.service("KUBE-FW-", spn, proto);
        String internalChain = s.internalLocal() ? svl : svc;
        String externalPolicyChain = s.externalLocal() ? svl : svc;
        boolean hasInternal = !s.internalEndpoints().isEmpty();
        boolean hasExternal = !s.externalEndpoints().isEmpty();
        boolean usesCluster = !s.clusterEndpoints().isEmpty() && s.usesClusterEndpoints();
        boolean usesLocal = !s.localEndpoints().isEmpty() && s.usesLocalEndpoints();
        boolean usesExt = s.hasEndpoints() && s.externallyAccessible();
        boolean usesFw = !s.loadBalancerIPs().isEmpty() && !s.loadBalancerSourceRanges().isEmpty();
        String internalFilterTarget = !s.hasEndpoints() ? "REJECT" : "DROP";
        String internalFilterComment = !s.hasEndpoints() ? spn + " has no endpoints" : spn + " has no local endpoints";
        String externalFilterTarget = !s.hasEndpoints() ? "REJECT" : "DROP";
        String externalFilterComment = !s.hasEndpoints() ? spn + " has no endpoints" : spn + " has no local endpoints";
        String m = "-m " + proto + " -p " + proto;

        if (usesCluster) nat.chain(svc);
        if (usesLocal) nat.chain(svl);
        if (usesExt) nat.chain(ext);
        if (usesFw) nat.chain(fw);

        // cluster IP
        if (s.clusterIP().isPresent()) {
            String ip = s.clusterIP().get().text();
            String args = "-m comment --comment \"" + spn + " cluster IP\" " + m + " -d " + ip + " --dport " + s.port();
            if (hasInternal) {
                if (n.masqueradeAll()) {
                    later.add("-A " + internalChain + " " + args + " -j KUBE-MARK-MASQ");
                } else {
                    for (Cidr c : n.clusterCIDRs(f)) later.add("-A " + internalChain + " " + args + " ! -s " + c.text() + " -j KUBE-MARK-MASQ");
                }
                nat.rule("-A KUBE-SERVICES " + args + " -j " + internalChain);
            } else {
                filter.rule("-A KUBE-SERVICES -m comment --comment \"" + internalFilterComment + "\" " + m + " -d " + ip
                        + " --dport " + s.port() + " -j " + internalFilterTarget);
            }
        }
        // external IPs
        for (IpAddress a : s.externalIPs()) {
            if (s.hasEndpoints()) {
                nat.rule("-A KUBE-SERVICES -m comment --comment \"" + spn + " external IP\" " + m + " -d " + a.text()
                        + " --dport " + s.port() + " -j " + ext);
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"" + externalFilterComment + "\" " + m + " -d "
                        + a.text() + " --dport " + s.port() + " -j " + externalFilterTarget);
            }
        }
        // load-balancer IPs
        for (IpAddress a : s.loadBalancerIPs()) {
            if (s.hasEndpoints()) {
                nat.rule("-A KUBE-SERVICES -m comment --comment \"" + spn + " loadbalancer IP\" " + m + " -d " + a.text()
                        + " --dport " + s.port() + " -j " + (usesFw ? fw : ext));
            }
            if (usesFw) {
                filter.rule("-A KUBE-PROXY-FIREWALL -m comment --comment \"" + spn + " traffic not accepted by " + fw + "\" " + m
                        + " -d " + a.text() + " --dport " + s.port() + " -j DROP");
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"" + externalFilterComment + "\" " + m + " -d "
                        + a.text() + " --dport " + s.port() + " -j " + externalFilterTarget);
            }
        }
        // node port
        if (s.nodePort() != 0) {
            if (s.hasEndpoints()) {
                nat.rule("-A KUBE-NODEPORTS -m comment --comment " + spn + " " + m + " --dport " + s.nodePort() + " -j " + ext);
            }
            if (!hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment \"" + externalFilterComment
                        + "\" -m addrtype --dst-type LOCAL " + m + " --dport " + s.nodePort() + " -j " + externalFilterTarget);
            }
        }
        // firewall chain: allowed sources go on to the external chain; the rest falls through and is dropped
        // in filter KUBE-PROXY-FIREWALL (it was never DNATed, so its destination is still the LB IP)
        if (usesFw) {
            for (Cidr c : s.loadBalancerSourceRanges()) {
                later.add("-A " + fw + " -m comment --comment \"" + spn + " loadbalancer IP\" -s " + c.text() + " -j " + ext);
            }
            later.add("-A " + fw + " -m comment --comment \"other traffic to " + spn + " will be dropped by KUBE-PROXY-FIREWALL\"");
        }
        // external traffic chain
        if (usesExt) {
            if (!s.externalLocal()) {
                later.add("-A " + ext + " -m comment --comment \"masquerade traffic for " + spn + " external destinations\" -j KUBE-MARK-MASQ");
            } else {
                for (Cidr c : n.clusterCIDRs(f)) {
                    later.add("-A " + ext + " -m comment --comment \"pod traffic for " + spn + " external destinations\" -s "
                            + c.text() + " -j " + svc);
                }
                later.add("-A " + ext + " -m comment --comment \"masquerade LOCAL traffic for " + spn
                        + " external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ");
                later.add("-A " + ext + " -m comment --comment \"route LOCAL traffic for " + spn
                        + " external destinations\" -m addrtype --src-type LOCAL -j " + svc);
            }
            if (hasExternal) later.add("-A " + ext + " -j " + externalPolicyChain);
        }
        if (usesCluster) toEndpoints(s, svc, s.clusterEndpoints(), proto, later);
        if (usesLocal) toEndpoints(s, svl, s.localEndpoints(), proto, later);
        for (PlanEndpoint e : s.reachableEndpoints()) {
            String sep = ChainNames.endpoint(spn, proto, e.hostPort());
            nat.chain(sep);
            String head = "-A " + sep + " -m comment --comment " + spn;
            later.add(head + " -s " + e.ip().text() + " -j KUBE-MARK-MASQ");
            later.add(head + (s.affinitySeconds() > 0 ? " -m recent --name " + sep + " --set" : "") + " " + m
                    + " -j DNAT --to-destination " + e.hostPort());
        }
    }

    private static void toEndpoints(ServicePortPlan s, String chain, List<PlanEndpoint> eps, String proto, List<String> later) {
        String spn = s.servicePortName();
        if (s.affinitySeconds() > 0) {
            for (PlanEndpoint e : eps) {
                String sep = ChainNames.endpoint(spn, proto, e.hostPort());
                later.add("-A " + chain + " -m comment --comment \"" + spn + " -> " + e.hostPort() + "\" -m recent --name " + sep
                        + " --rcheck --seconds " + s.affinitySeconds() + " --reap -j " + sep);
            }
        }
        for (int i = 0; i < eps.size(); i++) {
            PlanEndpoint e = eps.get(i);
            String sep = ChainNames.endpoint(spn, proto, e.hostPort());
            StringBuilder r = new StringBuilder("-A " + chain + " -m comment --comment \"" + spn + " -> " + e.hostPort() + "\"");
            if (i < eps.size() - 1) {
                r.append(" -m statistic --mode random --probability ")
                        .append(String.format(Locale.ROOT, "%.10f", 1.0 / (eps.size() - i)));
            }
            later.add(r + " -j " + sep);
        }
    }
}
