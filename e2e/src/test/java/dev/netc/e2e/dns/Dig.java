package dev.netc.e2e.dns;

import dev.netc.e2e.lab.Sh;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One kdig query run in a network namespace, read back: the rcode and each section's records, normalised for
 * comparing as sets (owner and names in the data lower case: knot answers with the zone's case; TXT data kept).
 */
record Dig(String rcode, Set<String> answer, Set<String> authority, Set<String> additional, String text) {
    /** {@code kdig @server [-p port] name type} in {@code ns} (UDP; {@code +tcp} and the like go in {@code options}). */
    static Dig query(String ns, String server, int port, String name, String type, String... options) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "kdig", "@" + server, "-p", String.valueOf(port),
                "+retry=0", "+time=2", name, type));
        cmd.addAll(List.of(options));
        Sh.Result r = Sh.run(null, cmd);
        return parse(r.output());
    }

    static Dig parse(String out) {
        String rcode = "";
        Set<String> answer = new TreeSet<>();
        Set<String> authority = new TreeSet<>();
        Set<String> additional = new TreeSet<>();
        Set<String> into = null;
        for (String line : out.split("\n")) {
            if (line.startsWith(";; ->>HEADER<<-")) {
                rcode = line.replaceAll(".*status: ([A-Z]+).*", "$1");
            } else if (line.startsWith(";; ANSWER SECTION:")) {
                into = answer;
            } else if (line.startsWith(";; AUTHORITY SECTION:")) {
                into = authority;
            } else if (line.startsWith(";; ADDITIONAL SECTION:")) {
                into = additional;
            } else if (line.isBlank() || line.startsWith(";")) {
                into = line.isBlank() ? null : into;
            } else if (into != null) {
                into.add(record(line));
            } else if (rcode.isEmpty()) {
                // AXFR output has no header: every record line is the answer.
                answer.add(record(line));
            }
        }
        return new Dig(rcode, answer, authority, additional, out);
    }

    /** {@code owner ttl class type data} with single spaces; names lower case, TXT data as written. */
    static String record(String line) {
        String[] f = line.trim().split("\\s+", 5);
        if (f.length < 5) return line.trim();
        String data = f[3].equals("TXT") ? f[4] : f[4].toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        return f[0].toLowerCase(Locale.ROOT) + " " + f[1] + " " + f[2] + " " + f[3] + " " + data;
    }

    /** The answer's records of one type, data only. */
    Set<String> data(String type) {
        Set<String> out = new TreeSet<>();
        for (String r : answer) {
            String[] f = r.split(" ", 5);
            if (f.length == 5 && f[3].equals(type)) out.add(f[4]);
        }
        return out;
    }
}
