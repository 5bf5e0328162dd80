package dev.netc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.ir.Cidr;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The inverted index answers every selector as {@link LabelSelector#matches} does, and each distinct one once. */
class SelectorIndexTest {
    private static final SourcePos POS = new SourcePos("i.yaml", 1, 1);
    private static final List<String> KEYS = List.of("app", "tier", "team");
    private static final List<String> VALUES = List.of("a", "b", "c");

    private static Map<String, String> labels(Random rnd) {
        Map<String, String> out = new HashMap<>();
        for (String k : KEYS) if (rnd.nextInt(3) > 0) out.put(k, VALUES.get(rnd.nextInt(VALUES.size())));
        return out;
    }

    private static LabelSelector selector(Random rnd) {
        Map<String, String> match = new HashMap<>();
        List<LabelSelector.Requirement> exprs = new ArrayList<>();
        for (String k : KEYS) {
            switch (rnd.nextInt(7)) {
                case 0 -> match.put(k, VALUES.get(rnd.nextInt(VALUES.size())));
                case 1 -> exprs.add(new LabelSelector.Requirement(k, LabelSelector.Operator.In, VALUES.subList(0, 1 + rnd.nextInt(2))));
                case 2 -> exprs.add(new LabelSelector.Requirement(k, LabelSelector.Operator.NotIn, List.of(VALUES.get(rnd.nextInt(3)))));
                case 3 -> exprs.add(new LabelSelector.Requirement(k, LabelSelector.Operator.Exists, List.of()));
                case 4 -> exprs.add(new LabelSelector.Requirement(k, LabelSelector.Operator.DoesNotExist, List.of()));
                default -> {
                    // key not constrained
                }
            }
        }
        return new LabelSelector(match, exprs);
    }

    @Test
    void everySelectorSelectsWhatItMatches() {
        Random rnd = new Random(3);
        List<Namespace> nss = new ArrayList<>();
        List<Pod> pods = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            nss.add(new Namespace(ObjectMeta.of("Namespace", "", "ns" + n, POS).withLabels(labels(rnd))));
            for (int p = 0; p < 30; p++) {
                boolean host = rnd.nextInt(10) == 0;
                pods.add(new Pod(ObjectMeta.of("Pod", "ns" + n, "p" + p, POS).withLabels(labels(rnd)), "n1",
                        List.of(IpAddress.parse("10.1." + n + "." + (p + 1))), List.of(), true, false, host, Optional.empty()));
            }
        }
        Cluster c = new Cluster(ClusterProfile.defaults(), nss, List.of(), pods, List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of());
        SelectorIndex index = new SelectorIndex(c);
        for (int round = 0; round < 300; round++) {
            LabelSelector pod = selector(rnd);
            LabelSelector ns = selector(rnd);
            String namespace = "ns" + rnd.nextInt(6);
            List<Integer> expected = IntStream.range(0, c.pods().size()).boxed()
                    .filter(i -> SelectorIndex.selectable(c.pods().get(i)))
                    .filter(i -> c.pods().get(i).meta().namespace().equals(namespace))
                    .filter(i -> pod.matches(c.pods().get(i).labels())).toList();
            assertEquals(expected, index.pods(namespace, pod), pod + " in " + namespace);
            List<String> namespaces = c.namespaces().stream().filter(x -> ns.matches(x.meta().labels()))
                    .map(x -> x.meta().name()).toList();
            assertEquals(namespaces, index.namespaces(ns), ns.toString());
            List<Integer> across = IntStream.range(0, c.pods().size()).boxed()
                    .filter(i -> SelectorIndex.selectable(c.pods().get(i)))
                    .filter(i -> namespaces.contains(c.pods().get(i).meta().namespace()))
                    .filter(i -> pod.matches(c.pods().get(i).labels())).toList();
            assertEquals(across, index.pods(ns, pod), pod + " in " + ns);
            long work = index.work();
            assertSame(index.pods(ns, pod), index.pods(ns, pod), "memoised");
            assertEquals(work, index.work(), "a memoised answer costs nothing");
        }
        Cidr block = Cidr.parse("10.1.2.0/24");
        List<Integer> inBlock = IntStream.range(0, c.pods().size()).boxed()
                .filter(i -> SelectorIndex.selectable(c.pods().get(i)))
                .filter(i -> c.pods().get(i).ips().stream().anyMatch(block::contains)).toList();
        assertEquals(inBlock, index.podsIn(List.of(block)));
        assertTrue(!inBlock.isEmpty());
    }
}
