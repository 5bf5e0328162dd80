package dev.netc.compiler.passes;

import dev.netc.ir.Cidr;
import dev.netc.ir.plan.PolicyResolution.Peers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The distinct peer sets of a {@code PolicyResolution}, numbered in the order first seen; equal content, one number. */
final class PeerSets {
    private final List<Peers> sets;
    private final Map<Peers, Integer> ids = new HashMap<>();

    PeerSets(List<Peers> existing) {
        sets = new ArrayList<>(existing);
        for (int i = 0; i < sets.size(); i++) ids.putIfAbsent(sets.get(i), i);
    }

    int id(Peers p) {
        Integer known = ids.get(p);
        if (known != null) return known;
        sets.add(p);
        ids.put(p, sets.size() - 1);
        return sets.size() - 1;
    }

    /**
     * The set of the addresses of {@code pods} and the prefixes {@code cidrs}, in one canonical order that needs no
     * comparison of addresses: the pods' addresses by pod position, then the other prefixes sorted.
     */
    int of(SelectorIndex index, Collection<Integer> pods, Collection<Cidr> cidrs) {
        int[] positions = pods.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        List<Cidr> all = new ArrayList<>(positions.length + cidrs.size());
        for (int p : positions) all.addAll(index.cidrs(p));
        all.addAll(new TreeSet<>(cidrs));
        return id(new Peers(false, all));
    }

    List<Peers> all() {
        return List.copyOf(sets);
    }
}
