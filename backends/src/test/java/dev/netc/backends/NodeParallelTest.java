package dev.netc.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.plan.NodePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The pool hands results back in the nodes' order whatever the thread count, and renders only a few ahead. */
class NodeParallelTest {
    private static List<NodePlan> nodes(int count) {
        return IntStream.range(0, count).mapToObj(i -> new NodePlan(new Node(ObjectMeta.of("Node", "", "n" + i,
                SourcePos.builtin("test")), List.of(), List.of()), List.of(), false, List.of(), List.of())).toList();
    }

    @Test
    void resultsComeInNodeOrderWhateverTheThreads() {
        List<NodePlan> nodes = nodes(40);
        List<String> expected = nodes.stream().map(NodePlan::name).toList();
        for (int threads : new int[] {1, 2, 3, 8}) {
            assertEquals(expected, NodeParallel.map(nodes, threads, NodePlan::name), threads + " threads");
            List<String> streamed = new ArrayList<>();
            NodeParallel.forEach(nodes, threads, NodePlan::name, streamed::add);
            assertEquals(expected, streamed, threads + " threads");
        }
    }

    @Test
    void noMoreThanTwoResultsPerThreadWaitForTheSink() {
        List<NodePlan> nodes = nodes(200);
        int threads = 3;
        AtomicInteger rendered = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        NodeParallel.forEach(nodes, threads, n -> {
            int ahead = rendered.incrementAndGet() - consumed.get();
            most.accumulateAndGet(ahead, Math::max);
            return n;
        }, n -> consumed.incrementAndGet());
        assertEquals(200, consumed.get());
        assertTrue(most.get() <= 2 * threads, "rendered ahead of the sink: " + most.get());
    }
}
