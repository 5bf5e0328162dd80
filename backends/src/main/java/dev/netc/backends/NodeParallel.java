package dev.netc.backends;

import dev.netc.ir.plan.NodePlan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Renders each node's own part on a bounded pool: the results come back in the nodes' order, so the output is the
 * same bytes whatever the number of threads (a part depends only on the plan and its node).
 */
public final class NodeParallel {
    /** Results rendered ahead of the one the caller waits for, per thread: enough to keep the pool busy. */
    private static final int AHEAD_PER_THREAD = 2;

    /** The default pool: the cores, at most 8. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    }

    private NodeParallel() {
    }

    /** Every node's result, in the nodes' order. */
    public static <T> List<T> map(List<NodePlan> nodes, int threads, Function<NodePlan, T> render) {
        List<T> out = new ArrayList<>(nodes.size());
        forEach(nodes, threads, render, out::add);
        return out;
    }

    /**
     * Each node's result handed to {@code sink} on the calling thread, in the nodes' order, as soon as it and those
     * before it are ready. No more than {@code 2 x threads} results are rendered ahead of the sink, so a sink that
     * writes each result away holds a few nodes' parts at a time, not all of them.
     */
    public static <T> void forEach(List<NodePlan> nodes, int threads, Function<NodePlan, T> render, Consumer<? super T> sink) {
        if (threads <= 1 || nodes.size() <= 1) {
            for (NodePlan n : nodes) sink.accept(render.apply(n));
            return;
        }
        int size = Math.min(threads, nodes.size());
        ExecutorService pool = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "netc-render");
            t.setDaemon(true);
            return t;
        });
        try {
            ArrayDeque<Future<T>> pending = new ArrayDeque<>();
            Iterator<NodePlan> next = nodes.iterator();
            while (next.hasNext() || !pending.isEmpty()) {
                while (next.hasNext() && pending.size() < AHEAD_PER_THREAD * size) {
                    NodePlan n = next.next();
                    pending.add(pool.submit(() -> render.apply(n)));
                }
                sink.accept(pending.poll().get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rendering was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
