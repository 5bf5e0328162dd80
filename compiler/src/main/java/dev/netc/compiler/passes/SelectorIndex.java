package dev.netc.compiler.passes;

import dev.netc.ir.Cidr;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's namespaces and policy-selectable pods (not host-network, with an address) indexed for the policy
 * passes: an inverted index by label ({@code key=value -> items}, {@code key -> items}) per namespace for pods and
 * one for namespaces, and the pods by address. A selector is evaluated once per distinct value (selectors are
 * records: equal selectors are one key) and namespace; later uses get the memoised result.
 *
 * <p>Its unit of work ({@link #work()}): one item a selector evaluation examines, a pod or namespace taken as a
 * candidate (from the smallest posting list the selector's labels allow, or every item of the namespace when no
 * label narrows it), and one per pod an address lookup returns. A result read from the memo costs nothing.
 * Pods are named by their position in {@code cluster.pods()}; every list returned is ascending.
 */
final class SelectorIndex {
    /** Items with labels, indexed: local indices into {@code positions}. */
    private static final class LabelIndex {
        private final List<Integer> positions = new ArrayList<>();
        private final List<Map<String, String>> labels = new ArrayList<>();
        private final Map<String, Map<String, List<Integer>>> byKeyValue = new HashMap<>();
        private final Map<String, List<Integer>> byKey = new HashMap<>();

        void add(int position, Map<String, String> itemLabels) {
            int local = positions.size();
            positions.add(position);
            labels.add(itemLabels);
            itemLabels.forEach((k, v) -> {
                byKeyValue.computeIfAbsent(k, x -> new HashMap<>()).computeIfAbsent(v, x -> new ArrayList<>()).add(local);
                byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(local);
            });
        }

        private List<Integer> posting(String key, String value) {
            return byKeyValue.getOrDefault(key, Map.of()).getOrDefault(value, List.of());
        }

        /** The positions of the items {@code s} matches; adds the candidates examined to {@code work[0]}. */
        List<Integer> select(LabelSelector s, long[] work) {
            List<Integer> best = null; // null: every item
            for (Map.Entry<String, String> e : s.matchLabels().entrySet()) {
                List<Integer> p = posting(e.getKey(), e.getValue());
                if (best == null || p.size() < best.size()) best = p;
            }
            for (LabelSelector.Requirement r : s.matchExpressions()) {
                switch (r.operator()) {
                    case Exists -> {
                        List<Integer> p = byKey.getOrDefault(r.key(), List.of());
                        if (best == null || p.size() < best.size()) best = p;
                    }
                    case In -> {
                        int size = 0;
                        for (String v : r.values()) size += posting(r.key(), v).size();
                        if (best == null || size < best.size()) {
                            List<Integer> union = new ArrayList<>(size);
                            for (String v : r.values()) union.addAll(posting(r.key(), v));
                            union.sort(null); // an item has one value per key: the postings are disjoint
                            best = union;
                        }
                    }
                    case NotIn, DoesNotExist -> {
                        // no posting list narrows these
                    }
                }
            }
            List<Integer> out = new ArrayList<>();
            if (best == null) {
                work[0] += positions.size();
                for (int i = 0; i < positions.size(); i++) {
                    if (s.matches(labels.get(i))) out.add(positions.get(i));
                }
            } else {
                work[0] += best.size();
                for (int i : best) {
                    if (s.matches(labels.get(i))) out.add(positions.get(i));
                }
            }
            return out;
        }
    }

    private record NamespacedPods(String namespace, LabelSelector pods) {
    }

    private record PodsOfNamespaces(LabelSelector namespaces, LabelSelector pods) {
    }

    private static final LabelIndex NO_PODS = new LabelIndex();

    private final Cluster cluster;
    private final LabelIndex namespaceIndex = new LabelIndex();
    private final Map<String, LabelIndex> podIndex = new HashMap<>();
    private final NavigableMap<IpAddress, List<Integer>> podsByIp = new TreeMap<>();
    private final List<Integer> selectable = new ArrayList<>();
    private final List<List<Cidr>> podCidrs; // made when first asked for
    private final Map<LabelSelector, List<String>> namespaceMemo = new HashMap<>();
    private final Map<NamespacedPods, List<Integer>> podMemo = new HashMap<>();
    private final Map<PodsOfNamespaces, List<Integer>> podsOfNamespacesMemo = new HashMap<>();
    private final long[] work = new long[1];

    SelectorIndex(Cluster cluster) {
        this.cluster = cluster;
        List<Namespace> nss = cluster.namespaces();
        for (int i = 0; i < nss.size(); i++) namespaceIndex.add(i, nss.get(i).meta().labels());
        List<Pod> pods = cluster.pods();
        podCidrs = new ArrayList<>(java.util.Collections.nCopies(pods.size(), (List<Cidr>) null));
        for (int i = 0; i < pods.size(); i++) {
            Pod p = pods.get(i);
            if (!selectable(p)) continue;
            selectable.add(i);
            podIndex.computeIfAbsent(p.meta().namespace(), k -> new LabelIndex()).add(i, p.labels());
            for (IpAddress ip : p.ips()) podsByIp.computeIfAbsent(ip, k -> new ArrayList<>(1)).add(i);
        }
    }

    /** Whether NetworkPolicy can select the pod or see it as a peer: not host-network, with an address. */
    static boolean selectable(Pod p) {
        return !p.hostNetwork() && !p.ips().isEmpty();
    }

    long work() {
        return work[0];
    }

    Pod pod(int position) {
        return cluster.pods().get(position);
    }

    /** The pod's addresses as /32 and /128 prefixes. */
    List<Cidr> cidrs(int position) {
        List<Cidr> known = podCidrs.get(position);
        if (known != null) return known;
        List<Cidr> made = pod(position).ips().stream().map(IpAddress::asCidr).toList();
        podCidrs.set(position, made);
        return made;
    }

    /** The names of the namespaces {@code s} matches, in cluster order. */
    List<String> namespaces(LabelSelector s) {
        List<String> memo = namespaceMemo.get(s);
        if (memo != null) return memo;
        List<String> out = new ArrayList<>();
        for (int i : namespaceIndex.select(s, work)) out.add(cluster.namespaces().get(i).meta().name());
        List<String> result = List.copyOf(out);
        namespaceMemo.put(s, result);
        return result;
    }

    /** The selectable pods of {@code namespace} that {@code s} matches. */
    List<Integer> pods(String namespace, LabelSelector s) {
        NamespacedPods key = new NamespacedPods(namespace, s);
        List<Integer> memo = podMemo.get(key);
        if (memo != null) return memo;
        List<Integer> result = List.copyOf(podIndex.getOrDefault(namespace, NO_PODS).select(s, work));
        podMemo.put(key, result);
        return result;
    }

    /** The selectable pods {@code pods} matches in the namespaces {@code namespaces} matches. */
    List<Integer> pods(LabelSelector namespaces, LabelSelector pods) {
        PodsOfNamespaces key = new PodsOfNamespaces(namespaces, pods);
        List<Integer> memo = podsOfNamespacesMemo.get(key);
        if (memo != null) return memo;
        TreeSet<Integer> out = new TreeSet<>();
        for (String ns : namespaces(namespaces)) out.addAll(pods(ns, pods));
        List<Integer> result = List.copyOf(out);
        podsOfNamespacesMemo.put(key, result);
        return result;
    }

    /** Every selectable pod (one lookup: each pod counts once). */
    List<Integer> allPods() {
        work[0] += selectable.size();
        return selectable;
    }

    /** The selectable pods with an address in one of {@code blocks}. */
    List<Integer> podsIn(Collection<Cidr> blocks) {
        TreeSet<Integer> out = new TreeSet<>();
        for (Cidr b : blocks) {
            work[0]++;
            for (List<Integer> found : podsByIp.subMap(b.network(), true, b.last(), true).values()) {
                work[0] += found.size();
                out.addAll(found);
            }
        }
        return List.copyOf(out);
    }
}
