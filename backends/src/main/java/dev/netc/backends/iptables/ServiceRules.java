package dev.netc.backends.iptables;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one node's Service ports in one family, as kube-proxy's iptables proxier writes them (its
 * {@code syncProxyRules}): the dispatch rules go to KUBE-SERVICES / KUBE-NODEPORTS (nat) and to KUBE-SERVICES /
 * KUBE-EXTERNAL-SERVICES / KUBE-PROXY-FIREWALL (filter) at once; the per-Service chains (EXT, FW, SVC, SVL, SEP)
 * are collected in {@link #chainRules} so that they follow the dispatch rules in the file.
 */
final class ServiceRules {
    /** Chain that marks for masquerade what does not come from a pod range, when a family has several ranges. */
    static final String MASQ_OFF_CLUSTER = "NETC-MARK-MASQ-OFF-CLUSTER";

    private final Family family;
    private final List<Cidr> podRanges;
    private final boolean masqueradeAll;
    /** Empty for the shared part: then only what is the same on every node is written. */
    private final Optional<IpAddress> nodeIP;
    private final boolean shared;
    private final boolean largeCluster;
    private final RestoreTable nat;
    private final RestoreTable filter;
    final List<String> chainRules = new ArrayList<>();
    private final List<String> probabilities = new ArrayList<>();

    /**
     * @param shared       write the pieces every node has alike (true), or the pieces of one node (false, with
     *                     {@code nodeIP} its primary address of the family)
     * @param largeCluster kube-proxy's "large cluster mode": above 1000 endpoints it leaves the comments out of the
     *                     endpoint rules (SVC/SVL -> SEP and the SEP chains), which keeps big rulesets fast to load
     */
    ServiceRules(Family family, List<Cidr> podRanges, boolean masqueradeAll, boolean shared, Optional<IpAddress> nodeIP,
                 boolean largeCluster, RestoreTable nat, RestoreTable filter) {
        this.family = family;
        this.podRanges = List.copyOf(podRanges);
        this.masqueradeAll = masqueradeAll;
        this.shared = shared;
        this.nodeIP = nodeIP;
        this.largeCluster = largeCluster;
        this.nat = nat;
        this.filter = filter;
    }

    /** Whether a node's primary address of the family lets it reach a load-balancer IP of {@code s} through its firewall. */
    static boolean allowFromNode(ServicePortPlan s, Optional<IpAddress> nodeIP) {
        return nodeIP.isPresent() && s.loadBalancerSourceRanges().stream().anyMatch(c -> c.contains(nodeIP.get()));
    }

    /** {@code -j REJECT} with the ICMP error iptables-save shows for the family (the tools' default). */
    static String reject(Family f) {
        return f == Family.IPV4 ? "REJECT --reject-with icmp-port-unreachable" : "REJECT --reject-with icmp6-port-unreachable";
    }

    /**
     * kube-proxy's {@code -m statistic --probability} value for the rule that picks one of {@code n} remaining
     * endpoints: 1/n printed as Go's {@code %0.10f} does, rounding the exact binary value half to even (Java's
     * {@code %.10f} rounds half up and differs at n = 2048).
     */
    static String probability(int n) {
        return new BigDecimal(1.0 / n).setScale(10, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** {@link #probability}, each value computed once per file (kube-proxy keeps them precomputed too). */
    private String cachedProbability(int n) {
        while (probabilities.size() <= n) probabilities.add(probability(Math.max(1, probabilities.size())));
        return probabilities.get(n);
    }

    /**
     * One Service port. Shared: {@code local} is empty and the pieces that depend on a node are left out: under a Local
     * policy with endpoints somewhere, the cluster IP's (iTP) or the external frontends' no-endpoint rules and the EXT
     * chain's jump to the node's endpoints (eTP), the SVL chain and the endpoints only a node has; a FW chain whose
     * rules depend on the node's address when {@code firewallVaries}. Node: {@code local} are the node's endpoints,
     * and only those pieces are written.
     */
    void add(ServicePortPlan s, List<PlanEndpoint> local, boolean firewallVaries) {
        String spn = s.servicePortName();
        String proto = s.protocol().lower();
        String hash = ChainNames.hash(spn + proto); // the four chains of a Service port share it
        String svc = ChainNames.SERVICE + hash;
        String svl = ChainNames.SERVICE_LOCAL + hash;
        String ext = ChainNames.EXTERNAL + hash;
        String fw = ChainNames.FIREWALL + hash;
        String m = "-m " + proto + " -p " + proto;

        // Which chains this node needs, as kube-proxy decides (hasEndpoints = usable endpoints anywhere).
        boolean hasEndpoints = s.hasEndpoints();
        boolean nodeDependent = hasEndpoints && s.usesLocalEndpoints();
        boolean internalVaries = nodeDependent && s.internalLocal();
        boolean externalVaries = nodeDependent && s.externalLocal();
        boolean hasInternal = hasEndpoints && (!s.internalLocal() || !local.isEmpty());
        boolean hasExternal = hasEndpoints && (!s.externalLocal() || !local.isEmpty());
        boolean usesCluster = !s.clusterEndpoints().isEmpty() && s.usesClusterEndpoints();
        boolean usesLocal = !local.isEmpty() && s.usesLocalEndpoints();
        // the EXT chain is needed even without external endpoints: it short-circuits pod and node traffic
        boolean usesExt = hasEndpoints && s.externallyAccessible();
        boolean usesFw = hasEndpoints && !s.loadBalancerIPs().isEmpty() && !s.loadBalancerSourceRanges().isEmpty();
        String internalChain = s.internalLocal() ? svl : svc;
        String lbChain = usesFw ? fw : ext;
        String noEndpointsTarget = !hasEndpoints ? reject(family) : "DROP";
        String noEndpointsComment = "\"" + spn + (!hasEndpoints ? " has no endpoints\"" : " has no local endpoints\"");

        if (shared) {
            if (usesExt) nat.chain(ext);
            if (usesFw) nat.chain(fw);
            if (usesCluster) nat.chain(svc);
        } else if (usesLocal) {
            nat.chain(svl);
        }

        // cluster IP
        Optional<IpAddress> clusterIP = s.clusterIP();
        if (clusterIP.isPresent() && shared != internalVaries) {
            String match = m + " -d " + clusterIP.get().text() + " --dport " + s.port();
            String args = "-m comment --comment \"" + spn + " cluster IP\" " + match;
            if (hasInternal) {
                nat.rule("-A KUBE-SERVICES " + args + " -j " + internalChain);
                masqueradeOffCluster(internalChain, args);
            } else {
                filter.rule("-A KUBE-SERVICES -m comment --comment " + noEndpointsComment + " " + match + " -j " + noEndpointsTarget);
            }
        }
        // external IPs
        for (IpAddress a : s.externalIPs()) {
            String match = m + " -d " + a.text() + " --dport " + s.port();
            if (shared && hasEndpoints) nat.rule("-A KUBE-SERVICES -m comment --comment \"" + spn + " external IP\" " + match + " -j " + ext);
            if (shared != externalVaries && !hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment " + noEndpointsComment + " " + match + " -j "
                        + noEndpointsTarget);
            }
        }
        // load-balancer IPs
        for (IpAddress a : s.loadBalancerIPs()) {
            if (!shared) break;
            String match = m + " -d " + a.text() + " --dport " + s.port();
            if (hasEndpoints) nat.rule("-A KUBE-SERVICES -m comment --comment \"" + spn + " loadbalancer IP\" " + match + " -j " + lbChain);
            // what the FW chain lets through is DNATed; what it does not still has the LB IP as destination here
            if (usesFw) {
                filter.rule("-A KUBE-PROXY-FIREWALL -m comment --comment \"" + spn + " traffic not accepted by " + fw + "\" " + match
                        + " -j DROP");
            }
        }
        if (!hasExternal && shared != externalVaries) {
            for (IpAddress a : s.loadBalancerIPs()) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment " + noEndpointsComment + " " + m + " -d " + a.text()
                        + " --dport " + s.port() + " -j " + noEndpointsTarget);
            }
        }
        // node port (loadBalancerSourceRanges do not apply to it, as in kube-proxy)
        if (s.nodePort() != 0) {
            if (shared && hasEndpoints) nat.rule("-A KUBE-NODEPORTS -m comment --comment " + spn + " " + m + " --dport " + s.nodePort() + " -j " + ext);
            if (shared != externalVaries && !hasExternal) {
                filter.rule("-A KUBE-EXTERNAL-SERVICES -m comment --comment " + noEndpointsComment + " -m addrtype --dst-type LOCAL "
                        + m + " --dport " + s.nodePort() + " -j " + noEndpointsTarget);
            }
        }

        if (usesExt) externalChain(s, spn, ext, svc, svl, hasExternal);
        if (usesFw && shared != firewallVaries) firewallChain(s, spn, fw, ext);
        if (shared && usesCluster) toEndpoints(s, svc, s.clusterEndpoints());
        if (!shared && usesLocal) toEndpoints(s, svl, local);
        // endpoint chains: the cluster's in the shared part, the node's own others in its part
        java.util.TreeSet<PlanEndpoint> eps = new java.util.TreeSet<>();
        if (shared) {
            if (s.usesClusterEndpoints()) eps.addAll(s.clusterEndpoints());
        } else if (usesLocal) {
            eps.addAll(local);
            if (s.usesClusterEndpoints()) s.clusterEndpoints().forEach(eps::remove);
        }
        for (PlanEndpoint e : eps) endpointChain(s, e, sep(s, e), m);
    }

    private static String sep(ServicePortPlan s, PlanEndpoint e) {
        return ChainNames.endpoint(s.servicePortName(), s.protocol().lower(), e.hostPort());
    }

    /** Masquerade traffic to the cluster IP that does not come from a pod (or all of it, with masqueradeAll). */
    private void masqueradeOffCluster(String chain, String args) {
        List<Cidr> pods = podRanges;
        if (masqueradeAll) {
            chainRules.add("-A " + chain + " " + args + " -j KUBE-MARK-MASQ");
        } else if (pods.size() == 1) {
            chainRules.add("-A " + chain + " " + args + " ! -s " + pods.get(0).text() + " -j KUBE-MARK-MASQ");
        } else if (pods.size() > 1) {
            // "! -s A ! -s B" cannot be said in one rule; the helper chain returns for each pod range
            chainRules.add("-A " + chain + " " + args + " -j " + MASQ_OFF_CLUSTER);
        }
        // no pod range in this family: nothing tells pods apart, so nothing is masqueraded (kube-proxy's no-op detector)
    }

    /** The EXT chain: its rules in the shared part; under eTP Local its last rule, to the node's endpoints, in the node's. */
    private void externalChain(ServicePortPlan s, String spn, String ext, String svc, String svl, boolean hasExternal) {
        if (!s.externalLocal()) {
            if (!shared) return;
            // endpoints may be on other nodes: the reply must come back through this one
            chainRules.add("-A " + ext + " -m comment --comment \"masquerade traffic for " + spn + " external destinations\" -j KUBE-MARK-MASQ");
            if (hasExternal) chainRules.add("-A " + ext + " -j " + svc);
            return;
        }
        if (shared) {
            // Local keeps the client's address; pods and the node itself act as if they went out to an external
            // load balancer and came back: they may use every endpoint
            for (Cidr c : podRanges) {
                chainRules.add("-A " + ext + " -m comment --comment \"pod traffic for " + spn + " external destinations\" -s "
                        + c.text() + " -j " + svc);
            }
            chainRules.add("-A " + ext + " -m comment --comment \"masquerade LOCAL traffic for " + spn
                    + " external destinations\" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ");
            chainRules.add("-A " + ext + " -m comment --comment \"route LOCAL traffic for " + spn
                    + " external destinations\" -m addrtype --src-type LOCAL -j " + svc);
        } else if (hasExternal) {
            chainRules.add("-A " + ext + " -j " + svl);
        }
    }

    private void firewallChain(ServicePortPlan s, String spn, String fw, String ext) {
        String head = "-A " + fw + " -m comment --comment \"" + spn + " loadbalancer IP\"";
        for (Cidr c : s.loadBalancerSourceRanges()) chainRules.add(head + " -s " + c.text() + " -j " + ext);
        boolean allowFromNode = allowFromNode(s, nodeIP);
        // The LB IP is often a local address: the node's own request then loops back with the LB IP as its
        // source. If the node may connect, so may that.
        if (allowFromNode) {
            for (IpAddress a : s.loadBalancerIPs()) chainRules.add(head + " -s " + a.text() + " -j " + ext);
        }
        // what falls off the end was not DNATed and is dropped by filter KUBE-PROXY-FIREWALL
        chainRules.add("-A " + fw + " -m comment --comment \"other traffic to " + spn + " will be dropped by KUBE-PROXY-FIREWALL\"");
    }

    private String comment(String text) {
        return largeCluster ? "" : " -m comment --comment " + text;
    }

    private void toEndpoints(ServicePortPlan s, String chain, List<PlanEndpoint> eps) {
        String spn = s.servicePortName();
        if (s.affinitySeconds() > 0) {
            // a client seen recently goes back to the endpoint it had
            for (PlanEndpoint e : eps) {
                String sep = sep(s, e);
                chainRules.add("-A " + chain + comment("\"" + spn + " -> " + e.hostPort() + "\"") + " -m recent --name " + sep
                        + " --rcheck --seconds " + s.affinitySeconds() + " --reap -j " + sep);
            }
        }
        // rule i matches 1/(n-i) of what is left: every endpoint gets 1/n; the last rule takes the rest
        for (int i = 0; i < eps.size(); i++) {
            PlanEndpoint e = eps.get(i);
            String sep = sep(s, e);
            String stat = i < eps.size() - 1 ? " -m statistic --mode random --probability " + cachedProbability(eps.size() - i) : "";
            chainRules.add("-A " + chain + comment("\"" + spn + " -> " + e.hostPort() + "\"") + stat + " -j " + sep);
        }
    }

    private void endpointChain(ServicePortPlan s, PlanEndpoint e, String sep, String m) {
        String spn = s.servicePortName();
        nat.chain(sep);
        String head = "-A " + sep + comment(spn);
        // hairpin: a pod reaching itself through the Service must see the reply come from the Service
        chainRules.add(head + " -s " + e.ip().text() + " -j KUBE-MARK-MASQ");
        chainRules.add(head + (s.affinitySeconds() > 0 ? " -m recent --name " + sep + " --set" : "") + " " + m
                + " -j DNAT --to-destination " + e.hostPort());
    }
}
