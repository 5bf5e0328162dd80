package dev.netc.backends;

import dev.netc.ir.plan.NetworkPlan;
import java.util.List;

/** A pure function from the plan to output files. Knows nothing of YAML or of the passes. */
public interface Backend {
    /** The name used on the command line ({@code --backend iptables}). */
    String name();

    /** The files for the given nodes (all nodes of the plan when {@code nodes} is empty), each node file whole. */
    default List<Artifact> emit(NetworkPlan plan, java.util.Set<String> nodes) {
        return render(plan, nodes).composedFiles();
    }

    /**
     * The files for the given nodes as a whole compile writes them: what every node shares once, each node's own part,
     * and the node files composed of them. A backend that does not split its files returns them whole.
     */
    default Output render(NetworkPlan plan, java.util.Set<String> nodes) {
        return render(plan, nodes, NodeParallel.defaultThreads());
    }

    /** {@link #render(NetworkPlan, java.util.Set)} with the nodes' own parts rendered on up to {@code threads} threads. */
    default Output render(NetworkPlan plan, java.util.Set<String> nodes, int threads) {
        return Output.whole(emit(plan, nodes));
    }

    /**
     * {@link #render(NetworkPlan, java.util.Set, int)} put into {@code sink} file by file, in the same order. A backend
     * that renders nodes one by one overrides this (and gathers it for the method above, {@link Output#collect}), so
     * that a whole compile holds no more than a few nodes' files at once ({@link NodeParallel#forEach}).
     */
    default void render(NetworkPlan plan, java.util.Set<String> nodes, int threads, Output.Sink sink) {
        sink.add(render(plan, nodes, threads));
    }

    /** The plan's nodes that {@code only} selects (all of them when it is empty), in plan order. */
    static List<dev.netc.ir.plan.NodePlan> selected(NetworkPlan plan, java.util.Set<String> only) {
        return plan.nodes().stream().filter(n -> only.isEmpty() || only.contains(n.name())).toList();
    }
}
