package dev.netc.applier.xt;

import dev.netc.applier.Change;
import dev.netc.applier.Script;
import dev.netc.applier.xt.XtRules.Rule;
import dev.netc.applier.xt.XtRules.XtTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The iptables planner, pure (no tool, no kernel): which way an apply goes, how netc's part of each table
 * differs between two rule sets, what the plan says, and the restore input that makes the change. The applier
 * ({@link XtablesApplier}) gives it rule sets (read from artifacts, from {@code iptables-save}, or from
 * {@code iptables -S CHAIN}) and runs what it returns.
 */
public final class XtPlanner {
    private XtPlanner() {
    }

    /** The ways an iptables apply can go. */
    public enum Way {
        /**
         * From the difference of the artifacts: the state says the kernel holds the previous bundle, so only
         * the chains whose rules changed are checked (present), validated in a scratch namespace and rewritten;
         * no {@code iptables-save}.
         */
        INCREMENTAL,
        /** Read the whole kernel ({@code iptables-save}), load the artifact into a scratch namespace, compare. */
        SAVE
    }

    /** The way and, for {@link Way#SAVE} after a previous apply, why not incrementally ("" when nothing to say). */
    public record Route(Way way, String why) {
    }

    /**
     * The way of an apply: incremental only for a new bundle (not a re-apply, which must look at the kernel to
     * say "nothing to change" or to repair drift), not {@code --full} or {@code --dry-run}, after an apply that
     * finished and whose bundle copy could be read ({@code previous}). {@code why} says, when it matters, why not.
     */
    public static Route route(boolean reapply, boolean fullAsked, boolean dryRun, boolean previous, boolean lastFinished) {
        if (!previous || fullAsked || reapply || dryRun) return new Route(Way.SAVE, "");
        if (!lastFinished) return new Route(Way.SAVE, "the last apply did not finish");
        return new Route(Way.INCREMENTAL, "");
    }

    /**
     * How netc's part of one table differs between {@code was} and {@code now}: chains added, removed, changed
     * and unchanged, and whether the jumps from built-in chains differ (in order). The plan says it; the
     * restore input is made from it.
     */
    public record TableDelta(Set<String> added, Set<String> removed, Set<String> changed, Set<String> unchanged, boolean jumpsDiffer,
                             Map<String, List<Rule>> was, Map<String, List<Rule>> now, int jumpsWas, int jumpsNow) {
        static TableDelta of(XtTable cur, XtTable loaded) {
            Map<String, List<Rule>> was = cur == null ? Map.of() : cur.byChain();
            Map<String, List<Rule>> now = loaded == null ? Map.of() : loaded.byChain();
            Set<String> had = cur == null ? Set.of() : cur.ownedChains();
            Set<String> has = loaded == null ? Set.of() : loaded.ownedChains();
            Set<String> added = new TreeSet<>();
            Set<String> removed = new TreeSet<>();
            Set<String> changed = new TreeSet<>();
            Set<String> unchanged = new TreeSet<>();
            Set<String> all = new TreeSet<>(had);
            all.addAll(has);
            for (String ch : all) {
                if (!had.contains(ch)) added.add(ch);
                else if (!has.contains(ch)) removed.add(ch);
                else if (specs(was.getOrDefault(ch, List.of())).equals(specs(now.getOrDefault(ch, List.of())))) unchanged.add(ch);
                else changed.add(ch);
            }
            List<Rule> jw = cur == null ? List.of() : cur.ownedJumps();
            List<Rule> jn = loaded == null ? List.of() : loaded.ownedJumps();
            return new TableDelta(added, removed, changed, unchanged, !specs(jw).equals(specs(jn)), was, now, jw.size(), jn.size());
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty() && !jumpsDiffer;
        }
    }

    /**
     * The deltas of every table where {@code current} or {@code loaded} has something of netc's. Both sides
     * must come from one writer (two artifacts, or two {@code iptables-save} outputs): rules are compared as text.
     */
    public static SortedMap<String, TableDelta> deltas(XtRules current, XtRules loaded) {
        Set<String> names = new TreeSet<>();
        current.tables().forEach((n, t) -> {
            if (t.hasOwned()) names.add(n);
        });
        loaded.tables().forEach((n, t) -> {
            if (t.hasOwned()) names.add(n);
        });
        SortedMap<String, TableDelta> out = new TreeMap<>();
        for (String n : names) out.put(n, TableDelta.of(current.tables().get(n), loaded.tables().get(n)));
        return out;
    }

    /** The restore input that rewrites every netc chain (what {@code --full} does). */
    public static Script script(XtRules want, XtRules current) {
        return script(want, current, Optional.empty());
    }

    /**
     * The restore input that turns the kernel's netc chains into the artifact's, table by table: declare the
     * artifact's chains (emptying them) and append their rules, replace the jumps to netc chains from built-in
     * chains (every copy deleted, the artifact's appended: present exactly once), empty and remove netc chains
     * the artifact no longer has. With {@code deltas}, chains the kernel already holds exactly are left out,
     * and so are the jumps when they are the same: a change of one Service rewrites a few chains, not 40,000
     * (iptables-restore --noflush with iptables-nft costs about 0.4 ms per chain it declares).
     * {@code current} needs the kernel's jumps only where the deltas say they differ.
     */
    public static Script script(XtRules want, XtRules current, Optional<? extends Map<String, TableDelta>> deltas) {
        Script s = new Script();
        Set<String> names = new TreeSet<>(want.tables().keySet());
        current.tables().forEach((n, t) -> {
            if (t.hasOwned()) names.add(n);
        });
        for (String n : names) {
            XtTable w = want.tables().get(n);
            XtTable cur = current.tables().get(n);
            Optional<TableDelta> d = deltas.map(m -> m.get(n));
            Set<String> declared = new TreeSet<>();
            Set<String> rewritten = new TreeSet<>();
            if (w != null) {
                for (String ch : w.chains().keySet()) {
                    if (XtRules.BUILTIN.contains(ch)) continue;
                    declared.add(ch);
                    if (!d.map(x -> x.unchanged().contains(ch)).orElse(false)) rewritten.add(ch);
                }
            }
            boolean sameJumps = cur != null && d.map(x -> !x.jumpsDiffer()).orElse(false);
            Set<String> stale = new TreeSet<>(cur == null ? Set.of() : cur.ownedChains());
            stale.removeAll(declared);
            if (rewritten.isEmpty() && sameJumps && stale.isEmpty()) continue;
            Script t = new Script();
            t.add("*" + n, w == null ? 0 : w.line());
            for (String ch : rewritten) t.add(":" + ch + " - [0:0]", w.chains().get(ch));
            if (cur != null && !sameJumps) for (Rule r : cur.ownedJumps()) t.add("-D " + r.chain() + " " + r.spec());
            if (w != null) {
                for (Rule r : w.rules()) {
                    boolean builtin = XtRules.BUILTIN.contains(r.chain());
                    if (builtin ? !sameJumps : rewritten.contains(r.chain())) t.add(r.text(), r.line());
                }
            }
            for (String st : stale) t.add(":" + st + " - [0:0]");
            for (String st : stale) t.add("-X " + st);
            t.add("COMMIT", w == null ? 0 : w.line());
            s.addAll(t);
        }
        return s;
    }

    /**
     * What the incremental way loads into an empty scratch namespace to have the kernel judge the change before
     * the node sees it: per table, the chains it rewrites (and, when they differ, the jumps from built-in
     * chains) with their rules, and every chain of the artifact those rules jump to, declared empty. A rule the
     * kernel or the tool would refuse is refused there, at its artifact line.
     */
    public static Script validation(XtRules want, Map<String, TableDelta> deltas) {
        Script s = new Script();
        for (Map.Entry<String, TableDelta> e : deltas.entrySet()) {
            XtTable w = want.tables().get(e.getKey());
            TableDelta d = e.getValue();
            if (w == null) continue;
            Set<String> rewritten = new TreeSet<>(d.added());
            rewritten.addAll(d.changed());
            if (rewritten.isEmpty() && !d.jumpsDiffer()) continue;
            List<Rule> rules = new ArrayList<>();
            for (Rule r : w.rules()) {
                boolean builtin = XtRules.BUILTIN.contains(r.chain());
                if (builtin ? d.jumpsDiffer() : rewritten.contains(r.chain())) rules.add(r);
            }
            Set<String> declare = new TreeSet<>(rewritten);
            for (Rule r : rules) r.target().filter(t -> w.chains().containsKey(t) && !XtRules.BUILTIN.contains(t)).ifPresent(declare::add);
            s.add("*" + e.getKey(), w.line());
            for (String ch : declare) s.add(":" + ch + " - [0:0]", w.chains().get(ch));
            for (Rule r : rules) s.add(r.text(), r.line());
            s.add("COMMIT", w.line());
        }
        return s;
    }

    /**
     * The chains the incremental way must find in the kernel before it trusts the state: per table with a
     * change, the netc chains it rewrites or removes that the previous bundle had, and the built-in chains
     * holding netc's jumps (read to see the jumps are the previous bundle's, and to delete them when they change).
     */
    public static SortedMap<String, Set<String>> chainsToRead(XtRules previous, Map<String, TableDelta> deltas) {
        SortedMap<String, Set<String>> out = new TreeMap<>();
        for (Map.Entry<String, TableDelta> e : deltas.entrySet()) {
            TableDelta d = e.getValue();
            if (d.isEmpty()) continue;
            Set<String> chains = new TreeSet<>(d.changed());
            chains.addAll(d.removed());
            XtTable p = previous.tables().get(e.getKey());
            if (p != null) for (Rule r : p.ownedJumps()) chains.add(r.chain());
            out.put(e.getKey(), chains);
        }
        return out;
    }

    /**
     * The jumps to netc chains of the built-in chains in {@code kernel} ({@code iptables -S} output), compared
     * with the previous artifact's by chain and target, in order (the two writers format matches differently).
     */
    public static boolean sameJumpTargets(List<Rule> previous, List<Rule> kernel) {
        return targets(previous).equals(targets(kernel));
    }

    private static List<String> targets(List<Rule> rules) {
        return rules.stream().map(r -> r.chain() + " -> " + r.target().orElse("")).toList();
    }

    /**
     * The kernel as the incremental way sees it: the previous artifact's netc chains (the state says the kernel
     * holds them), with the built-in chains' jumps replaced by what the kernel listed ({@code kernelJumps},
     * per table), so that the jumps deleted are the kernel's own.
     */
    public static XtRules kernelView(XtRules previous, Map<String, List<Rule>> kernelJumps) {
        SortedMap<String, XtTable> tables = new TreeMap<>();
        for (XtTable t : previous.tables().values()) {
            List<Rule> rules = new ArrayList<>();
            if (kernelJumps.containsKey(t.name())) rules.addAll(kernelJumps.get(t.name()));
            for (Rule r : t.rules()) {
                if (XtRules.BUILTIN.contains(r.chain()) && kernelJumps.containsKey(t.name())) continue;
                rules.add(r);
            }
            tables.put(t.name(), new XtTable(t.name(), t.chains(), rules, t.line()));
        }
        return new XtRules(tables);
    }

    /** Chains added, removed and changed, jumps changed, per family: what the plan says before the restore. */
    public static List<Change> plan(Map<String, ? extends Map<String, TableDelta>> byFamily) {
        List<Change> out = new ArrayList<>();
        for (Map.Entry<String, ? extends Map<String, TableDelta>> f : byFamily.entrySet()) {
            for (Map.Entry<String, TableDelta> e : f.getValue().entrySet()) {
                TableDelta d = e.getValue();
                String in = f.getKey() + " " + e.getKey() + " ";
                Set<String> chains = new TreeSet<>(d.added());
                chains.addAll(d.removed());
                chains.addAll(d.changed());
                for (String ch : chains) {
                    int was = d.was().getOrDefault(ch, List.of()).size();
                    int now = d.now().getOrDefault(ch, List.of()).size();
                    if (d.added().contains(ch)) out.add(Change.add(in + ch, now + " rules"));
                    else if (d.removed().contains(ch)) out.add(Change.remove(in + ch, was + " rules"));
                    else out.add(Change.change(in + ch, now + " rules (was " + was + ")"));
                }
                if (d.jumpsDiffer()) out.add(Change.change(in + "jumps from built-in chains", d.jumpsNow() + " (was " + d.jumpsWas() + ")"));
            }
        }
        return out;
    }

    static List<String> specs(List<Rule> rules) {
        return rules.stream().map(r -> r.chain() + " " + r.spec()).toList();
    }
}
