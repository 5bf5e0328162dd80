package dev.netc.backends.policy;

import dev.netc.backends.Names;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * NetworkPolicy for one node and family as nftables text, to be placed inside the backend's table: named
 * interval sets of peers, a verdict map per direction from local pod address to the pod's chain, and a base
 * chain on the forward hook. Denials reject with "administratively prohibited" so a client learns at once.
 */
public final class NftPolicyRenderer {
    /** Chain prefixes: a pod's chain per direction, and its NetworkPolicy part when admin rules come first. */
    static final String INGRESS = "pod-ingress-";
    static final String EGRESS = "pod-egress-";
    static final String INGRESS_NP = "pod-ingress-np-";
    static final String EGRESS_NP = "pod-egress-np-";
    private static final int LONGEST_PREFIX = Math.max(INGRESS_NP.length(), EGRESS_NP.length());

    private NftPolicyRenderer() {
    }

    /** The lines (indented one tab, as inside a table block); empty when no local pod is restricted. */
    public static String render(PolicyPlan plan, Family f) {
        Map<String, List<Cidr>> sets = PolicyChains.usedSets(plan, f);
        String pods = renderPods(plan, f, sets);
        return pods.isEmpty() ? "" : renderSets(sets, f) + pods;
    }

    /** Every address set of one family that some node's restricted pods use ({@link PolicyChains#clusterSets}). */
    public static Map<String, List<Cidr>> clusterSets(NetworkPlan plan, Family f) {
        return PolicyChains.clusterSets(plan, f,
                p -> !PolicyChains.restricted(p, true).isEmpty() || !PolicyChains.restricted(p, false).isEmpty());
    }

    /** The named interval sets (indented one tab). */
    public static String renderSets(Map<String, List<Cidr>> sets, Family f) {
        StringBuilder b = new StringBuilder();
        sets.forEach((name, cidrs) -> {
            b.append("\tset ").append(name).append(" {\n");
            b.append("\t\ttype ").append(f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr").append('\n');
            b.append("\t\tflags interval\n");
            b.append("\t\telements = { ").append(cidrs.stream().map(NftPolicyRenderer::element).collect(Collectors.joining(", ")))
                    .append(" }\n");
            b.append("\t}\n\n");
        });
        return b.toString();
    }

    /**
     * The node's pods: the verdict maps from pod address to its chains, the forward hook and the chains; {@code sets}
     * must hold every set they use that has members of the family. Empty when no local pod is restricted.
     */
    public static String renderPods(PolicyPlan plan, Family f, Map<String, List<Cidr>> sets) {
        List<PodPolicy> ingress = PolicyChains.restricted(plan, true).stream().filter(p -> hasFamily(p, f)).toList();
        List<PodPolicy> egress = PolicyChains.restricted(plan, false).stream().filter(p -> hasFamily(p, f)).toList();
        if (ingress.isEmpty() && egress.isEmpty()) return "";
        String ip = f == Family.IPV4 ? "ip" : "ip6";
        StringBuilder b = new StringBuilder();
        map(b, "policy-ingress-pods", ingress, f, true);
        map(b, "policy-egress-pods", egress, f, false);
        b.append("\tchain policy-forward {\n");
        b.append("\t\ttype filter hook forward priority filter; policy accept;\n");
        b.append("\t\tct state established,related accept\n");
        b.append("\t\tct state invalid drop\n");
        if (!egress.isEmpty()) b.append("\t\t").append(ip).append(" saddr vmap @policy-egress-pods\n");
        if (!ingress.isEmpty()) b.append("\t\t").append(ip).append(" daddr vmap @policy-ingress-pods\n");
        b.append("\t}\n");
        for (PodPolicy p : egress) chains(b, p, false, f, sets);
        for (PodPolicy p : ingress) chains(b, p, true, f, sets);
        return b.toString();
    }

    private static boolean hasFamily(PodPolicy p, Family f) {
        return p.ips().stream().anyMatch(a -> a.family() == f);
    }

    private static void map(StringBuilder b, String name, List<PodPolicy> pods, Family f, boolean ingress) {
        if (pods.isEmpty()) return;
        b.append("\tmap ").append(name).append(" {\n");
        b.append("\t\ttype ").append(f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr").append(" : verdict\n");
        b.append("\t\telements = {\n");
        for (int i = 0; i < pods.size(); i++) {
            PodPolicy p = pods.get(i);
            String addr = p.ips().stream().filter(a -> a.family() == f).findFirst().orElseThrow().text();
            b.append("\t\t\t").append(addr).append(" : jump ").append(chain(p, ingress, false))
                    .append(i + 1 < pods.size() ? ",\n" : "\n");
        }
        b.append("\t\t}\n");
        b.append("\t}\n\n");
    }

    /**
     * {@code pod-ingress-HASH8-ns/name}: the hash of the pod's identity follows the prefix, so no prefix and
     * namespace can read as another prefix ({@code pod-ingress-} and namespace {@code np-x} against
     * {@code pod-ingress-np-} and namespace {@code x}); a long pod name is cut and the hash then covers it.
     */
    public static String chain(PodPolicy p, boolean ingress, boolean networkPolicyPart) {
        String prefix = ingress ? (networkPolicyPart ? INGRESS_NP : INGRESS) : (networkPolicyPart ? EGRESS_NP : EGRESS);
        return prefix + Names.nftBase(Names.identity(p.namespace(), p.name()), p.qualifiedName(), LONGEST_PREFIX);
    }

    private static void chains(StringBuilder b, PodPolicy p, boolean ingress, Family f, Map<String, List<Cidr>> sets) {
        PolicyChains.Program prog = PolicyChains.program(p, ingress);
        b.append("\n\tchain ").append(chain(p, ingress, false)).append(" {\n");
        // A pod reaching itself through a Service comes back through the node: like a direct connection to its
        // own address (which never leaves the pod), it is always allowed.
        for (var a : p.ips()) {
            if (a.family() == f) {
                b.append("\t\t").append(f == Family.IPV4 ? "ip " : "ip6 ").append(ingress ? "saddr " : "daddr ").append(a.text())
                        .append(" return comment \"a pod may always reach itself\"\n");
            }
        }
        String np = chain(p, ingress, true);
        if (prog.hasAdmin()) {
            for (PolicyChains.Step s : prog.admin()) step(b, s, ingress, f, sets, np);
            b.append("\t\tgoto ").append(np).append('\n');
            b.append("\t}\n");
            b.append("\n\tchain ").append(np).append(" {\n");
        }
        for (PolicyChains.Step s : prog.rest()) step(b, s, ingress, f, sets, np);
        b.append("\t}\n");
    }

    private static void step(StringBuilder b, PolicyChains.Step s, boolean ingress, Family f, Map<String, List<Cidr>> sets,
                             String npChain) {
        String peer = "";
        if (s.set().isPresent()) {
            if (!sets.containsKey(s.set().get())) return; // no peer of this family: never matches here
            peer = (f == Family.IPV4 ? "ip " : "ip6 ") + (ingress ? "saddr" : "daddr") + " @" + s.set().get() + " ";
        }
        String verdict = switch (s.verdict()) {
            case RETURN -> "return";
            case REJECT -> f == Family.IPV4 ? "reject with icmp type admin-prohibited"
                    : "reject with icmpv6 type admin-prohibited";
            case TO_NETWORK_POLICY -> "goto " + npChain;
        };
        String comment = " comment \"" + PolicyChains.clip(s.comment(), 128) + "\"";
        if (s.ports().isEmpty()) {
            b.append("\t\t").append(peer).append(verdict).append(comment).append('\n');
            return;
        }
        for (Map.Entry<Protocol, List<PortRange>> e : PolicyChains.byProtocol(s.ports()).entrySet()) {
            b.append("\t\t").append(peer).append("meta l4proto ").append(e.getKey().lower());
            if (!e.getValue().isEmpty()) {
                b.append(" th dport { ").append(e.getValue().stream()
                        .map(r -> r.first() == r.last() ? "" + r.first() : r.first() + "-" + r.last())
                        .collect(Collectors.joining(", "))).append(" }");
            }
            b.append(' ').append(verdict).append(comment).append('\n');
        }
    }

    private static String element(Cidr c) {
        int full = c.family() == Family.IPV4 ? 32 : 128;
        return c.prefixLength() == full ? c.network().text() : c.text();
    }
}
