package dev.netc.applier.nft;

import dev.netc.applier.Change;
import dev.netc.applier.Script;
import dev.netc.applier.nft.NftDiff.ElementDelta;
import dev.netc.applier.nft.NftRuleset.Chain;
import dev.netc.applier.nft.NftRuleset.Element;
import dev.netc.applier.nft.NftRuleset.NSet;
import dev.netc.applier.nft.NftRuleset.Stmt;
import dev.netc.applier.nft.NftRuleset.Table;
import dev.netc.applier.nft.NftRuleset.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The incremental form of an apply: when the tables of the new artifact have the same shape as those of the
 * applied one (same tables, same set declarations, same base chains), only what differs is sent, still as
 * one transaction: chains added, chains whose rules changed (flushed and refilled), set and map elements
 * deleted and added, chains and sets no longer used removed. Element-only changes (endpoints, policy
 * members) become a handful of element commands instead of the whole table.
 *
 * <p>Order inside the transaction keeps every reference valid while it runs: changed chains are flushed
 * first, new objects are declared before anything points at them, elements are deleted before they are
 * re-added, and removed chains are flushed before any of them is deleted.
 */
public final class NftDelta {
    private NftDelta() {
    }

    public record Delta(List<Change> changes, Script script) {
        public Delta {
            changes = List.copyOf(changes);
        }

        public boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /** The delta from {@code from} to {@code to}, or why there is none (the whole tables must be replaced). */
    public record Result(Optional<Delta> delta, String whyNot) {
    }

    public static Result compute(NftRuleset from, NftRuleset to) {
        if (!from.tables().keySet().equals(to.tables().keySet())) {
            return new Result(Optional.empty(), "tables differ (" + from.tables().keySet() + " -> " + to.tables().keySet() + ")");
        }
        List<Change> changes = new ArrayList<>();
        Script flushes = new Script();
        Script blocks = new Script();
        Script deletes = new Script();
        Script adds = new Script();
        Script removals = new Script();
        Script setRemovals = new Script();
        Script chainDeletes = new Script();
        for (TableId id : to.tables().keySet()) {
            Table a = from.tables().get(id);
            Table b = to.tables().get(id);
            if (!NftDiff.texts(a.attributes()).equals(NftDiff.texts(b.attributes()))) return new Result(Optional.empty(), "attributes of table " + id + " changed");
            if (!a.others().keySet().equals(b.others().keySet())) return new Result(Optional.empty(), "named objects other than chains and sets changed in " + id);
            for (String n : a.others().keySet()) {
                if (!NftDiff.texts(a.others().get(n).body()).equals(NftDiff.texts(b.others().get(n).body()))) {
                    return new Result(Optional.empty(), n + " in " + id + " changed");
                }
            }
            Script block = new Script();
            for (String n : NftDiff.union(a.sets().keySet(), b.sets().keySet())) {
                NSet x = a.sets().get(n);
                NSet y = b.sets().get(n);
                if (x == null) {
                    changes.add(Change.add(y.keyword() + " " + id + " " + n, y.dynamic() ? "dynamic" : y.elements().size() + " elements"));
                    writeSet(block, y);
                } else if (y == null) {
                    changes.add(Change.remove(x.keyword() + " " + id + " " + n, ""));
                    setRemovals.add("delete " + x.keyword() + " " + id + " " + n);
                } else if (!x.keyword().equals(y.keyword()) || !x.declarationTexts().equals(y.declarationTexts())) {
                    return new Result(Optional.empty(), "declaration of " + y.keyword() + " " + n + " changed");
                } else if (!y.dynamic()) {
                    ElementDelta d = ElementDelta.of(x, y);
                    if (d.isEmpty()) continue;
                    changes.add(Change.change(y.keyword() + " " + id + " " + n, d.summary()));
                    if (!d.delete().isEmpty()) {
                        deletes.add("delete element " + id + " " + n + " {");
                        writeElements(deletes, d.delete(), true);
                        deletes.add("}");
                    }
                    if (!d.add().isEmpty()) {
                        adds.add("add element " + id + " " + n + " {");
                        writeElements(adds, d.add(), false);
                        adds.add("}");
                    }
                }
            }
            for (String n : NftDiff.union(a.chains().keySet(), b.chains().keySet())) {
                Chain x = a.chains().get(n);
                Chain y = b.chains().get(n);
                if (x == null) {
                    changes.add(Change.add("chain " + id + " " + n, y.rules().size() + " rules"));
                    writeChain(block, y);
                } else if (y == null) {
                    changes.add(Change.remove("chain " + id + " " + n, x.rules().size() + " rules"));
                    removals.add("flush chain " + id + " " + n);
                    chainDeletes.add("delete chain " + id + " " + n);
                } else if (!x.headerTexts().equals(y.headerTexts())) {
                    return new Result(Optional.empty(), "base chain " + n + " changed its hook, priority or policy");
                } else if (!x.ruleTexts().equals(y.ruleTexts())) {
                    changes.add(Change.change("chain " + id + " " + n, NftDiff.ruleSummary(x.ruleTexts(), y.ruleTexts())));
                    flushes.add("flush chain " + id + " " + n);
                    writeChain(block, y);
                }
            }
            if (!block.isEmpty()) {
                blocks.add("table " + id + " {");
                blocks.addAll(block);
                blocks.add("}");
            }
        }
        Script all = new Script();
        all.addAll(flushes);
        all.addAll(blocks);
        all.addAll(deletes);
        all.addAll(adds);
        all.addAll(removals);
        all.addAll(chainDeletes);
        all.addAll(setRemovals);
        return new Result(Optional.of(new Delta(changes, all)), "");
    }

    static void writeSet(Script s, NSet set) {
        s.add("\t" + set.keyword() + " " + set.name() + " {", set.line());
        for (Stmt d : set.declaration()) s.add("\t\t" + d.text(), d.line());
        if (!set.dynamic() && !set.elements().isEmpty()) {
            s.add("\t\telements = {", set.elements().get(0).line());
            writeElements(s, set.elements(), false);
            s.add("\t\t}", set.elements().get(set.elements().size() - 1).line());
        }
        s.add("\t}", set.line());
    }

    static void writeElements(Script s, List<Element> elements, boolean keysOnly) {
        for (int i = 0; i < elements.size(); i++) {
            Element e = elements.get(i);
            s.add("\t\t\t" + (keysOnly ? e.key() : e.text()) + (i + 1 < elements.size() ? "," : ""), e.line());
        }
    }

    static void writeChain(Script s, Chain c) {
        s.add("\tchain " + c.name() + " {", c.line());
        for (Stmt h : c.header()) s.add("\t\t" + h.text() + ";", h.line());
        for (Stmt r : c.rules()) s.add("\t\t" + r.text(), r.line());
        s.add("\t}", c.line());
    }
}
