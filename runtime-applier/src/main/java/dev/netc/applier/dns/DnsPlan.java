package dev.netc.applier.dns;

import dev.netc.applier.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dns applier's decisions, pure: whether to install (a new digest, a damaged release, or {@code --full}),
 * what changes zone by zone, and whether what knotd serves is the target (every zone at its file's SOA serial,
 * no zone beyond them).
 *
 * @param install false when {@code current} already points at an intact release of the target digest
 * @param changes zones added, removed and changed (a different file), by name
 */
public record DnsPlan(boolean install, List<Change> changes) {
    private static final Pattern STATUS = Pattern.compile("^\\[([^\\]]+)\\]\\s.*?\\bserial: (\\S+)", Pattern.MULTILINE);

    public DnsPlan {
        changes = List.copyOf(changes);
    }

    /** One zone as installed or to be installed: its file's sha256 and its SOA serial. */
    public record ZoneFacts(String file, String sha256, long serial) {
    }

    /**
     * @param current   the digest {@code PREFIX/current} points at, if any
     * @param intact    whether that release's files are the target's, byte for byte
     * @param before    the zones of the current release (empty when there is none)
     */
    public static DnsPlan plan(String target, Optional<String> current, boolean intact, boolean full,
                               Map<String, ZoneFacts> before, Map<String, ZoneFacts> after) {
        List<Change> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String z : names) {
            ZoneFacts b = before.get(z);
            ZoneFacts a = after.get(z);
            if (b == null) changes.add(Change.add("zone " + z, "serial " + a.serial()));
            else if (a == null) changes.add(Change.remove("zone " + z, "serial " + b.serial()));
            else if (!a.sha256().equals(b.sha256())) changes.add(Change.change("zone " + z, "serial " + b.serial() + " -> " + a.serial()));
        }
        boolean same = current.map(target::equals).orElse(false) && intact;
        return new DnsPlan(full || !same, changes);
    }

    /**
     * What keeps knotd's answer ({@code knotc zone-status}) from being the target: a zone missing or at another
     * serial, or a zone served that the target does not have. Empty when the reload took.
     */
    public static List<String> unconfirmed(Map<String, ZoneFacts> target, Map<String, String> served) {
        List<String> out = new ArrayList<>();
        for (var z : target.entrySet()) {
            String s = served.get(z.getKey());
            if (s == null) out.add("zone " + z.getKey() + ": not served");
            else if (!s.equals(Long.toString(z.getValue().serial()))) out.add("zone " + z.getKey() + ": serves serial " + s + ", not " + z.getValue().serial());
        }
        for (String z : served.keySet()) if (!target.containsKey(z)) out.add("zone " + z + ": still served");
        return out;
    }

    /** {@code knotc zone-status}'s lines ({@code [cluster.local.] role: master | serial: 7 | …}) as zone to serial. */
    public static Map<String, String> zoneStatus(String text) {
        Map<String, String> out = new TreeMap<>();
        Matcher m = STATUS.matcher(text);
        while (m.find()) out.put(DnsGuard.canonical(m.group(1)), m.group(2));
        return out;
    }

    /**
     * The serial of the zone's SOA record: the third field after the first word {@code SOA} outside comments (the
     * backend writes the SOA first), parentheses left out. Empty when there is none (kzonecheck refuses such a zone).
     */
    public static Optional<Long> soaSerial(String zone) {
        int at = 0;
        while (at < zone.length()) {
            int end = zone.indexOf('\n', at);
            if (end < 0) end = zone.length();
            String line = noComment(zone.substring(at, end));
            int soa = indexOfWord(line, "SOA");
            if (soa >= 0) {
                // The record may go on over lines in parentheses: gather words until the serial.
                List<String> words = new ArrayList<>();
                String rest = line.substring(soa + 3);
                int next = end + 1;
                while (true) {
                    for (String w : rest.replace("(", " ").replace(")", " ").trim().split("\\s+")) if (!w.isEmpty()) words.add(w);
                    if (words.size() >= 3 || next >= zone.length()) break;
                    int e = zone.indexOf('\n', next);
                    if (e < 0) e = zone.length();
                    rest = noComment(zone.substring(next, e));
                    next = e + 1;
                }
                if (words.size() < 3) return Optional.empty();
                try {
                    return Optional.of(Long.parseLong(words.get(2)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
            at = end + 1;
        }
        return Optional.empty();
    }

    private static String noComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == '"') quoted = !quoted;
            else if (c == ';' && !quoted) return line.substring(0, i);
        }
        return line;
    }

    /** Where {@code word} stands as a whole word (case-insensitive), or -1. */
    private static int indexOfWord(String line, String word) {
        String[] parts = line.split("(?<=\\s)|(?=\\s)");
        int pos = 0;
        for (String p : parts) {
            if (p.equalsIgnoreCase(word)) return pos;
            pos += p.length();
        }
        return -1;
    }
}
