package dev.netc.backends.plan;

import dev.netc.ir.ContentHash;
import dev.netc.ir.plan.NetworkPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * plan.txt cut into the sections a reviewer compares ({@code netc diff}): each object of the model, each Service
 * plan, and in each node's plan its own Local endpoints and each pod's policy, by a key that does not hold the
 * section's content ({@code service storefront/web}, {@code node-plan n1 policy payments/ledger-0}). A section's
 * lines are kept without their origins (what {@link PlanDumpBackend#withoutOrigins} leaves), its origins apart. The
 * policy sets are not sections: they are content, read through the policies that use them, whose lines name them by
 * the hash of their addresses; a changed section shows the addresses, so that it says what it allows.
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

    /**
     * What one reading of plan.txt gives: every section's digest (of its lines, origins left out), the sections it was
     * asked to keep whole, each pod's owner ({@code Deployment/web} by {@code ns/name}) and each policy set's addresses.
     * A policy set's name is the hash of its addresses, so two lines that name the same set say the same; the
     * addresses are needed only to show a changed section.
     */
    public record Reading(SortedMap<String, String> digests, SortedMap<String, Section> kept, Map<String, String> owners,
                          Map<String, String> sets) {
        public Reading {
            digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
            kept = Collections.unmodifiableSortedMap(new TreeMap<>(kept));
            owners = Map.copyOf(owners);
            sets = Map.copyOf(sets);
        }
    }

    private PlanSections() {
    }

    /**
     * Every section added, removed or changed from {@code before} to {@code after} ({@link #changes(Reading, Reading)}),
     * reading each plan's plan.txt a piece at a time as {@link PlanDumpBackend#render} writes it, never whole: {@code
     * before} once for the digests, {@code after} once keeping what differs from them, and {@code before} again only
     * when something does, keeping its side of what differs. At a thousand nodes plan.txt is hundreds of megabytes;
     * what is held is a digest per section and the changed sections.
     */
    public static List<Change> diff(NetworkPlan before, NetworkPlan after) {
        Reading first = read(before, (key, digest) -> false);
        Reading b = read(after, (key, digest) -> !digest.equals(first.digests().get(key)));
        java.util.Set<String> changed = new java.util.HashSet<>();
        first.digests().forEach((key, digest) -> {
            if (!digest.equals(b.digests().get(key))) changed.add(key);
        });
        Reading a = changed.isEmpty() ? first : read(before, (key, digest) -> changed.contains(key));
        return changes(a, b);
    }

    /** A plan's plan.txt read as {@link PlanDumpBackend#render} writes it, keeping whole the sections {@code keep} takes (by key and digest). */
    static Reading read(NetworkPlan plan, BiPredicate<String, String> keep) {
        Parser p = new Parser(keep);
        StringBuilder b = new StringBuilder();
        PlanDumpBackend.render(plan, java.util.Set.of(), b, p::take);
        return p.finish(b);
    }

    /** The sections of a plan.txt, every one kept. */
    public static Reading of(String planText) {
        return of(planText, planText.length());
    }

    /** The sections of a plan.txt given to the reader {@code piece} characters at a time, lines cut anywhere. */
    static Reading of(String planText, int piece) {
        Parser p = new Parser((key, digest) -> true);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < planText.length(); i += piece) {
            b.append(planText, i, Math.min(planText.length(), i + piece));
            p.take(b);
        }
        return p.finish(b);
    }

    /**
     * Every section added, removed or changed from {@code before} to {@code after}, by key, among those the readings
     * kept (a section either side kept is one whose digest differs, or every section); the pods of one workload whose
     * policy changed alike (the same lines but for each pod's name and addresses) are one change ({@link #grouped}).
     * Each policy set a changed line names is shown by its addresses ({@link #shown}).
     */
    public static List<Change> changes(Reading before, Reading after) {
        Map<String, String> owners = new TreeMap<>(before.owners());
        owners.putAll(after.owners());
        return grouped(sectionChanges(before.kept(), after.kept()), owners).stream()
                .map(c -> new Change(c.kind(), c.key(), c.node(), shown(c.before(), before.sets()), shown(c.after(), after.sets()),
                        c.originsBefore(), c.originsAfter()))
                .toList();
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

    /**
     * Reads plan.txt line by line as it comes, in pieces that end lines or not: cuts it into sections, digests each,
     * keeps those asked for, and notes each pod's owner and each policy set.
     */
    private static final class Parser {
        private final BiPredicate<String, String> keep;
        private final SortedMap<String, String> digests = new TreeMap<>();
        private final SortedMap<String, Section> kept = new TreeMap<>();
        private final Map<String, String> owners = new java.util.HashMap<>();
        private final Map<String, String> sets = new java.util.HashMap<>();
        private String key;
        private String node = "";
        private String nodePlan;
        private List<String> body = new ArrayList<>();
        private List<String> origins = new ArrayList<>();

        Parser(BiPredicate<String, String> keep) {
            this.keep = keep;
        }

        /** Reads the whole lines {@code b} holds and leaves it with the rest (a line not yet ended). */
        void take(StringBuilder b) {
            int from = 0;
            for (int nl = b.indexOf("\n"); nl >= 0; nl = b.indexOf("\n", from)) {
                line(b.substring(from, nl));
                from = nl + 1;
            }
            b.delete(0, from);
        }

        /** The reading, once {@code rest} (a last line with no newline, if any) is read. */
        Reading finish(StringBuilder rest) {
            if (!rest.isEmpty()) line(rest.toString());
            end();
            return new Reading(digests, kept, owners, sets);
        }

        private void line(String raw) {
            int cut = PlanDumpBackend.originAt(raw, 0, raw.length());
            String line = raw.substring(0, cut);
            String origin = cut < raw.length() ? raw.substring(cut + PlanDumpBackend.AT.length()) : "";
            boolean top = !line.startsWith(" ");
            boolean subsection = nodePlan != null && (line.startsWith("  policy ") || line.startsWith("  local "));
            if (line.isEmpty() || line.startsWith("#") || top || subsection) {
                end();
                if (line.startsWith("policy-set ")) {
                    String[] f = line.split(" ", 3);
                    if (f.length == 3) sets.put(f[1], f[2]);
                }
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("policy-set ")) {
                    if (top && !line.isEmpty() && !line.startsWith("#")) nodePlan = null;
                    return;
                }
                if (top) {
                    nodePlan = line.startsWith("node-plan ") ? field(line, 1) : null;
                    node = nodePlan == null ? "" : nodePlan;
                    key = keyOf(line);
                    if (line.startsWith("pod ")) {
                        for (String f : line.split(" ")) {
                            if (f.startsWith("owner=")) owners.put(key.substring("pod ".length()), f.substring("owner=".length()));
                        }
                    }
                } else {
                    key = "node-plan " + nodePlan + " " + keyOf(line.strip());
                }
            }
            body.add(line);
            if (!origin.isEmpty()) origins.addAll(List.of(origin.split(",")));
        }

        /** The section read so far ended: its digest noted, itself kept if asked for. */
        private void end() {
            if (key != null) {
                String digest = ContentHash.hex(String.join("\n", body), 16);
                digests.put(key, digest);
                if (keep.test(key, digest)) kept.put(key, new Section(key, node, body, origins));
            }
            key = null;
            body = new ArrayList<>();
            origins = new ArrayList<>();
        }
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

    /** How many of a policy set's prefixes a changed line shows; the set's name in plan.txt stands for the rest. */
    static final int SHOWN_PREFIXES = 16;

    /**
     * Lines with each policy set's name replaced by the addresses it holds ({@code sets}: name to {@code [a,b,…]}),
     * so that a changed section says what it allows; a set of more than {@link #SHOWN_PREFIXES} prefixes shows its first
     * ones and how many it has, naming itself for the rest.
     */
    static List<String> shown(List<String> lines, Map<String, String> sets) {
        return lines.stream().map(line -> {
            if (!line.contains("peers-")) return line;
            return java.util.Arrays.stream(line.split(" ", -1)).map(f -> sets.containsKey(f) ? shownSet(f, sets.get(f)) : f)
                    .collect(java.util.stream.Collectors.joining(" "));
        }).toList();
    }

    private static String shownSet(String name, String set) {
        int count = set.length() <= 2 ? 0 : 1;
        int cut = -1;
        for (int i = 0; i < set.length(); i++) {
            if (set.charAt(i) != ',') continue;
            count++;
            if (count == SHOWN_PREFIXES + 1) cut = i;
        }
        return cut < 0 ? set : set.substring(0, cut) + ",… " + count + " prefixes in all: " + name + " in plan.txt]";
    }
}
