package dev.netc.applier.nft;

import dev.netc.applier.Change;
import dev.netc.applier.nft.NftRuleset.Chain;
import dev.netc.applier.nft.NftRuleset.Element;
import dev.netc.applier.nft.NftRuleset.NSet;
import dev.netc.applier.nft.NftRuleset.Table;
import dev.netc.applier.nft.NftRuleset.TableId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/** Object-by-object differences between two sets of tables (what a plan or a drift report says). */
public final class NftDiff {
    private NftDiff() {
    }

    /**
     * What a full apply changes when the tables {@code from} (as {@code nft list} printed them) are replaced by
     * {@code to} (the artifact): tables, sets, maps and chains added and removed; the two sides come from
     * different writers, so objects present on both are reported as replaced as a whole, not compared.
     */
    public static List<Change> changes(SortedMap<TableId, Table> from, SortedMap<TableId, Table> to) {
        List<Change> out = new ArrayList<>();
        Set<TableId> ids = new TreeSet<>(from.keySet());
        ids.addAll(to.keySet());
        for (TableId id : ids) {
            Table a = from.get(id);
            Table b = to.get(id);
            if (a == null) {
                out.add(Change.add("table " + id, b.chains().size() + " chains, " + b.sets().size() + " sets and maps"));
                continue;
            }
            if (b == null) {
                out.add(Change.remove("table " + id, a.chains().size() + " chains, " + a.sets().size() + " sets and maps"));
                continue;
            }
            int kept = 0;
            for (String n : union(a.sets().keySet(), b.sets().keySet())) {
                if (!a.sets().containsKey(n)) out.add(Change.add(b.sets().get(n).keyword() + " " + id + " " + n, b.sets().get(n).elements().size() + " elements"));
                else if (!b.sets().containsKey(n)) out.add(Change.remove(a.sets().get(n).keyword() + " " + id + " " + n, ""));
                else kept++;
            }
            for (String n : union(a.chains().keySet(), b.chains().keySet())) {
                if (!a.chains().containsKey(n)) out.add(Change.add("chain " + id + " " + n, b.chains().get(n).rules().size() + " rules"));
                else if (!b.chains().containsKey(n)) out.add(Change.remove("chain " + id + " " + n, ""));
                else kept++;
            }
            if (kept > 0) out.add(Change.change("table " + id, kept + " chains, sets and maps present before are replaced as a whole"));
        }
        return out;
    }

    /**
     * Drift, one line per difference: what the kernel's table ({@code actual}) lacks or has beyond what netc
     * expects ({@code expected}), both as nft lists them: missing or unexpected chains, rules, sets, elements.
     */
    public static List<String> drift(Table expected, Table actual) {
        List<String> out = new ArrayList<>();
        TableId id = expected.id();
        if (!texts(expected.attributes()).equals(texts(actual.attributes()))) {
            out.add("table " + id + ": attributes " + texts(actual.attributes()) + ", expected " + texts(expected.attributes()));
        }
        for (String n : union(expected.sets().keySet(), actual.sets().keySet())) {
            NSet x = expected.sets().get(n);
            NSet y = actual.sets().get(n);
            String what = (x != null ? x : y).keyword() + " " + id + " " + n;
            if (y == null) out.add("missing " + what);
            else if (x == null) out.add("unexpected " + what);
            else if (!x.declarationTexts().equals(y.declarationTexts())) out.add(what + ": declared " + y.declarationTexts() + ", expected " + x.declarationTexts());
            else if (!x.dynamic()) {
                List<String> xe = x.elements().stream().map(Element::text).toList();
                List<String> ye = y.elements().stream().map(Element::text).toList();
                for (String e : minus(xe, ye)) out.add(what + ": missing element " + e);
                for (String e : minus(ye, xe)) out.add(what + ": unexpected element " + e);
            }
        }
        for (String n : union(expected.chains().keySet(), actual.chains().keySet())) {
            Chain x = expected.chains().get(n);
            Chain y = actual.chains().get(n);
            String what = "chain " + id + " " + n;
            if (y == null) out.add("missing " + what);
            else if (x == null) out.add("unexpected " + what);
            else if (!x.headerTexts().equals(y.headerTexts())) out.add(what + ": hook " + y.headerTexts() + ", expected " + x.headerTexts());
            else if (!x.ruleTexts().equals(y.ruleTexts())) {
                List<String> missing = minus(x.ruleTexts(), y.ruleTexts());
                List<String> unexpected = minus(y.ruleTexts(), x.ruleTexts());
                for (String r : missing) out.add(what + ": missing rule: " + r);
                for (String r : unexpected) out.add(what + ": unexpected rule: " + r);
                if (missing.isEmpty() && unexpected.isEmpty()) out.add(what + ": the rules are in another order");
            }
        }
        for (String n : union(expected.others().keySet(), actual.others().keySet())) {
            if (!actual.others().containsKey(n)) out.add("missing " + n + " in " + id);
            else if (!expected.others().containsKey(n)) out.add("unexpected " + n + " in " + id);
            else if (!texts(expected.others().get(n).body()).equals(texts(actual.others().get(n).body()))) out.add(n + " in " + id + ": changed");
        }
        return out;
    }

    /** {@code 4 rules (was 3): + "…" - "…"} with the first differing rules, for a reader to see what moved. */
    static String ruleSummary(List<String> was, List<String> now) {
        List<String> added = minus(now, was);
        List<String> removed = minus(was, now);
        StringBuilder b = new StringBuilder().append(now.size()).append(" rules (was ").append(was.size()).append(")");
        int shown = 0;
        for (String r : removed) {
            if (shown++ == 2) break;
            b.append("; - ").append(r);
        }
        shown = 0;
        for (String r : added) {
            if (shown++ == 2) break;
            b.append("; + ").append(r);
        }
        if (added.isEmpty() && removed.isEmpty()) b.append("; same rules in another order");
        return b.toString();
    }

    /** {@code a} without one occurrence of each line of {@code b} (a multiset difference, order of {@code a} kept). */
    public static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> count = new java.util.HashMap<>();
        for (String x : b) count.merge(x, 1, Integer::sum);
        List<String> out = new ArrayList<>();
        for (String x : a) {
            Integer c = count.get(x);
            if (c != null && c > 0) count.put(x, c - 1);
            else out.add(x);
        }
        return out;
    }

    static List<String> texts(List<NftRuleset.Stmt> stmts) {
        return stmts.stream().map(NftRuleset.Stmt::text).toList();
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The element changes of one set: elements to delete (by key) and to add (whole), by key. */
    public record ElementDelta(List<Element> delete, List<Element> add) {
        public ElementDelta {
            delete = List.copyOf(delete);
            add = List.copyOf(add);
        }

        static ElementDelta of(NSet from, NSet to) {
            Map<String, Element> a = byKey(from.elements());
            Map<String, Element> b = byKey(to.elements());
            List<Element> del = new ArrayList<>();
            List<Element> add = new ArrayList<>();
            for (Element e : a.values()) {
                Element n = b.get(e.key());
                if (n == null || !n.text().equals(e.text())) del.add(e);
            }
            for (Element e : b.values()) {
                Element o = a.get(e.key());
                if (o == null || !o.text().equals(e.text())) add.add(e);
            }
            return new ElementDelta(del, add);
        }

        private static Map<String, Element> byKey(List<Element> els) {
            Map<String, Element> m = new LinkedHashMap<>();
            for (Element e : els) m.put(e.key(), e);
            return m;
        }

        public boolean isEmpty() {
            return delete.isEmpty() && add.isEmpty();
        }

        String summary() {
            Set<String> added = new java.util.HashSet<>();
            for (Element a : add) added.add(a.key());
            long changed = delete.stream().filter(d -> added.contains(d.key())).count();
            return "+" + (add.size() - changed) + " -" + (delete.size() - changed) + (changed > 0 ? " ~" + changed : "") + " elements";
        }
    }
}
