package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.compiler.WorkCounters;
import dev.netc.ir.Cidr;
import dev.netc.ir.ContentHash;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Origin;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PolicyResolution;
import dev.netc.ir.plan.PolicyResolution.Match;
import dev.netc.ir.plan.PolicyResolution.NamedPort;
import dev.netc.ir.plan.PolicyResolution.Peers;
import dev.netc.ir.plan.PolicyResolution.Selected;
import dev.netc.ir.plan.PolicyResolution.Tier;
import dev.netc.ir.plan.PolicyResolution.TierMatch;
import dev.netc.ir.plan.PortRange;
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policy merge: from the {@link PolicyResolution} the two resolving passes left, for every pod on every node,
 * whether a policy isolates it for ingress and for egress, the union of what the selecting policies allow as
 * (peer address set × port set) entries, and the tier rules that apply to it (AdminNetworkPolicy rules before
 * NetworkPolicy, BaselineAdminNetworkPolicy rules after it, in the order they are judged; see {@link PodPolicy}).
 * Then it clears the resolution from the plan.
 *
 * <p>The lists are kept small: address sets are aggregated into minimal prefixes, port ranges coalesced,
 * entries with equal ports merged, and identical address sets shared by name (named by their content) across
 * rules, pods and nodes. A union of peer sets is aggregated once however many pods use it.
 *
 * <p>Counter {@link #COUNTER}: each pod it looks at, each rule match it applies to a pod, and each prefix it
 * aggregates.
 */
public final class MergePolicy implements Pass<NetworkPlan, NetworkPlan> {
    public static final String COUNTER = "policy.merge";

    private final WorkCounters counters;

    public MergePolicy() {
        this(new WorkCounters());
    }

    public MergePolicy(WorkCounters counters) {
        this.counters = counters;
    }

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Run run = new Run(plan);
        List<NodePlan> nodes = new ArrayList<>();
        for (NodePlan n : plan.nodes()) {
            TreeMap<String, AddressSet> sets = new TreeMap<>();
            List<PodPolicy> pods = new ArrayList<>();
            for (int position : run.podsOn.getOrDefault(n.name(), List.of())) {
                run.podPolicy(position, sets).ifPresent(pods::add);
            }
            nodes.add(n.withPolicy(new PolicyPlan(pods, List.copyOf(sets.values()))));
        }
        counters.add(COUNTER, run.work);
        return plan.withNodes(nodes).withPolicyResolution(PolicyResolution.EMPTY);
    }

    /** One allow before optimisation; {@code ports} empty = every port; {@code origin} the policy, {@code rule} its rule. */
    private record Entry(int peers, List<PortRange> ports, String origin, Origin rule) {
    }

    private static final class Run {
        final List<Pod> pods;
        final List<Peers> peerSets;
        /** Per pod position: the NetworkPolicies selecting it, and the tiers it is a subject of, in order. */
        final List<List<Selected>> policiesOf;
        final List<List<Tier>> tiersOf;
        final Map<String, List<Integer>> podsOn = new HashMap<>();
        final Map<List<Integer>, Optional<AddressSet>> unions = new HashMap<>();
        /**
         * Each distinct list of tier rules and of allows once, shared by the pods that have it: a workload's replicas
         * are policed alike, and at a thousand nodes a hundred thousand pods held a million copies of a few hundred rules.
         */
        final Map<List<TierRule>, List<TierRule>> tierLists = new HashMap<>();
        final Map<List<PolicyAllow>, List<PolicyAllow>> allowLists = new HashMap<>();
        long work;

        Run(NetworkPlan plan) {
            pods = plan.cluster().pods();
            PolicyResolution r = plan.policyResolution();
            peerSets = r.peerSets();
            policiesOf = new ArrayList<>(pods.size());
            tiersOf = new ArrayList<>(pods.size());
            for (int i = 0; i < pods.size(); i++) {
                policiesOf.add(new ArrayList<>(0));
                tiersOf.add(new ArrayList<>(0));
                Pod p = pods.get(i);
                if (SelectorIndex.selectable(p)) podsOn.computeIfAbsent(p.nodeName(), k -> new ArrayList<>()).add(i);
            }
            for (Selected s : r.networkPolicies()) for (int p : s.pods()) policiesOf.get(p).add(s);
            for (Tier t : r.tiers()) for (int p : t.pods()) tiersOf.get(p).add(t);
        }

        Optional<PodPolicy> podPolicy(int position, Map<String, AddressSet> sets) {
            work++;
            Pod pod = pods.get(position);
            List<Selected> selecting = policiesOf.get(position);
            List<String> ingressIsolatedBy = selecting.stream().filter(Selected::ingressIsolation).map(Selected::origin).toList();
            List<String> egressIsolatedBy = selecting.stream().filter(Selected::egressIsolation).map(Selected::origin).toList();
            List<TierRule> adminIngress = tier(pod, position, false, true, sets);
            List<TierRule> adminEgress = tier(pod, position, false, false, sets);
            List<TierRule> baselineIngress = tier(pod, position, true, true, sets);
            List<TierRule> baselineEgress = tier(pod, position, true, false, sets);
            if (ingressIsolatedBy.isEmpty() && egressIsolatedBy.isEmpty() && adminIngress.isEmpty() && adminEgress.isEmpty()
                    && baselineIngress.isEmpty() && baselineEgress.isEmpty()) {
                return Optional.empty();
            }
            List<Entry> ingress = new ArrayList<>();
            List<Entry> egress = new ArrayList<>();
            for (Selected s : selecting) {
                if (s.ingressIsolation()) entries(s, s.ingress(), s.ingressRules(), pod, ingress);
                if (s.egressIsolation()) entries(s, s.egress(), s.egressRules(), pod, egress);
            }
            return Optional.of(new PodPolicy(pod.meta().namespace(), pod.meta().name(), pod.ips(), ingressIsolatedBy,
                    egressIsolatedBy, shared(optimise(ingress, sets)), shared(optimise(egress, sets)), adminIngress, adminEgress,
                    baselineIngress, baselineEgress));
        }

        /** The entries of one direction of a selecting policy for the receiving pod, each with its rule. */
        private void entries(Selected s, List<Match> matches, List<Origin> rules, Pod pod, List<Entry> out) {
            for (int i = 0; i < matches.size(); i++) {
                Match m = matches.get(i);
                Origin rule = rules.get(i);
                entry(m, pod).ifPresent(ports -> out.add(new Entry(m.peers(), ports, s.origin(), rule)));
            }
        }

        /** The ports of a match for the receiving pod ({@code []} = every port), or empty when none is left. */
        private Optional<List<PortRange>> entry(Match m, Pod receiver) {
            work++;
            if (m.anyPort()) return Optional.of(List.of());
            List<PortRange> ports = new ArrayList<>(m.ports());
            for (NamedPort n : m.receiverPorts()) {
                NamedPorts.resolve(receiver, n.name(), n.protocol()).ifPresent(k -> ports.add(k.range()));
            }
            return ports.isEmpty() ? Optional.empty() : Optional.of(ports);
        }

        /** The rules of one tier that apply to the pod in one direction, in the order they are judged. */
        private List<TierRule> tier(Pod pod, int position, boolean baseline, boolean ingressDirection,
                                    Map<String, AddressSet> sets) {
            List<TierRule> out = new ArrayList<>();
            for (Tier t : tiersOf.get(position)) {
                if (t.baseline() != baseline) continue;
                for (TierMatch tm : ingressDirection ? t.ingress() : t.egress()) {
                    Optional<List<PortRange>> ports = entry(tm.match(), pod);
                    if (ports.isEmpty()) continue;
                    Optional<AddressSet> s = union(List.of(tm.match().peers()));
                    if (s.isEmpty()) continue; // selects nobody: can never match
                    sets.putIfAbsent(s.get().name(), s.get());
                    out.add(new TierRule(tm.action(), Optional.of(s.get().name()), coalesce(ports.get()), tm.origin(), Optional.of(tm.rule())));
                }
            }
            List<TierRule> rules = List.copyOf(out);
            return tierLists.computeIfAbsent(rules, k -> rules);
        }

        /** {@code allows} as the first pod that had the same ones holds them ({@link #allowLists}). */
        private List<PolicyAllow> shared(List<PolicyAllow> allows) {
            List<PolicyAllow> copy = List.copyOf(allows);
            return allowLists.computeIfAbsent(copy, k -> copy);
        }

        /** The aggregated set of the union of some peer sets (ascending ids), once per distinct union; empty = nobody. */
        private Optional<AddressSet> union(List<Integer> ids) {
            Optional<AddressSet> known = unions.get(ids);
            if (known != null) return known;
            List<Cidr> all = new ArrayList<>();
            for (int id : ids) all.addAll(peerSets.get(id).cidrs());
            work += all.size();
            Optional<AddressSet> s = all.isEmpty() ? Optional.empty() : Optional.of(addressSet(CidrMath.minimal(all)));
            unions.put(List.copyOf(ids), s);
            return s;
        }

        private List<PolicyAllow> optimise(List<Entry> entries, Map<String, AddressSet> sets) {
            // 1. entries with the same ports: one entry, peers united
            Map<List<PortRange>, TreeSet<Integer>> byPorts = new LinkedHashMap<>();
            Map<List<PortRange>, Boolean> anyByPorts = new HashMap<>();
            Map<List<PortRange>, TreeSet<String>> originsByPorts = new HashMap<>();
            Map<List<PortRange>, TreeSet<Origin>> rulesByPorts = new HashMap<>();
            for (Entry e : entries) {
                Peers peers = peerSets.get(e.peers());
                if (peers.isEmpty()) continue; // selects nobody
                List<PortRange> ports = coalesce(e.ports());
                TreeSet<Integer> ids = byPorts.computeIfAbsent(ports, k -> new TreeSet<>());
                if (peers.any()) anyByPorts.put(ports, true);
                else ids.add(e.peers());
                originsByPorts.computeIfAbsent(ports, k -> new TreeSet<>()).add(e.origin());
                rulesByPorts.computeIfAbsent(ports, k -> new TreeSet<>()).add(e.rule());
            }
            // 2. entries with the same peers: one entry, ports united
            Map<String, List<PortRange>> portsBySet = new TreeMap<>();
            Map<String, TreeSet<String>> origins = new TreeMap<>();
            Map<String, TreeSet<Origin>> rules = new TreeMap<>();
            byPorts.forEach((ports, ids) -> {
                String key = "";
                if (!anyByPorts.containsKey(ports)) {
                    AddressSet s = union(List.copyOf(ids)).orElseThrow();
                    sets.putIfAbsent(s.name(), s);
                    key = s.name();
                }
                List<PortRange> prev = portsBySet.get(key);
                List<PortRange> merged;
                if (prev == null) {
                    merged = ports;
                } else if (prev.isEmpty() || ports.isEmpty()) {
                    merged = List.of(); // one of them allows every port
                } else {
                    List<PortRange> all = new ArrayList<>(prev);
                    all.addAll(ports);
                    merged = coalesce(all);
                }
                portsBySet.put(key, merged);
                origins.computeIfAbsent(key, k -> new TreeSet<>()).addAll(originsByPorts.get(ports));
                rules.computeIfAbsent(key, k -> new TreeSet<>()).addAll(rulesByPorts.get(ports));
            });
            List<PolicyAllow> out = new ArrayList<>();
            portsBySet.forEach((key, ports) -> out.add(new PolicyAllow(key.isEmpty() ? Optional.empty() : Optional.of(key),
                    ports, List.copyOf(origins.get(key)), List.copyOf(rules.get(key)))));
            return out;
        }
    }

    /** Sorted, overlapping and adjacent ranges of a protocol merged. */
    static List<PortRange> coalesce(List<PortRange> ranges) {
        List<PortRange> sorted = new ArrayList<>(ranges);
        sorted.sort(null);
        List<PortRange> out = new ArrayList<>();
        for (PortRange r : sorted) {
            if (!out.isEmpty()) {
                PortRange last = out.get(out.size() - 1);
                if (last.protocol() == r.protocol() && r.first() <= last.last() + 1) {
                    out.set(out.size() - 1, new PortRange(r.protocol(), last.first(), Math.max(last.last(), r.last())));
                    continue;
                }
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    /** A set named by its content: {@code peers-} and the first 12 hex digits of the sha256 of its prefixes. */
    static AddressSet addressSet(List<Cidr> cidrs) {
        StringBuilder b = new StringBuilder();
        cidrs.forEach(x -> b.append(x.text()).append('\n'));
        return new AddressSet("peers-" + ContentHash.hex(b.toString(), 6), cidrs);
    }
}
