package dev.netc.backends.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * plan.txt cut into the sections a reviewer compares ({@code netc diff}): each object of the model, each Service
 * plan, and in each node's plan its own Local endpoints and each pod's policy, by a key that does not hold the
 * section's content ({@code service storefront/web}, {@code node-plan n1 policy payments/ledger-0}). A section's
 * lines are kept without their origins (what {@link PlanDumpBackend#withoutOrigins} leaves), its origins apart; a
 * policy set's name in a pod's policy is replaced by the addresses it holds, so that a section says what it allows.
 * The policy sets themselves are not sections: they are content, read through the policies that use them.
 */
public final class PlanSections {
    /** One section: its lines (origins left out) and the positions its lines end with. */
    public record Section(String key, String node, List<String> lines, List<String> origins) {
        public Section {
            lines = List.copyOf(lines);
            origins = List.copyOf(origins);
        }
    }

    /** What changed between two plans: a section only in {@code before}, only in {@code after}, or in both with other lines. */
    public record Change(String kind, String key, String node, List<String> before, List<String> after, List<String> originsBefore,
                         List<String> originsAfter) {
        public Change {
            before = List.copyOf(before);
            after = List.copyOf(after);
            originsBefore = List.copyOf(originsBefore);
            originsAfter = List.copyOf(originsAfter);
        }
    }

    private PlanSections() {
    }

    /** The sections of a plan.txt, by key (sorted). */
    public static SortedMap<String, Section> of(String planText) {
        List<String> lines = planText.lines().toList();
        Map<String, String> sets = new TreeMap<>();
        for (String l : lines) {
            if (l.startsWith("policy-set ")) {
                String[] f = l.split(" ", 3);
                if (f.length == 3) sets.put(f[1], f[2]);
            }
        }
        SortedMap<String, Section> out = new TreeMap<>();
        String key = null;
        String node = "";
        String nodePlan = null;
        List<String> body = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        for (String raw : lines) {
            int cut = PlanDumpBackend.originAt(raw, 0, raw.length());
            String line = raw.substring(0, cut);
            String origin = cut < raw.length() ? raw.substring(cut + PlanDumpBackend.AT.length()) : "";
            boolean top = !line.startsWith(" ");
            boolean subsection = nodePlan != null && (line.startsWith("  policy ") || line.startsWith("  local "));
            if (line.isEmpty() || line.startsWith("#") || top || subsection) {
                if (key != null) out.put(key, new Section(key, node, body, origins));
                key = null;
                body = new ArrayList<>();
                origins = new ArrayList<>();
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("policy-set ")) {
                    if (top && !line.isEmpty() && !line.startsWith("#")) nodePlan = null;
                    continue;
                }
                if (top) {
                    nodePlan = line.startsWith("node-plan ") ? field(line, 1) : null;
                    node = nodePlan == null ? "" : nodePlan;
                    key = keyOf(line);
                } else {
                    key = "node-plan " + nodePlan + " " + keyOf(line.strip());
                }
            }
            body.add(withSets(line, sets));
            if (!origin.isEmpty()) origins.addAll(List.of(origin.split(",")));
        }
        if (key != null) out.put(key, new Section(key, node, body, origins));
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * Every section added, removed or changed from {@code before} to {@code after}, by key; the pods of one workload
     * whose policy changed alike (the same lines but for each pod's name and addresses) are one change
     * ({@link #grouped}).
     */
    public static List<Change> changes(SortedMap<String, Section> before, SortedMap<String, Section> after) {
        return grouped(sectionChanges(before, after), owners(before, after));
    }

    /** Every section added, removed or changed, one change each, by key. */
    static List<Change> sectionChanges(SortedMap<String, Section> before, SortedMap<String, Section> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<Change> out = new ArrayList<>();
        for (String k : keys) {
            Optional<Section> a = Optional.ofNullable(before.get(k));
            Optional<Section> b = Optional.ofNullable(after.get(k));
            if (a.isPresent() && b.isPresent() && a.get().lines().equals(b.get().lines())) continue;
            String kind = a.isEmpty() ? "added" : b.isEmpty() ? "removed" : "changed";
            String node = b.or(() -> a).get().node();
            out.add(new Change(kind, k, node, a.map(Section::lines).orElse(List.of()), b.map(Section::lines).orElse(List.of()),
                    a.map(Section::origins).orElse(List.of()), b.map(Section::origins).orElse(List.of())));
        }
        return out;
    }

    /** Each pod's owner ({@code Deployment/web}) by {@code ns/name}, from the pod lines of either side. */
    private static Map<String, String> owners(SortedMap<String, Section> before, SortedMap<String, Section> after) {
        Map<String, String> out = new TreeMap<>();
        for (SortedMap<String, Section> side : List.of(before, after)) {
            for (Section s : side.subMap("pod ", "pod \uffff").values()) {
                for (String f : s.lines().get(0).split(" ")) {
                    if (f.startsWith("owner=")) out.put(s.key().substring("pod ".length()), f.substring("owner=".length()));
                }
            }
        }
        return out;
    }

    /** How many pod names a grouped change's key lists before it only counts them. */
    static final int NAMED_PODS = 10;

    /**
     * The changes with each set of policy changes of one workload's pods that are alike made one: its key names the
     * workload and its pods ({@code pods' policy of Deployment storefront/web: storefront/web-0, …}), its first line
     * stands for every pod's, and its node is theirs when they share one. A replica set of a thousand pods whose
     * policy changed is one row, not a thousand.
     */
    static List<Change> grouped(List<Change> changes, Map<String, String> owners) {
        java.util.LinkedHashMap<String, List<Change>> groups = new java.util.LinkedHashMap<>();
        for (Change c : changes) {
            int at = c.key().indexOf(" policy ");
            String owner = at < 0 || !c.key().startsWith("node-plan ") ? null : owners.get(c.key().substring(at + " policy ".length()));
            String group = owner == null ? "section " + c.key()
                    : String.join("\n", c.kind(), namespace(c.key().substring(at + " policy ".length())), owner,
                    String.join("\n", alike(c.before())), "|", String.join("\n", alike(c.after())));
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(c);
        }
        List<Change> out = new ArrayList<>();
        for (List<Change> g : groups.values()) {
            if (g.size() == 1) {
                out.add(g.get(0));
                continue;
            }
            Change first = g.get(0);
            String pod0 = first.key().substring(first.key().indexOf(" policy ") + " policy ".length());
            String who = owners.get(pod0) + " in " + namespace(pod0);
            List<String> pods = new ArrayList<>();
            TreeSet<String> nodes = new TreeSet<>();
            TreeSet<String> before = new TreeSet<>();
            TreeSet<String> after = new TreeSet<>();
            for (Change c : g) {
                pods.add(c.key().substring(c.key().indexOf(" policy ") + " policy ".length()));
                nodes.add(c.node());
                before.addAll(c.originsBefore());
                after.addAll(c.originsAfter());
            }
            pods.sort(null);
            String named = String.join(", ", pods.subList(0, Math.min(NAMED_PODS, pods.size())))
                    + (pods.size() > NAMED_PODS ? ", … (" + pods.size() + " pods)" : "");
            String stand = "policy <the " + pods.size() + " pods of " + who + ">";
            out.add(new Change(first.kind(), "pods' policy of " + who + ": " + named, nodes.size() == 1 ? nodes.first() : "",
                    standFor(first.before(), stand), standFor(first.after(), stand), List.copyOf(before), List.copyOf(after)));
        }
        return out;
    }

    /** A pod's policy lines without what is the pod's own: its name and addresses (the first line's second and third fields). */
    private static List<String> alike(List<String> lines) {
        if (lines.isEmpty()) return lines;
        List<String> out = new ArrayList<>(lines);
        String[] f = out.get(0).strip().split(" ");
        out.set(0, f.length < 3 ? f[0] : f[0] + " " + String.join(" ", java.util.Arrays.asList(f).subList(3, f.length)));
        return out;
    }

    /** The lines of one pod's policy with its first line standing for every pod of the group. */
    private static List<String> standFor(List<String> lines, String stand) {
        if (lines.isEmpty()) return lines;
        List<String> out = new ArrayList<>(lines);
        String[] f = out.get(0).strip().split(" ");
        out.set(0, stand + (f.length > 3 ? " " + String.join(" ", java.util.Arrays.asList(f).subList(3, f.length)) : ""));
        return out;
    }

    private static String namespace(String pod) {
        int slash = pod.indexOf('/');
        return slash < 0 ? "" : pod.substring(0, slash);
    }

    /**
     * A section's key: its line up to the first field that is content ({@code name=value}, a list, a flag the
     * section holds); {@code service-plan ns/web:http TCP IPv4}, {@code policy ns/pod}, {@code local ns/web:http TCP IPv4}.
     */
    static String keyOf(String line) {
        String[] f = line.split(" ");
        int n = switch (f[0]) {
            case "service-plan", "local" -> 4;
            case "cluster", "namespace", "node", "node-plan", "workload", "pod", "service", "endpointslice", "networkpolicy",
                    "ingressclass", "ingress", "secret", "policy", "ingress-host" -> f[0].equals("workload") ? 3 : 2;
            default -> 1;
        };
        return String.join(" ", java.util.Arrays.asList(f).subList(0, Math.min(n, f.length)));
    }

    private static String field(String line, int i) {
        String[] f = line.split(" ");
        return i < f.length ? f[i] : "";
    }

    /** A line with each policy set's name replaced by the addresses it holds. */
    private static String withSets(String line, Map<String, String> sets) {
        if (!line.contains("peers-")) return line;
        StringBuilder b = new StringBuilder();
        for (String f : line.split(" ", -1)) {
            if (b.length() > 0) b.append(' ');
            b.append(sets.getOrDefault(f, f));
        }
        return b.toString();
    }
}
