package dev.netc.applier.xt;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Bundle;
import dev.netc.applier.Change;
import dev.netc.applier.Context;
import dev.netc.applier.Exec;
import dev.netc.applier.NetnsThread;
import dev.netc.applier.Outcome;
import dev.netc.applier.RulesSyntaxException;
import dev.netc.applier.Script;
import dev.netc.applier.xt.XtRules.Rule;
import dev.netc.applier.xt.XtRules.XtTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs iptables artifacts: {@code ipset.rules} through {@code ipset restore}, then {@code iptables.rules}
 * and {@code ip6tables.rules} through {@code iptables-restore --noflush} (one kernel transaction per table).
 * netc's chains whose rules differ from the node's are re-declared (which empties them) and refilled; the
 * jumps to them from built-in chains, when they differ, are deleted and re-added in the same transaction, so
 * each is present exactly once; netc chains the artifact no longer has are removed. Foreign chains and rules are not named in the input and stay as they were. The
 * whole bundle is first loaded into a scratch network namespace, so a broken artifact is refused before the
 * node is touched. Used by the iptables backend ({@code prefix} empty) and by ipvs ({@code ipvs/}).
 */
public final class XtablesApplier implements BackendApplier {
    private static final Pattern RESTORE_LINE = Pattern.compile("(?:Error occurred at line|line): (\\d+)");
    private static final Pattern IPSET_LINE = Pattern.compile("Error in line (\\d+)");
    private static final String PREVIOUS_IN_PLACE = "; the node's previous rules are in place";

    /** One family's tools and artifact name. */
    public record Family(String id, String save, String restore, String artifact) {
    }

    private final String prefix;
    private final List<Family> families;

    public XtablesApplier(String prefix) {
        this.prefix = prefix;
        this.families = List.of(new Family("iptables", "iptables-save", "iptables-restore", prefix + "iptables.rules"),
                new Family("ip6tables", "ip6tables-save", "ip6tables-restore", prefix + "ip6tables.rules"));
    }

    private String label(Context c) {
        return c.target().backend().id();
    }

    @Override
    public Outcome apply(Context c) throws ApplyException {
        Bundle target = c.target();
        Map<Family, XtRules> wanted = parseAll(target);
        Optional<Artifact> ipset = target.find(prefix + "ipset.rules");
        // iptables-save costs seconds on large rulesets (iptables-nft reads every table of the family, nft
        // tables included): the kernel is read once, and the listing recorded afterwards is the scratch
        // namespace's, which holds the same rules.
        Map<Family, XtRules> current = saveAll(c.exec());
        Set<String> sets = setNames(target);
        c.previous().ifPresent(p -> sets.addAll(setNames(p)));
        Map<String, String> before = listings(c.exec(), current, sets);
        if (c.sameAsPrevious() && c.trustedPrevious().isPresent() && !c.request().full()) {
            if (recorded(c, before.keySet()).equals(before)) {
                c.say(label(c) + ": nothing to change (the kernel holds " + Bundle.shortDigest(target.digest()) + ")");
                return Outcome.unchanged(before);
            }
        }
        // Loaded into a scratch namespace first: a broken artifact is refused before the node is touched, and
        // the plan compares what iptables-save prints on both sides.
        Map<Family, XtRules> loaded = loadInScratch(c, target);
        Map<Family, Map<String, TableDelta>> deltas = new LinkedHashMap<>();
        for (Family f : families) deltas.put(f, deltas(current.get(f), loaded.get(f)));
        List<Change> plan = plan(deltas);
        c.say(label(c) + ": plan for node " + target.node() + " (" + plan.size() + " changes)");
        for (Change ch : plan) c.say("  " + ch);
        if (c.dryRun()) {
            c.say(label(c) + ": dry run: the artifacts load (checked in a scratch network namespace); nothing was changed");
            return Outcome.dryRun();
        }
        // ipset, iptables and ip6tables as one unit that runs to its end even if this applier is killed: the
        // node holds the old or the new rules of both families, not one family changed and the other not.
        List<Exec.Step> steps = new ArrayList<>();
        List<Artifact> stepArtifacts = new ArrayList<>();
        List<Script> stepScripts = new ArrayList<>();
        if (ipset.isPresent()) {
            steps.add(new Exec.Step(List.of("ipset", "restore"), ipset.get().text()));
            stepArtifacts.add(ipset.get());
            stepScripts.add(null);
        }
        for (Family f : families) {
            Optional<Artifact> art = target.find(f.artifact());
            XtRules want = wanted.getOrDefault(f, new XtRules(new TreeMap<>()));
            Script script = script(want, current.get(f), c.request().full() ? Optional.empty() : Optional.of(deltas.get(f)));
            if (script.isEmpty()) continue;
            steps.add(new Exec.Step(List.of(f.restore(), "-w", String.valueOf(Math.max(1, c.request().lockTimeout().toSeconds())),
                    "--noflush"), script.text()));
            stepArtifacts.add(art.orElse(Artifact.of(f.artifact(), "")));
            stepScripts.add(script);
        }
        c.beforeCommit().run();
        long t0 = System.nanoTime();
        Exec.UnitResult u = c.exec().runUnit(steps);
        long restoreMs = (System.nanoTime() - t0) / 1_000_000;
        if (!u.ok()) {
            int i = u.failedStep();
            Exec.Result r = new Exec.Result(steps.get(i).command(), 1, "", u.said());
            String refusal = refusal(stepArtifacts.get(i), r, stepScripts.get(i) == null ? IPSET_LINE : RESTORE_LINE, stepScripts.get(i));
            if (i == 0) throw ApplyException.rejected(refusal + PREVIOUS_IN_PLACE);
            // It loaded in the scratch namespace, so this is the node's doing (a foreign rule using a netc chain?).
            throw new ApplyException(dev.netc.applier.ExitCode.INTERNAL, refusal
                    + "; the steps before it (" + String.join(", ", steps.subList(0, i).stream().map(st -> st.command().get(0)).toList())
                    + ") were applied: fix the cause and run netc apply again");
        }
        destroyStaleSets(c);
        return Outcome.applied((c.request().full() ? "full" : "changed chains") + ", restore " + restoreMs + " ms",
                listings(c.exec(), loaded, setNames(target)));
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        parseAll(c.target());
        Set<String> sets = setNames(c.target());
        Map<String, String> actual = listings(c.exec(), saveAll(c.exec()), sets);
        Map<String, String> expected;
        try (NetnsThread scratch = NetnsThread.fresh()) {
            expected = scratch.call(() -> {
                load(c.exec(), c.target());
                return listings(c.exec(), saveAll(c.exec()), sets);
            });
        }
        List<String> out = new ArrayList<>();
        for (String k : expected.keySet()) out.addAll(lineDiff(k, expected.get(k), actual.getOrDefault(k, "")));
        return out;
    }

    /** Lines netc expects and the kernel lacks ({@code missing}), and the other way round ({@code unexpected}). */
    static List<String> lineDiff(String what, String expected, String actual) {
        List<String> e = List.of(expected.split("\n"));
        List<String> a = List.of(actual.split("\n"));
        List<String> out = new ArrayList<>();
        for (String l : dev.netc.applier.nft.NftDiff.minus(e, a)) if (!l.isBlank()) out.add(what + ": missing: " + l);
        for (String l : dev.netc.applier.nft.NftDiff.minus(a, e)) if (!l.isBlank()) out.add(what + ": unexpected: " + l);
        if (out.isEmpty() && !expected.equals(actual)) out.add(what + ": same rules in another order");
        return out;
    }

    /**
     * Reads the bundle's rules files and refuses any content netc does not own ({@link XtGuard}): foreign
     * chains, more than jumps in built-in chains, foreign ipsets. Called before any tool runs.
     */
    public Map<Family, XtRules> parseAll(Bundle b) throws ApplyException {
        Map<Family, XtRules> out = new LinkedHashMap<>();
        for (Family f : families) {
            Optional<Artifact> a = b.find(f.artifact());
            if (a.isEmpty()) continue;
            XtRules r;
            try {
                r = XtRules.parse(a.get().text());
            } catch (RulesSyntaxException e) {
                throw ApplyException.rejected(a.get().path() + ":" + e.line() + ": " + e.getMessage());
            }
            XtGuard.checkRules(a.get().path(), r);
            out.put(f, r);
        }
        Optional<Artifact> ipset = b.find(prefix + "ipset.rules");
        if (ipset.isPresent()) XtGuard.checkIpset(ipset.get().path(), ipset.get().text());
        return out;
    }

    private Map<String, String> recorded(Context c, Set<String> names) throws ApplyException {
        Map<String, String> m = new TreeMap<>();
        for (String n : names) {
            Optional<String> l = c.listing(c.target().digest(), n);
            if (l.isEmpty()) return Map.of();
            m.put(n, l.get());
        }
        return m;
    }

    /** The owned part of the kernel's state: per family the netc chains and jumps, and netc's ipsets. */
    Map<String, String> listings(Exec exec, Map<Family, XtRules> saved, Set<String> sets) throws ApplyException {
        Map<String, String> m = new TreeMap<>();
        for (Family f : families) m.put(f.id(), saved.get(f).ownedListing());
        if (!sets.isEmpty()) {
            StringBuilder b = new StringBuilder();
            for (String s : sets) {
                Exec.Result r = exec.run(List.of("ipset", "save", s));
                if (!r.ok()) continue;
                List<String> lines = new ArrayList<>();
                // initval is the kernel's random hash seed, not part of what netc asked for
                for (String l : r.stdout().split("\n")) if (!l.isBlank()) lines.add(l.replaceAll(" initval 0x[0-9a-f]+", ""));
                java.util.Collections.sort(lines);
                for (String l : lines) b.append(l).append('\n');
            }
            m.put("ipset", b.toString());
        }
        return m;
    }

    private Set<String> setNames(Bundle b) {
        Set<String> out = new TreeSet<>();
        b.find(prefix + "ipset.rules").ifPresent(a -> {
            for (String l : a.text().split("\n")) {
                String[] t = l.strip().split("\\s+");
                if (t.length >= 2 && t[0].equals("create") && !t[1].endsWith("-t")) out.add(t[1]);
            }
        });
        return out;
    }

    Map<Family, XtRules> saveAll(Exec exec) throws ApplyException {
        Map<Family, XtRules> m = new LinkedHashMap<>();
        for (Family f : families) m.put(f, save(exec, f));
        return m;
    }

    static XtRules save(Exec exec, Family f) throws ApplyException {
        String text = exec.ok(List.of(f.save()), null);
        try {
            return XtRules.parse(text);
        } catch (RulesSyntaxException e) {
            throw ApplyException.rejected(f.save() + " printed something netc cannot read (line " + e.line() + "): " + e.getMessage());
        }
    }

    /** Loads the whole bundle into the calling thread's (scratch) namespace. */
    private void load(Exec exec, Bundle b) throws ApplyException {
        Optional<Artifact> ipset = b.find(prefix + "ipset.rules");
        if (ipset.isPresent()) {
            Exec.Result r = exec.run(List.of("ipset", "restore"), ipset.get().text());
            if (!r.ok()) throw rejected(ipset.get(), r, IPSET_LINE, null);
        }
        for (Family f : families) {
            Optional<Artifact> a = b.find(f.artifact());
            if (a.isEmpty()) continue;
            Exec.Result r = exec.run(List.of(f.restore(), "-w", "5"), a.get().text());
            if (!r.ok()) throw rejected(a.get(), r, RESTORE_LINE, null);
        }
    }

    private Map<Family, XtRules> loadInScratch(Context c, Bundle target) throws ApplyException {
        try (NetnsThread scratch = NetnsThread.fresh()) {
            return scratch.call(() -> {
                load(c.exec(), target);
                return saveAll(c.exec());
            });
        }
    }

    /** Refused by a tool before the node was changed. */
    static ApplyException rejected(Artifact a, Exec.Result r, Pattern linePattern, Script script) {
        return ApplyException.rejected(refusal(a, r, linePattern, script) + PREVIOUS_IN_PLACE);
    }

    /** What a tool refused: the message names the artifact's line when the tool said which line failed. */
    static String refusal(Artifact a, Exec.Result r, Pattern linePattern, Script script) {
        Matcher m = linePattern.matcher(r.said());
        String where = a.path();
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            int origin = script == null ? line : script.origin(line);
            if (origin > 0) where += ":" + origin;
            else if (script != null) where += " (applier line: " + script.line(line) + ")";
        }
        String said = r.said().lines().filter(l -> !l.startsWith("Try `")).reduce((x, y) -> x + "; " + y).orElse("");
        return where + ": " + r.command().get(0) + " refused it: " + said;
    }

    /**
     * How netc's part of one table differs between the node ({@code was}, as iptables-save printed it) and the
     * artifact loaded into the scratch namespace ({@code now}, printed the same way): chains added, removed,
     * changed and unchanged, and whether the jumps from built-in chains differ (in order). The plan says it;
     * the restore input is made from it.
     */
    record TableDelta(Set<String> added, Set<String> removed, Set<String> changed, Set<String> unchanged, boolean jumpsDiffer,
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
    }

    /** The deltas of every table where the node or the artifact has something of netc's. */
    static Map<String, TableDelta> deltas(XtRules current, XtRules loaded) {
        Set<String> names = new TreeSet<>();
        current.tables().forEach((n, t) -> {
            if (t.hasOwned()) names.add(n);
        });
        loaded.tables().forEach((n, t) -> {
            if (t.hasOwned()) names.add(n);
        });
        Map<String, TableDelta> out = new TreeMap<>();
        for (String n : names) out.put(n, TableDelta.of(current.tables().get(n), loaded.tables().get(n)));
        return out;
    }

    /** The restore input that rewrites every netc chain (what {@code --full} does). */
    static Script script(XtRules want, XtRules current) {
        return script(want, current, Optional.empty());
    }

    /**
     * The restore input that turns the kernel's netc chains into the artifact's, table by table: declare the
     * artifact's chains (emptying them) and append their rules, replace the jumps to netc chains from built-in
     * chains (every copy deleted, the artifact's appended: present exactly once), empty and remove netc chains
     * the artifact no longer has. With {@code deltas}, chains the kernel already holds exactly are left out,
     * and so are the jumps when they are the same: a change of one Service rewrites a few chains, not 40,000
     * (iptables-restore --noflush with iptables-nft costs about 0.4 ms per chain it declares).
     */
    static Script script(XtRules want, XtRules current, Optional<Map<String, TableDelta>> deltas) {
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

    private static List<String> specs(List<Rule> rules) {
        return rules.stream().map(r -> r.chain() + " " + r.spec()).toList();
    }

    /** Chains added, removed and changed, jumps changed: what the plan says before the restore. */
    private List<Change> plan(Map<Family, Map<String, TableDelta>> deltas) {
        List<Change> out = new ArrayList<>();
        for (Family f : families) {
            for (Map.Entry<String, TableDelta> e : deltas.get(f).entrySet()) {
                TableDelta d = e.getValue();
                String in = f.id() + " " + e.getKey() + " ";
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

    /** netc's ipsets the previous bundle created and the new one does not: destroyed once nothing uses them. */
    private void destroyStaleSets(Context c) throws ApplyException {
        if (c.previous().isEmpty()) return;
        Set<String> stale = setNames(c.previous().get());
        stale.removeAll(setNames(c.target()));
        for (String s : stale) {
            Exec.Result r = c.exec().run(List.of("ipset", "destroy", s));
            if (!r.ok() && !r.said().contains("does not exist")) c.say(label(c) + ": note: ipset " + s + " kept: " + r.said());
        }
    }
}
