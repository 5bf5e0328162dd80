package dev.netc.backends.ipvs;

import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.backends.policy.PolicyPrograms;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.plan.PodNetworkPlan;
import dev.netc.ir.plan.PolicyPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The iptables rules kube-proxy's IPVS mode keeps beside the virtual servers: masquerade for traffic from
 * outside the cluster CIDRs and for hairpin connections, node-port and load-balancer marking (not for
 * externalTrafficPolicy Local), the load-balancer source-range firewall, and NetworkPolicy. All but the rules that
 * send the node's pods to their policy programs is the same on every node: a shared part, then the node's, which
 * closes the filter table.
 */
final class IpvsIptables {
    private IpvsIptables() {
    }

    /**
     * The part every node shares: the nat table whole, then the filter table's fixed chains and rules, with the policy
     * chain declared and jumped to from FORWARD first (empty on a node whose pods no policy restricts), left open.
     */
    static String shared(Family f, List<Cidr> pods, boolean masqueradeAll, PolicyPrograms programs, Map<String, List<Cidr>> policySets,
                         Optional<PodNetworkPlan.Egress> podEgress) {
        List<String> nat = new ArrayList<>();
        nat.add("*nat");
        for (String c : List.of("KUBE-SERVICES", "KUBE-POSTROUTING", "KUBE-NODE-PORT", "KUBE-LOAD-BALANCER",
                "KUBE-EXTERNAL-SERVICES", "KUBE-MARK-MASQ")) {
            nat.add(":" + c + " - [0:0]");
        }
        if (podEgress.isPresent()) nat.add(":" + IptablesBackend.POD_EGRESS_CHAIN + " - [0:0]");
        nat.add("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.add("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
        nat.add("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING");
        nat.add("-A KUBE-POSTROUTING -m comment --comment \"Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose\" -m set --match-set "
                + IpvsSets.name("KUBE-LOOP-BACK", f) + " dst,dst,src -j MASQUERADE");
        nat.add("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN");
        nat.add("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000");
        nat.add("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        nat.add("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
        podEgress.ifPresent(e -> nat.addAll(IptablesBackend.podEgressRules(e)));
        String clusterIp = IpvsSets.name("KUBE-CLUSTER-IP", f);
        if (masqueradeAll || pods.isEmpty()) {
            nat.add("-A KUBE-SERVICES -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set "
                    + clusterIp + " dst,dst -j KUBE-MARK-MASQ");
        } else {
            for (Cidr c : pods) {
                nat.add("-A KUBE-SERVICES ! -s " + c.text() + " -m comment --comment \"Kubernetes service cluster ip + port for masquerade purpose\" -m set --match-set "
                        + clusterIp + " dst,dst -j KUBE-MARK-MASQ");
            }
        }
        nat.add("-A KUBE-SERVICES -m comment --comment \"Kubernetes service load balancer ip + port for load balancer with sourceRange\" -m set --match-set "
                + IpvsSets.name("KUBE-LOAD-BALANCER", f) + " dst,dst -j KUBE-LOAD-BALANCER");
        nat.add("-A KUBE-SERVICES -m comment --comment \"Kubernetes service external ip + port with externalTrafficPolicy=local\" -m set --match-set "
                + IpvsSets.name("KUBE-EXTERNAL-IP-LOCAL", f) + " dst,dst -j RETURN");
        nat.add("-A KUBE-SERVICES -m comment --comment \"Kubernetes service external ip + port for masquerade and filter purpose\" -m set --match-set "
                + IpvsSets.name("KUBE-EXTERNAL-IP", f) + " dst,dst -j KUBE-MARK-MASQ");
        nat.add("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT");
        nat.add("-A KUBE-LOAD-BALANCER -m comment --comment \"Kubernetes service load balancer ip + port with externalTrafficPolicy=local\" -m set --match-set "
                + IpvsSets.name("KUBE-LOAD-BALANCER-LOCAL", f) + " dst,dst -j RETURN");
        nat.add("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ");
        for (String p : List.of("TCP", "UDP")) {
            String proto = p.toLowerCase(java.util.Locale.ROOT);
            nat.add("-A KUBE-NODE-PORT -p " + proto + " -m comment --comment \"Kubernetes nodeport " + p
                    + " port with externalTrafficPolicy=local\" -m set --match-set " + IpvsSets.name("KUBE-NODE-PORT-LOCAL-" + p, f) + " dst -j RETURN");
            nat.add("-A KUBE-NODE-PORT -p " + proto + " -m comment --comment \"Kubernetes nodeport " + p
                    + " port for masquerade purpose\" -m set --match-set " + IpvsSets.name("KUBE-NODE-PORT-" + p, f) + " dst -j KUBE-MARK-MASQ");
        }
        nat.add("-A KUBE-NODE-PORT -p sctp -m comment --comment \"Kubernetes nodeport SCTP port with externalTrafficPolicy=local\" -m set --match-set "
                + IpvsSets.name("KUBE-NODE-PORT-LOCAL-SCTP-HASH", f) + " dst,dst -j RETURN");
        nat.add("-A KUBE-NODE-PORT -p sctp -m comment --comment \"Kubernetes nodeport SCTP port for masquerade purpose\" -m set --match-set "
                + IpvsSets.name("KUBE-NODE-PORT-SCTP-HASH", f) + " dst,dst -j KUBE-MARK-MASQ");
        nat.add("COMMIT");

        List<String> filter = new ArrayList<>();
        filter.add("*filter");
        for (String c : List.of("KUBE-FORWARD", "KUBE-PROXY-FIREWALL", "KUBE-SOURCE-RANGES-FIREWALL")) {
            filter.add(":" + c + " - [0:0]");
        }
        filter.add(":" + IptablesPolicyRenderer.POLICY_CHAIN + " - [0:0]");
        filter.add(IptablesPolicyRenderer.FORWARD_JUMP); // before anything that accepts
        filter.add("-A INPUT -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL");
        filter.add("-A FORWARD -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL");
        filter.add("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD");
        filter.add("-A OUTPUT -m comment --comment \"kube-proxy firewall rules\" -j KUBE-PROXY-FIREWALL");
        filter.add("-A KUBE-PROXY-FIREWALL -m comment --comment \"Kubernetes service load balancer ip + port for load balancer with sourceRange\" -m set --match-set "
                + IpvsSets.name("KUBE-LOAD-BALANCER-FW", f) + " dst,dst -j KUBE-SOURCE-RANGES-FIREWALL");
        filter.add("-A KUBE-SOURCE-RANGES-FIREWALL -m set --match-set " + IpvsSets.name("KUBE-LOAD-BALANCER-SOURCE-CIDR", f)
                + " dst,dst,src -j RETURN");
        filter.add("-A KUBE-SOURCE-RANGES-FIREWALL -j DROP");
        filter.add("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP");
        filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT");
        filter.add("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        for (String c : IptablesPolicyRenderer.programChains(programs, f)) filter.add(":" + c + " - [0:0]");
        filter.addAll(IptablesPolicyRenderer.programRules(programs, f, policySets));
        StringBuilder b = new StringBuilder();
        nat.forEach(l -> b.append(l).append('\n'));
        filter.forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /** One node's part: its pods' policy rules (to the shared program chains), then the filter table's COMMIT. */
    static String node(String node, PolicyPlan policy, Family f, PolicyPrograms programs) {
        StringBuilder b = new StringBuilder("# node ").append(node).append('\n');
        for (String r : IptablesPolicyRenderer.rules(policy, f, programs)) b.append(r).append('\n');
        return b.append("COMMIT\n").toString();
    }
}
