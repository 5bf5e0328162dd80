package dev.netc.backends.policy;

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
 * NetworkPolicy as nftables text, to be placed inside the backend's table. The part every node shares holds the
 * named interval sets of peers and one chain per distinct program ({@link PolicyPrograms}); a node's part holds a
 * verdict map per direction from local pod address to its program's chain, the set of its pods' own address pairs
 * (a pod may always reach itself) and the base chain on the forward hook. Denials reject with "administratively
 * prohibited" so a client learns at once.
 */
public final class NftPolicyRenderer {
    /** Chain prefixes: a program's chain per direction, and its NetworkPolicy part when admin rules come first. */
    static final String INGRESS = "policy-ingress-";
    static final String EGRESS = "policy-egress-";
    static final String INGRESS_NP = "policy-ingress-np-";
    static final String EGRESS_NP = "policy-egress-np-";
    /** The node's set of its restricted pods' (address . same address) pairs. */
    static final String SELF = "policy-self";

    private NftPolicyRenderer() {
    }

    /** One node's policy whole (sets, programs, pods), indented one tab; empty when no local pod is restricted. */
    public static String render(PolicyPlan plan, Family f) {
        Map<String, List<Cidr>> sets = PolicyChains.usedSets(plan, f);
        PolicyPrograms programs = PolicyPrograms.of(plan);
        String pods = renderPods(plan, f, programs);
        return pods.isEmpty() ? "" : renderSets(sets, f) + renderPrograms(programs, f, sets) + pods;
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
     * The chains of every program of the family, egress then ingress, each in id order (indented one tab); {@code sets}
     * must hold every set they use that has members of the family.
     */
    public static String renderPrograms(PolicyPrograms programs, Family f, Map<String, List<Cidr>> sets) {
        StringBuilder b = new StringBuilder();
        for (boolean ingress : new boolean[] {false, true}) {
            programs.programs(f, ingress).forEach((id, prog) -> {
                String np = npChain(programs.restId(prog), ingress);
                b.append("\tchain ").append(chain(id, ingress)).append(" {\n");
                for (PolicyChains.Step s : prog.hasAdmin() ? prog.admin() : prog.rest()) step(b, s, ingress, f, sets, np);
                if (prog.hasAdmin()) b.append("\t\tgoto ").append(np).append('\n');
                b.append("\t}\n\n");
            });
            programs.restParts(f, ingress).forEach((restId, steps) -> {
                String np = npChain(restId, ingress);
                b.append("\tchain ").append(np).append(" {\n");
                for (PolicyChains.Step s : steps) step(b, s, ingress, f, sets, np);
                b.append("\t}\n\n");
            });
        }
        return b.toString();
    }

    /**
     * The node's pods: the set of their own address pairs, the verdict maps from pod address to its program's chain
     * and the forward hook. Empty when no local pod is restricted.
     */
    public static String renderPods(PolicyPlan plan, Family f, PolicyPrograms programs) {
        List<PodPolicy> ingress = PolicyChains.restricted(plan, true, f);
        List<PodPolicy> egress = PolicyChains.restricted(plan, false, f);
        if (ingress.isEmpty() && egress.isEmpty()) return "";
        String ip = f == Family.IPV4 ? "ip" : "ip6";
        String type = f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr";
        StringBuilder b = new StringBuilder();
        b.append("\tset ").append(SELF).append(" {\n");
        b.append("\t\ttype ").append(type).append(" . ").append(type).append('\n');
        b.append("\t\telements = {\n");
        List<PodPolicy> restricted = PolicyChains.restricted(plan, f);
        for (int i = 0; i < restricted.size(); i++) {
            String addr = PolicyChains.address(restricted.get(i), f);
            b.append("\t\t\t").append(addr).append(" . ").append(addr).append(i + 1 < restricted.size() ? ",\n" : "\n");
        }
        b.append("\t\t}\n");
        b.append("\t}\n\n");
        map(b, "policy-ingress-pods", ingress, f, true, programs);
        map(b, "policy-egress-pods", egress, f, false, programs);
        b.append("\tchain policy-forward {\n");
        b.append("\t\ttype filter hook forward priority filter; policy accept;\n");
        b.append("\t\tct state established,related accept\n");
        b.append("\t\tct state invalid drop\n");
        // A pod reaching itself through a Service comes back through the node: like a direct connection to its own
        // address (which never leaves the pod), it is always allowed.
        b.append("\t\t").append(ip).append(" saddr . ").append(ip).append(" daddr @").append(SELF)
                .append(" accept comment \"a pod may always reach itself\"\n");
        if (!egress.isEmpty()) b.append("\t\t").append(ip).append(" saddr vmap @policy-egress-pods\n");
        if (!ingress.isEmpty()) b.append("\t\t").append(ip).append(" daddr vmap @policy-ingress-pods\n");
        b.append("\t}\n");
        return b.toString();
    }

    private static void map(StringBuilder b, String name, List<PodPolicy> pods, Family f, boolean ingress, PolicyPrograms programs) {
        if (pods.isEmpty()) return;
        b.append("\tmap ").append(name).append(" {\n");
        b.append("\t\ttype ").append(f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr").append(" : verdict\n");
        b.append("\t\telements = {\n");
        for (int i = 0; i < pods.size(); i++) {
            PodPolicy p = pods.get(i);
            b.append("\t\t\t").append(PolicyChains.address(p, f)).append(" comment \"").append(PolicyChains.clip(p.qualifiedName(), 128))
                    .append("\" : jump ").append(chain(programs.id(p, ingress), ingress)).append(i + 1 < pods.size() ? ",\n" : "\n");
        }
        b.append("\t\t}\n");
        b.append("\t}\n\n");
    }

    /**
     * {@code policy-ingress-<id>} / {@code policy-egress-<id>}: a program's chain, named by its content hash
     * ({@link PolicyPrograms#id}); its NetworkPolicy part is {@code policy-ingress-np-<restId>}. An id is upper-case
     * base32 (no {@code -}), so no id reads as {@code np-} and another.
     */
    public static String chain(String id, boolean ingress) {
        return (ingress ? INGRESS : EGRESS) + id;
    }

    /** {@code policy-ingress-np-<restId>} / {@code policy-egress-np-<restId>}: a program's NetworkPolicy part. */
    public static String npChain(String restId, boolean ingress) {
        return (ingress ? INGRESS_NP : EGRESS_NP) + restId;
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
