package dev.netc.applier.ipvs;

import dev.netc.applier.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code ipvsadm -R} input that turns the kernel's IPVS state into the artifact's, touching only the
 * virtual services netc owns (those of the artifact, of the bundle applied before, and any on an address
 * netc put on the IPVS interface): services added ({@code -A}) or edited ({@code -E}), real servers added,
 * edited and deleted, services deleted, in that order so that a service is never without the servers it
 * keeps. Services of others are left alone.
 */
public final class IpvsPlanner {
    private IpvsPlanner() {
    }

    public record Plan(List<Change> changes, String restoreInput) {
        public Plan {
            changes = List.copyOf(changes);
        }

        public boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /**
     * @param current   what {@code ipvsadm -Sn} printed
     * @param target    the artifact's rules
     * @param previous  the rules applied last (empty when none)
     * @param ownedAddresses addresses netc manages on the IPVS interface (artifact's and previous)
     */
    public static Plan plan(IpvsRules current, IpvsRules target, IpvsRules previous, Set<String> ownedAddresses) {
        List<Change> changes = new ArrayList<>();
        List<String> adds = new ArrayList<>();
        List<String> realAdds = new ArrayList<>();
        List<String> realDeletes = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        for (var e : target.services().entrySet()) {
            String vs = e.getKey();
            String cur = current.services().get(vs);
            if (cur == null) {
                adds.add("-A " + vs + " " + e.getValue());
                changes.add(Change.add("service " + vs, e.getValue() + ", " + target.reals().get(vs).size() + " real servers"));
            } else if (!cur.equals(e.getValue())) {
                adds.add("-E " + vs + " " + e.getValue());
                changes.add(Change.change("service " + vs, cur + " -> " + e.getValue()));
            }
            SortedMap<String, String> have = cur == null ? new TreeMap<>() : current.reals().getOrDefault(vs, new TreeMap<>());
            SortedMap<String, String> want = target.reals().get(vs);
            for (var r : want.entrySet()) {
                String h = have.get(r.getKey());
                if (h == null) {
                    realAdds.add("-a " + vs + " -r " + r.getKey() + " " + r.getValue());
                    if (cur != null) changes.add(Change.add("real server " + r.getKey() + " of " + vs, r.getValue()));
                } else if (!h.equals(r.getValue())) {
                    realAdds.add("-e " + vs + " -r " + r.getKey() + " " + r.getValue());
                    changes.add(Change.change("real server " + r.getKey() + " of " + vs, h + " -> " + r.getValue()));
                }
            }
            for (String r : have.keySet()) {
                if (!want.containsKey(r)) {
                    realDeletes.add("-d " + vs + " -r " + r);
                    changes.add(Change.remove("real server " + r + " of " + vs, ""));
                }
            }
        }
        Set<String> owned = new TreeSet<>(previous.services().keySet());
        for (String vs : current.services().keySet()) if (ownedAddresses.contains(IpvsRules.address(vs))) owned.add(vs);
        for (String vs : owned) {
            if (target.services().containsKey(vs) || !current.services().containsKey(vs)) continue;
            deletes.add("-D " + vs);
            changes.add(Change.remove("service " + vs, current.reals().getOrDefault(vs, new TreeMap<>()).size() + " real servers"));
        }
        StringBuilder in = new StringBuilder();
        for (List<String> part : List.of(adds, realAdds, realDeletes, deletes)) for (String l : part) in.append(l).append('\n');
        return new Plan(changes, in.toString());
    }
}
