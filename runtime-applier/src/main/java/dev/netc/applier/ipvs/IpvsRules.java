package dev.netc.applier.ipvs;

import dev.netc.applier.RulesSyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * IPVS virtual services and their real servers, read from {@code ipvsadm -R} input (an artifact) or from
 * {@code ipvsadm -Sn} output (the kernel's state): both are the same rule language.
 *
 * @param services virtual service ({@code -t 10.96.0.1:443}) to its options ({@code -s rr -p 600})
 * @param reals    virtual service to real server ({@code 10.244.1.5:8443}) to its options ({@code -m -w 1})
 */
public record IpvsRules(SortedMap<String, String> services, SortedMap<String, SortedMap<String, String>> reals) {
    public IpvsRules {
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        SortedMap<String, SortedMap<String, String>> r = new TreeMap<>();
        reals.forEach((k, v) -> r.put(k, Collections.unmodifiableSortedMap(new TreeMap<>(v))));
        reals = Collections.unmodifiableSortedMap(r);
    }


    public static IpvsRules parse(String text) throws RulesSyntaxException {
        SortedMap<String, String> services = new TreeMap<>();
        SortedMap<String, SortedMap<String, String>> reals = new TreeMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            List<String> t = new ArrayList<>(List.of(l.split("\\s+")));
            if (t.size() < 3) throw new RulesSyntaxException(i + 1, "not an ipvsadm rule: " + l);
            String op = t.get(0);
            String vs = t.get(1) + " " + t.get(2);
            if (!t.get(1).matches("-[tuf]|--(tcp|udp|fwmark)-service")) throw new RulesSyntaxException(i + 1, "expected -t, -u or -f after " + op + ": " + l);
            switch (op) {
                case "-A", "--add-service" -> {
                    if (services.containsKey(vs)) throw new RulesSyntaxException(i + 1, "virtual service " + vs + " added twice");
                    services.put(vs, normaliseService(t.subList(3, t.size())));
                    reals.putIfAbsent(vs, new TreeMap<>());
                }
                case "-a", "--add-server" -> {
                    if (!services.containsKey(vs)) throw new RulesSyntaxException(i + 1, "real server for " + vs + " before its -A");
                    List<String> rest = t.subList(3, t.size());
                    int r = rest.indexOf("-r");
                    if (r < 0 || r + 1 >= rest.size()) throw new RulesSyntaxException(i + 1, "-a without -r: " + l);
                    String real = rest.get(r + 1);
                    List<String> opts = new ArrayList<>(rest);
                    opts.remove(r + 1);
                    opts.remove(r);
                    reals.get(vs).put(real, normaliseReal(opts));
                }
                default -> throw new RulesSyntaxException(i + 1, "netc applies only -A and -a rules; refused: " + l);
            }
        }
        return new IpvsRules(services, reals);
    }

    /** Scheduler defaults to wlc (ipvsadm's default); options are kept in a stable order. */
    static String normaliseService(List<String> opts) {
        List<String> o = new ArrayList<>(opts);
        if (!o.contains("-s")) {
            o.add(0, "wlc");
            o.add(0, "-s");
        }
        return String.join(" ", o);
    }

    /** Forwarding method defaults to -g (gatewaying) and weight to 1, as ipvsadm does. */
    static String normaliseReal(List<String> opts) {
        String method = "-g";
        String weight = "1";
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < opts.size(); i++) {
            String o = opts.get(i);
            if (o.equals("-m") || o.equals("-g") || o.equals("-i")) method = o;
            else if (o.equals("-w") && i + 1 < opts.size()) weight = opts.get(++i);
            else rest.add(o);
        }
        return method + " -w " + weight + (rest.isEmpty() ? "" : " " + String.join(" ", rest));
    }

    /** The address part of a virtual service key ({@code -t [fd00::1]:80} gives {@code fd00::1}). */
    static String address(String vs) {
        String hp = vs.substring(vs.indexOf(' ') + 1);
        if (hp.startsWith("[")) return hp.substring(1, hp.indexOf(']'));
        int c = hp.lastIndexOf(':');
        return c < 0 ? hp : hp.substring(0, c);
    }
}
