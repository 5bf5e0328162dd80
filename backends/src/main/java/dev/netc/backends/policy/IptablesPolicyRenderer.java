package dev.netc.backends.policy;

import dev.netc.backends.Names;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * NetworkPolicy as iptables filter-table rules, with peers in ipsets ({@code ipset restore} input from
 * {@link #ipsets}). Measured choice: one ipset per address set keeps each allow entry one rule however many peers it
 * has, where plain rules would need one rule per prefix.
 *
 * <p>The part every node shares declares {@link #POLICY_CHAIN}, writes {@link #FORWARD_JUMP} as the first rule of
 * FORWARD (before kube-proxy-style chains that accept marked traffic), and holds one chain per distinct program
 * ({@link #programChains}, {@link #programRules}); a node's part sends its pods' traffic to them ({@link #rules}).
 */
public final class IptablesPolicyRenderer {
    public static final String POLICY_CHAIN = "NETC-POLICY";
    /** Program chain prefixes (the NP ones: the NetworkPolicy part after admin rules), followed by the program's id. */
    static final String INGRESS = "NETC-ING-";
    static final String EGRESS = "NETC-EGR-";
    static final String INGRESS_NP = "NETC-INGNP-";
    static final String EGRESS_NP = "NETC-EGRNP-";
    /** Policy peer sets: {@code peers-…} as the plan names them for IPv4, {@code peers6-…} for IPv6. */
    static final String PEERS = "peers-";
    static final String PEERS6 = "peers6-";
    /** The suffix of the temporary set a set is built in before it is swapped in. */
    public static final String TEMPORARY = "-t";
    /** The comment match keeps at most 255 characters (XT_MAX_COMMENT_LEN 256 with the NUL); longer ones are cut by the kernel. */
    private static final int COMMENT_MAX = 255;
    /** multiport takes at most 15 ports, a range counting two. */
    private static final int MULTIPORT_SLOTS = 15;

    private IptablesPolicyRenderer() {
    }

    public static boolean isEmpty(PolicyPlan plan, Family f) {
        return PolicyChains.restricted(plan, f).isEmpty();
    }

    /** The FORWARD rule that sends traffic through {@link #POLICY_CHAIN}. */
    public static final String FORWARD_JUMP = "-A FORWARD -m comment --comment \"netc network policy\" -j " + POLICY_CHAIN;

    /** One node's policy whole, for a ruleset of its own: {@code :CHAIN - [0:0]} lines for every chain it uses. */
    public static List<String> chainDeclarations(PolicyPlan plan, Family f) {
        List<String> out = new ArrayList<>();
        if (isEmpty(plan, f)) return out;
        out.add(":" + POLICY_CHAIN + " - [0:0]");
        for (String c : programChains(PolicyPrograms.of(plan), f)) out.add(":" + c + " - [0:0]");
        return out;
    }

    /** The FORWARD rule that sends traffic through policy; empty when nothing is restricted. */
    public static List<String> forwardJump(PolicyPlan plan, Family f) {
        if (isEmpty(plan, f)) return List.of();
        return List.of(FORWARD_JUMP);
    }

    /** One node's policy whole, for a ruleset of its own: the program chains' rules, then the node's ({@link #rules}). */
    public static List<String> rules(PolicyPlan plan, Family f) {
        if (isEmpty(plan, f)) return List.of();
        PolicyPrograms programs = PolicyPrograms.of(plan);
        List<String> out = new ArrayList<>(programRules(programs, f, PolicyChains.usedSets(plan, f)));
        out.addAll(rules(plan, f, programs));
        return out;
    }

    /** The chains of every program of the family, in the order {@link #programRules} fills them. */
    public static List<String> programChains(PolicyPrograms programs, Family f) {
        List<String> out = new ArrayList<>();
        for (boolean ingress : new boolean[] {false, true}) {
            for (String id : programs.programs(f, ingress).keySet()) out.add(chain(id, ingress));
            for (String restId : programs.restParts(f, ingress).keySet()) out.add(npChain(restId, ingress));
        }
        return out;
    }

    /** The rules of every program's chains; {@code sets} must hold every set they use that has members of the family. */
    public static List<String> programRules(PolicyPrograms programs, Family f, Map<String, List<Cidr>> sets) {
        List<String> out = new ArrayList<>();
        for (boolean ingress : new boolean[] {false, true}) {
            programs.programs(f, ingress).forEach((id, prog) -> {
                String first = chain(id, ingress);
                String np = npChain(programs.restId(prog), ingress);
                for (PolicyChains.Step s : prog.hasAdmin() ? prog.admin() : prog.rest()) step(out, first, s, ingress, f, sets, np);
                if (prog.hasAdmin()) out.add("-A " + first + " -j " + np);
            });
            programs.restParts(f, ingress).forEach((restId, steps) -> {
                String np = npChain(restId, ingress);
                for (PolicyChains.Step s : steps) step(out, np, s, ingress, f, sets, np);
            });
        }
        return out;
    }

    /**
     * A node's rules in {@link #POLICY_CHAIN}: conntrack, its pods' own address pairs (a pod reaching itself through a
     * Service comes back through the node and, like a direct connection, is always allowed), and each pod's traffic to
     * its program's chain, egress (by source) before ingress (by destination). Empty when nothing is restricted.
     */
    public static List<String> rules(PolicyPlan plan, Family f, PolicyPrograms programs) {
        List<String> out = new ArrayList<>();
        if (isEmpty(plan, f)) return out;
        String any = f == Family.IPV4 ? "/32" : "/128";
        out.add("-A " + POLICY_CHAIN + " -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
        out.add("-A " + POLICY_CHAIN + " -m conntrack --ctstate INVALID -j DROP");
        for (PodPolicy p : PolicyChains.restricted(plan, f)) {
            String a = PolicyChains.address(p, f) + any;
            out.add("-A " + POLICY_CHAIN + " -s " + a + " -d " + a + " -m comment --comment \"" + PolicyChains.clip(p.qualifiedName()
                    + " may always reach itself", COMMENT_MAX) + "\" -j RETURN");
        }
        for (PodPolicy p : PolicyChains.restricted(plan, false, f)) {
            out.add("-A " + POLICY_CHAIN + " -s " + PolicyChains.address(p, f) + any + " -m comment --comment \"" + PolicyChains.clip(p.qualifiedName()
                    + " egress", COMMENT_MAX) + "\" -j " + chain(programs.id(p, false), false));
        }
        for (PodPolicy p : PolicyChains.restricted(plan, true, f)) {
            out.add("-A " + POLICY_CHAIN + " -d " + PolicyChains.address(p, f) + any + " -m comment --comment \"" + PolicyChains.clip(p.qualifiedName()
                    + " ingress", COMMENT_MAX) + "\" -j " + chain(programs.id(p, true), true));
        }
        return out;
    }

    private static void step(List<String> out, String chain, PolicyChains.Step s, boolean ingress, Family f,
                             Map<String, List<Cidr>> sets, String npChain) {
        String peer = "";
        if (s.set().isPresent()) {
            if (!sets.containsKey(s.set().get())) return; // no peer of this family: never matches here
            peer = " -m set --match-set " + ipsetName(s.set().get(), f) + (ingress ? " src" : " dst");
        }
        String target = switch (s.verdict()) {
            case RETURN -> "RETURN";
            case REJECT -> f == Family.IPV4 ? "REJECT --reject-with icmp-admin-prohibited"
                    : "REJECT --reject-with icmp6-adm-prohibited";
            case TO_NETWORK_POLICY -> npChain;
        };
        String comment = " -m comment --comment \"" + PolicyChains.clip(s.comment(), COMMENT_MAX) + "\"";
        if (s.ports().isEmpty()) {
            out.add("-A " + chain + peer + comment + " -j " + target);
            return;
        }
        for (Map.Entry<Protocol, List<PortRange>> e : PolicyChains.byProtocol(s.ports()).entrySet()) {
            String proto = " -p " + e.getKey().lower();
            if (e.getValue().isEmpty()) {
                out.add("-A " + chain + peer + proto + comment + " -j " + target);
                continue;
            }
            for (List<PortRange> chunk : chunks(e.getValue())) {
                String ports = chunk.stream().map(r -> r.first() == r.last() ? "" + r.first() : r.first() + ":" + r.last())
                        .collect(Collectors.joining(","));
                out.add("-A " + chain + peer + proto + " -m multiport --dports " + ports + comment + " -j " + target);
            }
        }
    }

    private static List<List<PortRange>> chunks(List<PortRange> ranges) {
        List<List<PortRange>> out = new ArrayList<>();
        List<PortRange> cur = new ArrayList<>();
        int used = 0;
        for (PortRange r : ranges) {
            int cost = r.first() == r.last() ? 1 : 2;
            if (used + cost > MULTIPORT_SLOTS) {
                out.add(cur);
                cur = new ArrayList<>();
                used = 0;
            }
            cur.add(r);
            used += cost;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    /**
     * {@code ipset restore} input for the sets the rules of this family use. Each set is built under a
     * temporary name and swapped in, so a reload never leaves a set half-filled.
     */
    public static String ipsets(PolicyPlan plan, Family f) {
        if (isEmpty(plan, f)) return "";
        return ipsets(PolicyChains.usedSets(plan, f), f);
    }

    /**
     * Every policy address set of the family that some node's restricted pods of that family use
     * ({@link PolicyChains#clusterSets}).
     */
    public static Map<String, List<Cidr>> clusterSets(NetworkPlan plan, Family f) {
        return PolicyChains.clusterSets(plan, f, p -> !isEmpty(p, f));
    }

    /** {@code ipset restore} input for these sets, by name. */
    public static String ipsets(Map<String, List<Cidr>> sets, Family f) {
        StringBuilder b = new StringBuilder();
        String family = f == Family.IPV4 ? "inet" : "inet6";
        sets.forEach((name, cidrs) -> {
            String real = ipsetName(name, f);
            String tmp = real + TEMPORARY;
            b.append("create ").append(real).append(" hash:net family ").append(family).append(" -exist\n");
            b.append("create ").append(tmp).append(" hash:net family ").append(family).append(" -exist\n");
            b.append("flush ").append(tmp).append('\n');
            for (Cidr c : cidrs) for (String e : ipsetEntries(c)) b.append("add ").append(tmp).append(' ').append(e).append('\n');
            b.append("swap ").append(tmp).append(' ').append(real).append('\n');
            b.append("destroy ").append(tmp).append('\n');
        });
        return b.toString();
    }

    /** hash:net cannot hold a /0: it becomes two halves. */
    private static List<String> ipsetEntries(Cidr c) {
        if (c.prefixLength() != 0) return List.of(c.text());
        return c.family() == Family.IPV4 ? List.of("0.0.0.0/1", "128.0.0.0/1") : List.of("::/1", "8000::/1");
    }

    /**
     * ipset names are per family (one namespace for both) and at most 31 characters, with room for the
     * temporary {@code -t}: the plan's {@code peers-<hex>} for IPv4, {@code peers6-<hex>} for IPv6 (lower case). A plan name of
     * another shape becomes the prefix and the content hash of that name (upper case: never a plan name).
     */
    public static String ipsetName(String set, Family f) {
        String prefix = f == Family.IPV4 ? PEERS : PEERS6;
        String rest = set.startsWith(PEERS) ? set.substring(PEERS.length()) : "";
        if (rest.matches("[0-9a-z]+") && prefix.length() + rest.length() + TEMPORARY.length() <= Names.IPSET_MAX) {
            return prefix + rest;
        }
        return prefix + Names.hash(set);
    }

    /**
     * {@code NETC-ING-} / {@code NETC-EGR-} and a program's id ({@link PolicyPrograms#id}): 25 characters, within
     * iptables' 28.
     */
    public static String chain(String id, boolean ingress) {
        return (ingress ? INGRESS : EGRESS) + id;
    }

    /** {@code NETC-INGNP-} / {@code NETC-EGRNP-} and the id of a program's NetworkPolicy part: 27 characters. */
    public static String npChain(String restId, boolean ingress) {
        return (ingress ? INGRESS_NP : EGRESS_NP) + restId;
    }
}
