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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs iptables artifacts: {@code ipset.rules} through {@code ipset restore}, then {@code iptables.rules}
 * and {@code ip6tables.rules} through {@code iptables-restore --noflush} (one kernel transaction per table).
 * netc's chains whose rules differ from the node's are re-declared (which empties them) and refilled; the
 * jumps to them from built-in chains, when they differ, are deleted and re-added in the same transaction, so
 * each is present exactly once; netc chains the artifact no longer has are removed. Foreign chains and rules
 * are not named in the input and stay as they were. What changes is planned by {@link XtPlanner}, one of two
 * ways: incrementally from the difference of the previous bundle's artifacts and the new ones (the kernel read
 * only with {@code iptables -S CHAIN} for the chains touched, the rewritten chains loaded into a scratch network
 * namespace first), or from the kernel's state ({@code iptables-save}; the whole bundle is loaded into a
 * scratch namespace first). Either way a broken artifact is refused before the node is touched. Used by the
 * iptables backend ({@code prefix} empty) and by ipvs ({@code ipvs/}).
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
        XtPlanner.Route route = XtPlanner.route(c.sameAsPrevious(), c.request().full(), c.dryRun(), c.previous().isPresent(),
                c.trustedPrevious().isPresent());
        if (route.way() == XtPlanner.Way.INCREMENTAL) {
            Optional<Outcome> o = incremental(c, wanted);
            if (o.isPresent()) return o.get();
        } else if (!route.why().isEmpty()) {
            c.say(label(c) + ": from the kernel's state (" + route.why() + ")");
        }
        return fromKernel(c, wanted);
    }

    /**
     * The incremental way ({@link XtPlanner.Way#INCREMENTAL}): the change is the difference of the previous
     * bundle's artifacts and the new ones; the kernel is read only for the chains it touches (present, and the
     * built-in chains' jumps the previous bundle's) with {@code iptables -S CHAIN}, never with iptables-save;
     * the rewritten chains are loaded into a scratch namespace first. Empty when the state cannot be trusted
     * after all: the caller then goes {@link #fromKernel}.
     */
    private Optional<Outcome> incremental(Context c, Map<Family, XtRules> wanted) throws ApplyException {
        Bundle target = c.target();
        Bundle prevBundle = c.previous().orElseThrow();
        Map<Family, XtRules> previous = new LinkedHashMap<>();
        for (Family f : families) {
            Optional<Artifact> a = prevBundle.find(f.artifact());
            if (a.isEmpty()) continue;
            try {
                previous.put(f, XtRules.parse(a.get().text()));
            } catch (RulesSyntaxException e) {
                c.say(label(c) + ": from the kernel's state (the copy of the last bundle cannot be read: " + e.getMessage() + ")");
                return Optional.empty();
            }
        }
        XtRules none = new XtRules(new TreeMap<>());
        Map<String, SortedMap<String, XtPlanner.TableDelta>> deltas = new LinkedHashMap<>();
        Map<Family, XtRules> kernel = new LinkedHashMap<>();
        for (Family f : families) {
            XtRules was = previous.getOrDefault(f, none);
            SortedMap<String, XtPlanner.TableDelta> d = XtPlanner.deltas(was, wanted.getOrDefault(f, none));
            deltas.put(f.id(), d);
            Map<String, List<Rule>> jumps = new TreeMap<>();
            for (Map.Entry<String, Set<String>> t : XtPlanner.chainsToRead(was, d).entrySet()) {
                List<Rule> tableJumps = new ArrayList<>();
                for (String chain : t.getValue()) {
                    Exec.Result r = c.exec().run(List.of(f.id(), "-w", String.valueOf(Math.max(1, c.request().lockTimeout().toSeconds())),
                            "-t", t.getKey(), "-S", chain));
                    if (!r.ok()) {
                        c.say(label(c) + ": from the kernel's state (chain " + chain + " of " + f.id() + " " + t.getKey()
                                + ", applied last, is not in the kernel)");
                        return Optional.empty();
                    }
                    if (!XtRules.BUILTIN.contains(chain)) continue;
                    List<Rule> listed = listedJumps(t.getKey(), r.stdout());
                    List<Rule> applied = was.tables().get(t.getKey()).ownedJumps().stream().filter(x -> x.chain().equals(chain)).toList();
                    if (!XtPlanner.sameJumpTargets(applied, listed)) {
                        c.say(label(c) + ": from the kernel's state (the jumps from " + f.id() + " " + t.getKey() + " " + chain
                                + " to netc's chains are not the ones applied last)");
                        return Optional.empty();
                    }
                    tableJumps.addAll(listed);
                }
                jumps.put(t.getKey(), tableJumps);
            }
            kernel.put(f, XtPlanner.kernelView(was, jumps));
        }
        Optional<Artifact> ipset = target.find(prefix + "ipset.rules");
        Optional<Artifact> ipsetWas = prevBundle.find(prefix + "ipset.rules");
        boolean ipsetChanged = ipset.isPresent() && !(ipsetWas.isPresent() && ipsetWas.get().equals(ipset.get()));
        // The kernel judges the rewritten chains in a scratch namespace before the node sees them.
        try (NetnsThread scratch = NetnsThread.fresh()) {
            scratch.call(() -> {
                if (ipset.isPresent()) {
                    Exec.Result r = c.exec().run(List.of("ipset", "restore"), ipset.get().text());
                    if (!r.ok()) throw rejected(ipset.get(), r, IPSET_LINE, null);
                }
                for (Family f : families) {
                    if (!wanted.containsKey(f)) continue;
                    Script v = XtPlanner.validation(wanted.get(f), deltas.get(f.id()));
                    if (v.isEmpty()) continue;
                    Exec.Result r = c.exec().run(List.of(f.restore(), "-w", "5"), v.text());
                    if (!r.ok()) throw rejected(target.find(f.artifact()).orElseThrow(), r, RESTORE_LINE, v);
                }
                return null;
            });
        }
        List<Change> plan = XtPlanner.plan(deltas);
        c.say(label(c) + ": plan for node " + target.node() + " (incremental, " + plan.size() + " changes)");
        for (Change ch : plan) c.say("  " + ch);
        List<Exec.Step> steps = new ArrayList<>();
        if (ipsetChanged) steps.add(new Exec.Step(List.of("ipset", "restore"), ipset.get().text()));
        int chains = 0;
        for (Family f : families) {
            Script script = XtPlanner.script(wanted.getOrDefault(f, none), kernel.get(f), Optional.of(deltas.get(f.id())));
            if (script.isEmpty()) continue;
            for (XtPlanner.TableDelta d : deltas.get(f.id()).values()) chains += d.added().size() + d.changed().size() + d.removed().size();
            steps.add(restoreStep(c, f, script));
        }
        c.beforeCommit().run();
        long t0 = System.nanoTime();
        if (!steps.isEmpty()) {
            Exec.UnitResult u = c.exec().runUnit(steps);
            if (!u.ok()) {
                c.say(label(c) + ": the incremental change was refused (" + steps.get(u.failedStep()).command().get(0) + ": "
                        + u.said().strip().lines().findFirst().orElse("") + "); installing from the kernel's state instead");
                return Optional.empty();
            }
        }
        long restoreMs = (System.nanoTime() - t0) / 1_000_000;
        destroyStaleSets(c);
        return Optional.of(Outcome.applied("incremental, " + chains + " chains, restore " + restoreMs + " ms", Map.of()));
    }

    /** The rules of {@code iptables -S CHAIN} output that jump to netc chains. */
    static List<Rule> listedJumps(String table, String listed) throws ApplyException {
        StringBuilder b = new StringBuilder("*").append(table).append('\n');
        for (String l : listed.split("\n")) if (l.startsWith("-A ")) b.append(l).append('\n');
        b.append("COMMIT\n");
        try {
            return XtRules.parse(b.toString()).tables().get(table).ownedJumps();
        } catch (RulesSyntaxException e) {
            throw ApplyException.rejected("iptables -t " + table + " -S printed something netc cannot read: " + e.getMessage());
        }
    }

    private static Exec.Step restoreStep(Context c, Family f, Script script) {
        return new Exec.Step(List.of(f.restore(), "-w", String.valueOf(Math.max(1, c.request().lockTimeout().toSeconds())), "--noflush"),
                script.text());
    }

    /**
     * The way from the kernel's state ({@link XtPlanner.Way#SAVE}): the kernel is saved whole, the artifact is
     * loaded into a scratch namespace and saved there, and the two are compared; a re-apply of what the kernel
     * still holds changes nothing.
     */
    private Outcome fromKernel(Context c, Map<Family, XtRules> wanted) throws ApplyException {
        Bundle target = c.target();
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
        Map<String, SortedMap<String, XtPlanner.TableDelta>> deltas = new LinkedHashMap<>();
        for (Family f : families) deltas.put(f.id(), XtPlanner.deltas(current.get(f), loaded.get(f)));
        List<Change> plan = XtPlanner.plan(deltas);
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
            Script script = XtPlanner.script(want, current.get(f), c.request().full() ? Optional.empty() : Optional.of(deltas.get(f.id())));
            if (script.isEmpty()) continue;
            steps.add(restoreStep(c, f, script));
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
