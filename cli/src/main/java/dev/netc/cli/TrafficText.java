package dev.netc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.backends.diff.TrafficRow;
import dev.netc.ir.Origin;
import dev.netc.ir.Text;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** The rows of {@code netc diff} as text (terminal and Markdown) and as JSON: one place for how a row reads. */
final class TrafficText {
    /** Names listed in text before the rest are counted ({@code …and 12 more}); JSON lists them all. */
    static final int SHOWN = 8;

    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String RESET = "\u001b[0m";

    private TrafficText() {
    }

    /** {@code [node n1] policy TCP/80: x/b -> x/a: allowed -> denied}, then the origins of each side. */
    static void print(PrintWriter out, TrafficRow r, boolean colour) {
        String change = fate(r.before()) + " -> " + fate(r.after());
        if (colour) change = (r.after().reaches() ? GREEN : r.before().reaches() ? RED : "") + change + RESET;
        out.println(r.kind() + r.node().map(n -> " on node " + Text.escape(n)).orElse("") + " " + traffic(r) + ": " + peer(r.from()) + " -> "
                + peer(r.to()) + ": " + change);
        out.println("  origins: " + origins(r.originsBefore()) + " -> " + origins(r.originsAfter()));
    }

    /** {@code TCP/80,443}, {@code UDP} (every port), {@code any} (every protocol and port), then the family when only one. */
    static String traffic(TrafficRow r) {
        String family = r.to().address().isPresent() ? "" : r.family().map(f -> " " + f.apiName()).orElse(""); // an address says its family
        if (r.protocol().isEmpty()) return "any" + family;
        return r.protocol().get().name() + (r.ports().isEmpty() ? "" : "/" + String.join(",", r.ports().stream().map(TrafficRow.Ports::toString).toList()))
                + family;
    }

    static String fate(TrafficRow.Fate f) {
        return f.toString();
    }

    /** Pods, nodes and addresses of a peer, each list cut after {@link #SHOWN} names. */
    static String peer(TrafficRow.Peer p) {
        List<String> parts = new ArrayList<>();
        if (p.service().isPresent()) parts.add("Service " + Text.escape(p.service().get()) + " at " + p.address().orElse(""));
        if (!p.pods().isEmpty()) parts.add((p.pods().size() == 1 ? "pod " : "pods ") + names(p.pods()));
        if (!p.nodes().isEmpty()) parts.add((p.nodes().size() == 1 ? "node " : "nodes ") + names(p.nodes()));
        if (!p.cidrs().isEmpty()) parts.add("addresses " + names(p.cidrs()));
        return parts.isEmpty() ? "nothing" : String.join(" + ", parts);
    }

    private static String names(List<String> names) {
        List<String> shown = names.stream().limit(SHOWN).map(Text::escape).toList();
        String s = String.join(", ", shown);
        return names.size() > SHOWN ? s + ", …and " + (names.size() - SHOWN) + " more" : s;
    }

    static String origins(List<Origin> origins) {
        if (origins.isEmpty()) return "-";
        TreeSet<String> s = new TreeSet<>();
        for (Origin o : origins) s.add(o.toString());
        return String.join(", ", s);
    }

    /** The row in the JSON shape README documents. */
    static void json(ArrayNode into, TrafficRow r) {
        ObjectNode o = into.addObject();
        if (r.node().isPresent()) o.put("node", r.node().get());
        else o.putNull("node");
        o.put("kind", r.kind());
        peer(o.putObject("from"), r.from());
        peer(o.putObject("to"), r.to());
        if (r.family().isPresent()) o.put("family", r.family().get().apiName());
        else o.putNull("family");
        if (r.protocol().isPresent()) o.put("protocol", r.protocol().get().name());
        else o.putNull("protocol");
        if (r.ports().isEmpty()) {
            o.putNull("ports");
        } else {
            ArrayNode ports = o.putArray("ports");
            for (TrafficRow.Ports p : r.ports()) ports.addArray().add(p.first()).add(p.last());
        }
        fate(o, "before", r.before());
        fate(o, "after", r.after());
        TreeSet<String> where = new TreeSet<>();
        r.originsBefore().forEach(x -> where.add(x.where()));
        r.originsAfter().forEach(x -> where.add(x.where()));
        where.remove("allocated");
        ArrayNode origins = o.putArray("origins");
        where.forEach(origins::add);
        ObjectNode rules = o.putObject("rules");
        ArrayNode rb = rules.putArray("before");
        new TreeSet<>(r.originsBefore().stream().map(Origin::toString).toList()).forEach(rb::add);
        ArrayNode ra = rules.putArray("after");
        new TreeSet<>(r.originsAfter().stream().map(Origin::toString).toList()).forEach(ra::add);
    }

    private static void peer(ObjectNode o, TrafficRow.Peer p) {
        ArrayNode pods = o.putArray("pods");
        p.pods().forEach(pods::add);
        ArrayNode nodes = o.putArray("nodes");
        p.nodes().forEach(nodes::add);
        ArrayNode cidrs = o.putArray("cidrs");
        p.cidrs().forEach(cidrs::add);
        if (p.service().isPresent()) o.put("service", p.service().get());
        else o.putNull("service");
        if (p.address().isPresent()) o.put("address", p.address().get());
        else o.putNull("address");
    }

    /** {@code "allowed"} and the other verdicts as a string; a delivery as the list of its endpoints. */
    private static void fate(ObjectNode o, String field, TrafficRow.Fate f) {
        if (f.endpoints().isEmpty()) {
            o.put(field, f.verdict());
            return;
        }
        ArrayNode eps = o.putArray(field);
        for (TrafficRow.Delivery d : f.endpoints()) {
            ObjectNode e = eps.addObject();
            e.put("endpoint", d.endpoint());
            if (d.pod().isEmpty()) e.putNull("pod");
            else e.put("pod", d.pod());
            e.put("masqueraded", d.masqueraded());
        }
    }
}
