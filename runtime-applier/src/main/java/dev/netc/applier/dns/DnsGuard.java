package dev.netc.applier.dns;

import dev.netc.applier.ApplyException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the dns bundle may hold, judged on its content before knotc or kzonecheck see it. knotd's config can
 * name any file (an {@code include}, a zone {@code file: /etc/shadow}, a {@code storage}, a module), and a zone
 * file's {@code $INCLUDE} makes the loader read any file and quote its lines in its errors. So: the bundle is
 * {@code knot.conf} and {@code zones/*.zone}; the fragment is exactly the dns backend's shape (a {@code zone:}
 * section of {@code - domain: NAME} / {@code file: zones/NAME.zone} entries, comments, blank lines), each file one
 * of the bundle's, each zone once; zone files hold records, {@code $ORIGIN} and {@code $TTL}, no other directive.
 * Anything else is refused (exit 5) with its line.
 */
public final class DnsGuard {
    static final String FRAGMENT = "knot.conf";
    private static final Pattern DOMAIN_NAME = Pattern.compile("(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.)*"
            + "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.?");
    private static final Pattern ZONE_FILE = Pattern.compile("zones/[A-Za-z0-9_.-]{1,255}\\.zone");
    private static final Pattern DOMAIN = Pattern.compile(" {2}- domain: (\"?)([^\"\\s]+)\\1");
    private static final Pattern FILE = Pattern.compile(" {4}file: (\"?)([^\"\\s]+)\\1");
    private static final Set<String> ZONE_DIRECTIVES = Set.of("$ORIGIN", "$TTL");

    private DnsGuard() {
    }

    /** One zone of the fragment: its name (lower case, no final dot) and its file, relative to the release. */
    public record Zone(String domain, String file) {
    }

    /**
     * Refuses the bundle unless it is the backend's shape; returns the fragment's zones, by name.
     *
     * @param files the bundle's files by {@link dev.netc.applier.Artifact#name() name}, as text
     */
    public static Map<String, Zone> check(String where, Map<String, String> files) throws ApplyException {
        for (String name : files.keySet()) {
            if (!name.equals(FRAGMENT) && !ZONE_FILE.matcher(name).matches()) {
                throw ApplyException.refused(where + name + ": not a file the dns backend writes (knot.conf, zones/NAME.zone); refused");
            }
        }
        String fragment = files.get(FRAGMENT);
        if (fragment == null) throw ApplyException.refused("no " + where + FRAGMENT + " in the bundle");
        Map<String, Zone> zones = fragment(where + FRAGMENT, fragment, files.keySet());
        Set<String> named = new TreeSet<>();
        for (Zone z : zones.values()) named.add(z.file());
        for (var f : files.entrySet()) {
            if (f.getKey().equals(FRAGMENT)) continue;
            if (!named.contains(f.getKey())) throw ApplyException.refused(where + f.getKey() + ": no zone of " + FRAGMENT + " names it; refused");
            zoneFile(where + f.getKey(), f.getValue());
        }
        return zones;
    }

    /** The {@code zone:} section, line by line: anything but its entries is refused. */
    static Map<String, Zone> fragment(String path, String text, Set<String> bundle) throws ApplyException {
        Map<String, Zone> zones = new TreeMap<>();
        Set<String> files = new TreeSet<>();
        boolean section = false;
        String domain = null;
        int domainLine = 0;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]);
            int n = i + 1;
            if (line.isBlank()) continue;
            Matcher d = DOMAIN.matcher(line);
            Matcher f = FILE.matcher(line);
            if (line.equals("zone:")) {
                if (section) throw refused(path, n, "a second 'zone:' section");
                section = true;
            } else if (section && d.matches()) {
                if (domain != null) throw refused(path, domainLine, "zone " + domain + " has no 'file:'");
                String name = d.group(2);
                if (!DOMAIN_NAME.matcher(name).matches() || name.length() > 254) throw refused(path, n, "'" + clip(name) + "' is not a domain name");
                domain = canonical(name);
                domainLine = n;
                if (zones.containsKey(domain)) throw refused(path, n, "zone " + domain + " is named twice");
            } else if (section && f.matches() && domain != null) {
                String file = f.group(2);
                if (!ZONE_FILE.matcher(file).matches()) {
                    throw refused(path, n, "'" + clip(file) + "' is not a zone file of the release (zones/NAME.zone, relative)");
                }
                if (!bundle.contains(file)) throw refused(path, n, file + " is not in the bundle");
                if (!files.add(file)) throw refused(path, n, file + " serves two zones");
                zones.put(domain, new Zone(domain, file));
                domain = null;
            } else {
                throw refused(path, n, "'" + clip(line.strip()) + "' is not what the dns backend writes (a zone: section of domain/file entries)");
            }
        }
        if (domain != null) throw refused(path, domainLine, "zone " + domain + " has no 'file:'");
        if (zones.isEmpty()) throw refused(path, 1, "no zone");
        return zones;
    }

    /**
     * A zone file holds records: a line that starts with {@code $} is a directive, and only {@code $ORIGIN} and
     * {@code $TTL} are let through (a {@code $} can start no owner name the backend writes, so this judges lines
     * inside parentheses too, on the safe side).
     */
    static void zoneFile(String path, String text) throws ApplyException {
        int n = 0;
        int from = 0;
        while (from <= text.length()) {
            int end = text.indexOf('\n', from);
            if (end < 0) end = text.length();
            n++;
            if (from < end && text.charAt(from) == '$') {
                String line = text.substring(from, end);
                String word = line.split("[\\s;]", 2)[0].toUpperCase(Locale.ROOT);
                if (!ZONE_DIRECTIVES.contains(word)) {
                    throw refused(path, n, "'" + clip(line.strip()) + "': a zone file of the dns backend holds records, $ORIGIN and $TTL only");
                }
            }
            from = end + 1;
        }
    }

    /** A domain as knot names it in zone-status, lower case without the final dot. */
    static String canonical(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash < 0 ? line : line.substring(0, hash)).stripTrailing();
    }

    private static ApplyException refused(String path, int line, String why) {
        return ApplyException.refused(path + ":" + line + ": " + why + "; refused before knotc and kzonecheck read it");
    }

    static String clip(String s) {
        return s.length() <= 400 ? s : s.substring(0, 380) + "… (" + s.length() + " characters)";
    }
}
