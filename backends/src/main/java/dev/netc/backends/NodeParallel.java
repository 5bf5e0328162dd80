package dev.netc.backends;

import dev.netc.ir.plan.NodePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Renders each node's own part on a bounded pool: the results come back in the nodes' order, so the output is the
 * same bytes whatever the number of threads (a part depends only on the plan and its node).
 */
public final class NodeParallel {
    /** The default pool: the cores, at most 8. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    }

    private NodeParallel() {
    }

    public static <T> List<T> map(List<NodePlan> nodes, int threads, Function<NodePlan, T> render) {
        if (threads <= 1 || nodes.size() <= 1) return nodes.stream().map(render).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, nodes.size()), r -> {
            Thread t = new Thread(r, "netc-render");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(nodes.size());
            for (NodePlan n : nodes) futures.add(pool.submit(() -> render.apply(n)));
            List<T> out = new ArrayList<>(nodes.size());
            for (Future<T> f : futures) out.add(f.get());
            return out;
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
