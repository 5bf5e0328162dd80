package dev.netc.backends.policy;

import dev.netc.backends.Names;
import dev.netc.ir.Family;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The distinct enforcement programs ({@link PolicyChains#program}) of a cluster's restricted pods, each once. Pods
 * whose program is the same (the replicas of a workload; pods the same policies select alike) share its chains, which
 * every node's ruleset holds once in the part all nodes share; a node's own part only maps its pods' addresses to
 * them. A program's id is the content hash of the program, so the same program has the same chain on every node and
 * in every compile, and the chains of a cluster grow with its distinct programs, not with its pods.
 *
 * <p>A program with admin steps is two chains: its own ({@link #id}: the admin steps, then the NetworkPolicy part) and
 * its NetworkPolicy part ({@link #restId}, the hash of that part alone, shared by programs whose admin steps differ).
 */
public final class PolicyPrograms {
    /** The ids of one pod's programs: egress and ingress, null where the pod is not restricted. */
    private final Map<PodPolicy, String[]> ofPod = new IdentityHashMap<>();
    /** Per family and direction (0 egress, 1 ingress): the programs some pod with an address of that family runs, by id. */
    private final Map<Family, List<SortedMap<String, PolicyChains.Program>>> byFamily = new EnumMap<>(Family.class);
    /** Per program: its ids (whole, NetworkPolicy part), filled by the constructor only. Looked up, never iterated. */
    private final Map<PolicyChains.Program, String[]> ids = new HashMap<>();

    private PolicyPrograms(List<PolicyPlan> policies) {
        for (Family f : Family.values()) byFamily.put(f, List.of(new TreeMap<>(), new TreeMap<>()));
        for (PolicyPlan plan : policies) {
            for (PodPolicy p : plan.pods()) {
                String[] mine = new String[2];
                for (int d = 0; d < 2; d++) {
                    boolean ingress = d == 1;
                    if (!p.restricts(ingress)) continue;
                    PolicyChains.Program prog = PolicyChains.program(p, ingress);
                    String[] id = ids.computeIfAbsent(prog, PolicyPrograms::hashes);
                    mine[d] = id[0];
                    for (var a : p.ips()) byFamily.get(a.family()).get(d).putIfAbsent(id[0], prog);
                }
                ofPod.put(p, mine);
            }
        }
    }

    /** Every node's programs: what the part every node shares declares. */
    public static PolicyPrograms of(NetworkPlan plan) {
        List<PolicyPlan> all = new ArrayList<>(plan.nodes().size());
        for (NodePlan n : plan.nodes()) all.add(n.policy());
        return new PolicyPrograms(all);
    }

    /** One node's programs (a node whose whole ruleset is its own, and tests). */
    public static PolicyPrograms of(PolicyPlan plan) {
        return new PolicyPrograms(List.of(plan));
    }

    /** The id of the program a pod runs in one direction; the pod must be restricted in it and known here. */
    public String id(PodPolicy p, boolean ingress) {
        String[] mine = ofPod.get(p);
        if (mine == null || mine[ingress ? 1 : 0] == null) {
            throw new IllegalArgumentException(p.qualifiedName() + " has no " + (ingress ? "ingress" : "egress") + " program here");
        }
        return mine[ingress ? 1 : 0];
    }

    /**
     * The id of a program's NetworkPolicy part (a chain of its own when the program has admin steps); the program must
     * be one of {@link #programs}. Read-only: nodes are rendered in parallel from one instance.
     */
    public String restId(PolicyChains.Program prog) {
        String[] id = ids.get(prog);
        if (id == null) throw new IllegalArgumentException("not a program of this cluster: " + prog);
        return id[1];
    }

    /** The programs pods with an address of family {@code f} run in one direction, by id (sorted). */
    public SortedMap<String, PolicyChains.Program> programs(Family f, boolean ingress) {
        return Collections.unmodifiableSortedMap(byFamily.get(f).get(ingress ? 1 : 0));
    }

    /** The NetworkPolicy parts of the programs with admin steps, by {@link #restId} (sorted, each once). */
    public SortedMap<String, List<PolicyChains.Step>> restParts(Family f, boolean ingress) {
        SortedMap<String, List<PolicyChains.Step>> out = new TreeMap<>();
        for (PolicyChains.Program prog : programs(f, ingress).values()) {
            if (prog.hasAdmin()) out.putIfAbsent(restId(prog), prog.rest());
        }
        return out;
    }

    /** The ids of a program: the content hash of the whole, and of its NetworkPolicy part. */
    private static String[] hashes(PolicyChains.Program prog) {
        String rest = key(prog.rest());
        return new String[] {Names.hash(Names.identity("admin", key(prog.admin()), "rest", rest)), Names.hash(Names.identity("rest", rest))};
    }

    /** An unambiguous text of some steps: each field of each step length-prefixed ({@link Names#identity}). */
    private static String key(List<PolicyChains.Step> steps) {
        StringBuilder b = new StringBuilder();
        for (PolicyChains.Step s : steps) {
            StringBuilder ports = new StringBuilder();
            for (PortRange r : s.ports()) ports.append(r.protocol().name()).append(' ').append(r.first()).append('-').append(r.last()).append(';');
            b.append(Names.identity(s.set().orElse(""), s.set().isPresent() ? "set" : "any", ports.toString(), s.verdict().name(),
                    s.comment()));
        }
        return b.toString();
    }
}
