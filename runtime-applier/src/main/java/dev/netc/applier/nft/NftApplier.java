package dev.netc.applier.nft;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Bundle;
import dev.netc.applier.Change;
import dev.netc.applier.Context;
import dev.netc.applier.NetnsThread;
import dev.netc.applier.Outcome;
import dev.netc.applier.RulesSyntaxException;
import dev.netc.applier.Script;
import dev.netc.applier.nft.NftRuleset.Command;
import dev.netc.applier.nft.NftRuleset.Table;
import dev.netc.applier.nft.NftRuleset.TableId;
import java.util.ArrayList;
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
 * Installs {@code nftables.nft} through libnftables: the whole artifact (or, when only parts of the tables
 * changed and the kernel still holds exactly what was applied last, just those parts) in one
 * {@code nft_run_cmd_from_buffer} call, which the kernel commits as one transaction. Only the artifact's own
 * tables are touched: an artifact with any other top-level command is refused.
 */
public final class NftApplier implements BackendApplier {
    public static final String ARTIFACT = "nftables.nft";
    private static final String LISTING = "nftables";
    /** The cut of the applied artifact ({@link NftBlocks#index}), kept so that the next apply does not cut it again. */
    static final String BLOCKS = "nftables-blocks";
    private static final Pattern ERROR_POS = Pattern.compile("^[^:\\n]*:(\\d+):(\\d+)(?:-\\d+)?: (.*)$", Pattern.MULTILINE);

    @Override
    public Outcome apply(Context c) throws ApplyException {
        Artifact art = artifact(c.target());
        Optional<Artifact> prevArt = c.previous().flatMap(p -> p.find(ARTIFACT));
        // The artifacts cut by their braces (no statement read): what the incremental way compares. The previous
        // one's cut was recorded when it was applied; it is cut again only when that record is missing.
        Optional<NftBlocks> prevBlocks = prevArt.isEmpty() ? Optional.empty()
                : recordedBlocks(c, prevArt.get()).or(() -> NftBlocks.split(prevArt.get().content()));
        try (Nft nft = Nft.open(false)) {
            NftPlan.Choice choice = NftPlan.choose(new NftPlan.Facts(c.sameAsPrevious(), c.request().full(), prevArt.isPresent(),
                    c.trustedPrevious().isPresent()));
            NftRuleset target = null;
            // Listing the tables costs seconds at 10k Services: done at most once before the change.
            SortedMap<TableId, Table> current = null;
            Set<TableId> owned = new TreeSet<>();
            Set<TableId> listed = new TreeSet<>();
            switch (choice.way()) {
                case CHECK_UNCHANGED -> {
                    target = parse(art);
                    owned.addAll(target.tables().keySet());
                    current = list(nft, owned);
                    listed.addAll(owned);
                    String nowText = NftRuleset.canonical(current);
                    Optional<String> recorded = c.trustedPrevious().isPresent()
                            ? c.listing(c.trustedPrevious().get().digest(), LISTING) : Optional.empty();
                    choice = NftPlan.afterListing(c.trustedPrevious().isPresent(), recorded, nowText);
                    if (choice.way() == NftPlan.Way.UNCHANGED) {
                        c.say("nftables: nothing to change (the kernel holds " + Bundle.shortDigest(c.target().digest()) + ")");
                        return Outcome.unchanged(Map.of(LISTING, nowText));
                    }
                }
                case INCREMENTAL -> {
                    // The state says the kernel holds the previous bundle (its apply finished, none is pending):
                    // send only the difference, without listing the tables (listing 10k Services takes seconds),
                    // behind the guard that aborts it if the tables applied last are gone (or, for an artifact
                    // with no chain to guard with, after listing a small chain of each table).
                    // Drift made by hand is not seen here: --check finds it, a re-apply or --full repairs it.
                    Optional<NftBlocks> blocks = prevBlocks.isPresent() ? NftBlocks.split(art.content()) : Optional.empty();
                    Optional<Script> guard = blocks.isPresent() ? blocks.get().guard(prevBlocks.get()) : Optional.empty();
                    NftDelta.Result r = delta(art, prevArt.get(), prevBlocks, blocks);
                    if (r.delta().isEmpty()) {
                        choice = NftPlan.Choice.full(r.whyNot());
                    } else if (guard.isEmpty() && !(prevBlocks.isPresent() && tablesExist(nft, prevBlocks.get()))) {
                        choice = NftPlan.afterRefused(false, "");
                    } else {
                        NftDelta.Delta d = r.delta().get();
                        say(c, "incremental", d.changes());
                        Script script = guard.orElseGet(Script::new).addAll(d.script());
                        if (c.dryRun()) return dryRun(c, art, script);
                        c.beforeCommit().run();
                        long t0 = System.nanoTime();
                        Nft.Result res = nft.runScript(script.text(), c.state().tmp());
                        if (res.ok()) return Outcome.applied("incremental, " + d.changes().size() + " changes in a "
                                + (System.nanoTime() - t0) / 1_000_000 + " ms transaction", blocksListing(art, blocks));
                        choice = NftPlan.afterRefused(prevBlocks.isPresent() && tablesExist(nft, prevBlocks.get()), firstLine(res.errors()));
                    }
                }
                default -> {
                }
            }
            if (!choice.why().isEmpty() && !c.dryRun()) c.say("nftables: whole tables (" + choice.why() + ")");
            if (target == null) target = parse(art);
            owned.addAll(target.tables().keySet());
            if (prevBlocks.isPresent()) {
                owned.addAll(prevBlocks.get().tables());
            } else if (prevArt.isPresent()) {
                try {
                    owned.addAll(NftRuleset.parse(prevArt.get().text()).tables().keySet());
                } catch (RulesSyntaxException e) {
                    // the previous copy is unreadable: only the new artifact's tables are replaced
                }
            }
            if (current == null || !listed.containsAll(owned)) current = list(nft, owned);
            Script script = new Script();
            for (TableId id : owned) {
                if (target.tables().containsKey(id) || !current.containsKey(id)) continue;
                script.add("delete table " + id);
            }
            script.addNumbered(art.text(), 1);
            List<Change> changes = NftDiff.changes(current, target.tables());
            say(c, "full", changes);
            if (c.dryRun()) return dryRun(c, art, script);
            c.beforeCommit().run();
            long t0 = System.nanoTime();
            Nft.Result res = nft.runScript(script.text(), c.state().tmp());
            if (!res.ok()) throw rejected(art, script, res);
            String mode = "full, a " + (System.nanoTime() - t0) / 1_000_000 + " ms transaction";
            Map<String, String> listings = new TreeMap<>(blocksListing(art, NftBlocks.split(art.content())));
            listings.put(LISTING, NftRuleset.canonical(list(nft, owned)));
            return Outcome.applied(mode, listings);
        }
    }

    /**
     * The incremental change from the previous artifact to the new one. When both cut the same way and their
     * skeletons (top-level commands, table headers and attributes) are equal, only the objects whose text
     * differs are read and guarded (the others are what the last apply installed, read and guarded then);
     * otherwise both are read whole.
     */
    static NftDelta.Result delta(Artifact art, Artifact prev, Optional<NftBlocks> prevBlocks) throws ApplyException {
        return delta(art, prev, prevBlocks, prevBlocks.isPresent() ? NftBlocks.split(art.content()) : Optional.empty());
    }

    static NftDelta.Result delta(Artifact art, Artifact prev, Optional<NftBlocks> prevBlocks, Optional<NftBlocks> blocks) throws ApplyException {
        if (prevBlocks.isPresent() && blocks.isPresent()) {
            Optional<NftBlocks.Pair> p;
            try {
                p = NftBlocks.differing(prevBlocks.get(), blocks.get());
            } catch (RulesSyntaxException e) {
                throw ApplyException.rejected(art.path() + ":" + e.line() + ": " + e.getMessage());
            }
            if (p.isPresent()) {
                NftGuard.check(art.path(), p.get().to());
                return NftDelta.compute(p.get().from(), p.get().to());
            }
        }
        NftRuleset target = parse(art);
        try {
            return NftDelta.compute(NftRuleset.parse(prev.text()), target);
        } catch (RulesSyntaxException e) {
            return new NftDelta.Result(Optional.empty(), "the copy of the last artifact cannot be read");
        }
    }

    /** The cut recorded when {@code prev} (the artifact of the bundle applied last) was applied, if it is one of it. */
    static Optional<NftBlocks> recordedBlocks(Context c, Artifact prev) {
        try {
            Optional<String> ix = c.listing(c.previous().get().digest(), BLOCKS);
            return ix.flatMap(i -> NftBlocks.fromIndex(prev.content(), prev.sha256(), i));
        } catch (ApplyException e) {
            return Optional.empty();
        }
    }

    /** The cut of the artifact just applied, to record for the next apply (none when it does not cut). */
    static Map<String, String> blocksListing(Artifact art, Optional<NftBlocks> blocks) {
        Optional<String> ix = blocks.flatMap(b -> b.index(art.sha256()));
        return ix.isPresent() ? Map.of(BLOCKS, ix.get()) : Map.of();
    }

    private static void say(Context c, String mode, List<Change> changes) {
        c.say("nftables: plan for node " + c.target().node() + " (" + mode + ", " + changes.size() + " changes)");
        for (Change ch : changes) c.say("  " + ch);
    }

    private static Outcome dryRun(Context c, Artifact art, Script script) throws ApplyException {
        try (Nft dry = Nft.open(true)) {
            Nft.Result res = dry.runScript(script.text(), c.state().tmp());
            if (!res.ok()) throw rejected(art, script, res);
        }
        c.say("nftables: dry run: the kernel accepts the change; nothing was changed");
        return Outcome.dryRun();
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        Artifact art = artifact(c.target());
        NftRuleset target = parse(art);
        Set<TableId> ids = target.tables().keySet();
        SortedMap<TableId, Table> expected;
        try (NetnsThread scratch = NetnsThread.fresh()) {
            expected = scratch.call(() -> {
                try (Nft nft = Nft.open(false)) {
                    Nft.Result res = nft.runScript(art.text(), c.state().tmp());
                    if (!res.ok()) throw rejected(art, new Script().addNumbered(art.text(), 1), res);
                    return list(nft, ids);
                }
            });
        }
        SortedMap<TableId, Table> actual;
        try (Nft nft = Nft.open(false)) {
            actual = list(nft, ids);
        }
        List<String> out = new ArrayList<>();
        for (TableId id : ids) {
            Table e = expected.get(id);
            Table a = actual.get(id);
            if (a == null) {
                out.add("table " + id + ": missing");
                continue;
            }
            if (NftRuleset.canonical(e).equals(NftRuleset.canonical(a))) continue;
            List<String> drift = NftDiff.drift(e, a);
            out.addAll(drift.isEmpty() ? List.of("table " + id + ": differs") : drift);
        }
        return out;
    }

    static Artifact artifact(Bundle b) throws ApplyException {
        return b.find(ARTIFACT).orElseThrow(() -> ApplyException.refused("no " + ARTIFACT + " for node " + b.node()));
    }

    /**
     * Reads the artifact and refuses anything but its own tables: no {@code flush ruleset}, no other commands,
     * no table but netc's, nothing libnftables would abort on ({@link NftGuard}).
     */
    static NftRuleset parse(Artifact art) throws ApplyException {
        NftRuleset r;
        try {
            r = NftRuleset.parse(art.text());
        } catch (RulesSyntaxException e) {
            throw ApplyException.rejected(art.path() + ":" + e.line() + ": " + e.getMessage());
        }
        for (Command cmd : r.commands()) {
            if (cmd.kind() == Command.Kind.OTHER) {
                throw ApplyException.refused(art.path() + ":" + cmd.line() + ": netc applies only its own tables; refused: " + cmd.text());
            }
        }
        if (r.tables().isEmpty()) throw ApplyException.refused(art.path() + ": no table");
        NftGuard.check(art.path(), r);
        return r;
    }

    /**
     * True when the kernel has every table of {@code blocks}: a small chain of each is listed
     * ({@link NftBlocks#probes}); a table without chains is looked for with {@code list tables}.
     */
    static boolean tablesExist(Nft nft, NftBlocks blocks) {
        if (blocks.tables().isEmpty()) return false;
        Set<TableId> rest = new TreeSet<>(blocks.tables());
        for (Map.Entry<TableId, String> p : blocks.probes().entrySet()) {
            if (!nft.run("list " + p.getValue().replaceFirst("^chain ", "chain " + p.getKey() + " ")).ok()) return false;
            rest.remove(p.getKey());
        }
        return rest.isEmpty() || tablesExist(nft, rest);
    }

    /** True when the kernel has every one of {@code ids} ({@code list tables}: libnftables 1.0.6 reads every table for it). */
    static boolean tablesExist(Nft nft, Set<TableId> ids) {
        Nft.Result r = nft.run("list tables");
        if (!r.ok()) return false;
        Set<String> have = new TreeSet<>(List.of(r.output().split("\n")).stream().map(String::strip).toList());
        return ids.stream().allMatch(id -> have.contains("table " + id));
    }

    /** Each of {@code ids} the kernel has, as {@code nft list table} prints it (tables it lacks are left out). */
    static SortedMap<TableId, Table> list(Nft nft, Set<TableId> ids) throws ApplyException {
        SortedMap<TableId, Table> out = new TreeMap<>();
        for (TableId id : ids) {
            Nft.Result r = nft.run("list table " + id);
            if (!r.ok()) {
                if (r.errors().contains("No such file or directory")) continue;
                throw ApplyException.rejected("nft list table " + id + ": " + firstLine(r.errors()));
            }
            try {
                out.putAll(NftRuleset.parse(r.output()).tables());
            } catch (RulesSyntaxException e) {
                throw ApplyException.rejected("nft list table " + id + " printed something netc cannot read (line " + e.line() + "): " + e.getMessage());
            }
        }
        return out;
    }

    static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }

    /** libnftables' error, placed at the artifact's line: {@code nodes/n1/nftables.nft:615:7: Error: …}. */
    static ApplyException rejected(Artifact art, Script script, Nft.Result res) {
        String errors = res.errors().strip();
        Matcher m = ERROR_POS.matcher(errors);
        String where = art.path();
        String what = firstLine(errors);
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            int origin = script.origin(line);
            where += origin > 0 ? ":" + origin + ":" + m.group(2) : " (applier line " + line + ": " + script.line(line).strip() + ")";
            what = m.group(3);
            String[] rest = errors.substring(m.end()).strip().split("\n");
            if (rest.length >= 1 && !rest[0].isBlank()) what += "\n    " + rest[0].strip();
        }
        return ApplyException.rejected(where + ": libnftables: " + what + "\nthe transaction was not committed: the node's previous ruleset is in place");
    }
}
