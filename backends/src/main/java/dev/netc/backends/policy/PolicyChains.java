package dev.netc.backends.policy;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The enforcement program for one pod and direction, independent of the tool that runs it: an ordered list of
 * steps, each "if the peer is in this set (or anywhere) and the port matches: verdict". Both the nftables and
 * the iptables renderers print this list, so the two backends enforce the same thing by construction.
 *
 * <p>Order (see {@link PodPolicy}): admin rules (first match decides; Pass jumps to the NetworkPolicy part),
 * then NetworkPolicy (an isolated pod: the allows, then reject), else the baseline rules; anything left is
 * allowed ({@code RETURN}: the other direction's check still runs).
 */
public final class PolicyChains {
    public enum Verdict { RETURN, REJECT, TO_NETWORK_POLICY }

    /** One step: peers ({@code set} empty = any address), ports (empty = any), and what to do on a match. */
    public record Step(Optional<String> set, List<PortRange> ports, Verdict verdict, String comment) {
    }

    /** The steps of one pod and direction, split at the point a Pass jumps to. */
    public record Program(List<Step> admin, List<Step> rest) {
        public boolean hasAdmin() {
            return !admin.isEmpty();
        }
    }

    private PolicyChains() {
    }

    public static Program program(PodPolicy p, boolean ingress) {
        List<Step> admin = new ArrayList<>();
        for (TierRule t : ingress ? p.adminIngress() : p.adminEgress()) {
            admin.add(new Step(t.peers(), t.ports(), switch (t.action()) {
                case ALLOW -> Verdict.RETURN;
                case DENY -> Verdict.REJECT;
                case PASS -> Verdict.TO_NETWORK_POLICY;
            }, t.origin()));
        }
        List<Step> rest = new ArrayList<>();
        if (ingress ? p.ingressIsolated() : p.egressIsolated()) {
            for (PolicyAllow a : ingress ? p.ingress() : p.egress()) {
                rest.add(new Step(a.peers(), a.ports(), Verdict.RETURN, String.join(", ", a.policies())));
            }
            // names the policies, not the pod: pods the same policies isolate alike share the program
            rest.add(new Step(Optional.empty(), List.of(), Verdict.REJECT,
                    "isolated for " + (ingress ? "ingress" : "egress") + " by " + String.join(", ", p.isolatedBy(ingress))));
        } else {
            for (TierRule t : ingress ? p.baselineIngress() : p.baselineEgress()) {
                rest.add(new Step(t.peers(), t.ports(), t.action() == TierRule.Action.ALLOW ? Verdict.RETURN
                        : Verdict.REJECT, t.origin()));
            }
        }
        return new Program(admin, rest);
    }

    /**
     * Where each step of {@link #program} was written, step for step: {@code admin} the admin part's, otherwise the
     * NetworkPolicy part's (for an isolated pod its allows' rules and, for the closing reject, nothing: that step's
     * comment names the isolating policies). Kept beside {@link #program} so that the two stay aligned.
     */
    public static List<List<Origin>> origins(PodPolicy p, boolean ingress, boolean admin) {
        List<List<Origin>> out = new ArrayList<>();
        if (admin) {
            for (TierRule t : ingress ? p.adminIngress() : p.adminEgress()) out.add(t.rule().map(List::of).orElse(List.of()));
        } else if (ingress ? p.ingressIsolated() : p.egressIsolated()) {
            for (PolicyAllow a : ingress ? p.ingress() : p.egress()) out.add(a.rules());
            out.add(List.of());
        } else {
            for (TierRule t : ingress ? p.baselineIngress() : p.baselineEgress()) out.add(t.rule().map(List::of).orElse(List.of()));
        }
        return out;
    }

    /** Pods that need a chain in this direction, in plan order. */
    public static List<PodPolicy> restricted(PolicyPlan plan, boolean ingress) {
        return plan.pods().stream().filter(p -> p.restricts(ingress)).toList();
    }

    /** Pods with an address of the family that need a chain in this direction, in plan order. */
    public static List<PodPolicy> restricted(PolicyPlan plan, boolean ingress, Family f) {
        return plan.pods().stream().filter(p -> p.restricts(ingress) && hasFamily(p, f)).toList();
    }

    /** Pods with an address of the family that something restricts in either direction, in plan order. */
    public static List<PodPolicy> restricted(PolicyPlan plan, Family f) {
        return plan.pods().stream().filter(p -> (p.restricts(true) || p.restricts(false)) && hasFamily(p, f)).toList();
    }

    /** The pod's address of the family (its first); the pod must have one. */
    public static String address(PodPolicy p, Family f) {
        return p.ips().stream().filter(a -> a.family() == f).findFirst().orElseThrow().text();
    }

    private static boolean hasFamily(PodPolicy p, Family f) {
        return p.ips().stream().anyMatch(a -> a.family() == f);
    }

    /** A set's prefixes of one family; empty when the set has none of that family (its steps then never match). */
    public static List<Cidr> members(PolicyPlan plan, String set, Family f) {
        return plan.set(set).map(s -> s.cidrs(f)).orElse(List.of());
    }

    /** The sets steps of this family refer to that have members in this family, by name. */
    public static Map<String, List<Cidr>> usedSets(PolicyPlan plan, Family f) {
        Map<String, List<Cidr>> out = new TreeMap<>();
        for (AddressSet s : plan.addressSets()) {
            if (!s.cidrs(f).isEmpty()) out.put(s.name(), s.cidrs(f));
        }
        return out;
    }

    /**
     * Every address set of one family that the policy of some node {@code rendered} (whose chains the backend writes)
     * uses, by name, each once: a set's name comes from its content, so the same name is the same set on every node.
     */
    public static Map<String, List<Cidr>> clusterSets(NetworkPlan plan, Family f, java.util.function.Predicate<PolicyPlan> rendered) {
        Map<String, List<Cidr>> out = new TreeMap<>();
        for (NodePlan n : plan.nodes()) {
            if (rendered.test(n.policy())) out.putAll(usedSets(n.policy(), f));
        }
        return out;
    }

    /** Ports grouped by protocol, in protocol order; a protocol mapped to an empty list means "every port". */
    public static Map<Protocol, List<PortRange>> byProtocol(List<PortRange> ports) {
        Map<Protocol, List<PortRange>> out = new TreeMap<>();
        for (PortRange r : ports) out.computeIfAbsent(r.protocol(), k -> new ArrayList<>()).add(r);
        out.replaceAll((proto, ranges) -> ranges.stream().anyMatch(PortRange::isAll) ? List.of() : List.copyOf(ranges));
        return out;
    }

    /**
     * A comment cut to the tool's limit (nft: 128 characters, iptables: 256): a list of policy names keeps the
     * names that fit and says how many more there are.
     */
    public static String clip(String comment, int max) {
        String c = dev.netc.ir.Text.escape(comment).replace("\"", "'");
        if (c.length() <= max) return c;
        String[] parts = c.split(", ");
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (String p : parts) {
            String next = (b.length() == 0 ? "" : ", ") + p;
            if (b.length() + next.length() + 12 > max) break;
            b.append(next);
            used++;
        }
        if (used == 0) return c.substring(0, max - 3) + "...";
        return b + " +" + (parts.length - used) + " more";
    }
}
