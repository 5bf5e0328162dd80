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

    /** Every section added, removed or changed from {@code before} to {@code after}, by key. */
    public static List<Change> changes(SortedMap<String, Section> before, SortedMap<String, Section> after) {
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

    /**
     * A section's key: its line up to the first field that is content ({@code name=value}, a list, a flag the
     * section holds); {@code service-plan ns/web:http TCP IPv4}, {@code policy ns/pod}, {@code local ns/web:http TCP IPv4}.
     */
    static String keyOf(String line) {
        String[] f = line.split(" ");
        int n = switch (f[0]) {
            case "service-plan", "local" -> 4;
            case "cluster", "namespace", "node", "node-plan", "workload", "pod", "service", "endpointslice", "networkpolicy",
                    "ingressclass", "ingress", "secret", "policy" -> f[0].equals("workload") ? 3 : 2;
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
