package dev.netc.backends.dns;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.ir.Text;
import dev.netc.ir.plan.DnsPlan;
import dev.netc.ir.plan.DnsPlan.Group;
import dev.netc.ir.plan.DnsPlan.Record;
import dev.netc.ir.plan.DnsPlan.Zone;
import dev.netc.ir.plan.NetworkPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The cluster DNS as zone files an authoritative server loads: {@code dns/zones/<zone>.zone}, one RFC 1035 master
 * file per zone of the plan (the forward zone, the reverse zones of the service and cluster CIDRs), and
 * {@code dns/knot.conf}, the {@code zone:} section of a knotd configuration that lists them.
 *
 * <p>The server is knot (knotd 3.2.6 in Debian 12) rather than nsd: {@code knotc} reloads a zone and checks it on a
 * running server through its control socket, and {@code kzonecheck} checks a zone offline, before it is installed.
 *
 * <p>Each file is written for review: {@code $ORIGIN} and {@code $TTL}, then one record per line with its owner
 * absolute and its TTL, the apex first, then the records of each object (a Service, a pod) under a comment naming it
 * (its file and line are plan.txt's: here they would change every zone when a manifest's lines move), sorted by
 * owner, type and data. A changed Service changes its own lines and the SOA line
 * (its serial is a hash of the records). Cluster-wide files: the zones are the same for every node.
 */
public final class DnsBackend implements Backend {
    public static final String DIR = "dns/";
    public static final String KNOT_CONF = DIR + "knot.conf";

    @Override
    public String name() {
        return "dns";
    }

    /** The zone file of zone {@code z}, relative to OUT's {@code dns/} (and to knot's {@code storage}). */
    public static String zoneFile(String z) {
        return "zones/" + z + ".zone";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        DnsPlan dns = plan.dns();
        if (!dns.present()) return List.of();
        List<Artifact> out = new ArrayList<>();
        for (Zone z : dns.zones()) out.add(Artifact.text(DIR + zoneFile(z.name()), "", zoneText(z)));
        out.add(Artifact.text(KNOT_CONF, "", knotConf(dns)));
        return out;
    }

    static String zoneText(Zone z) {
        StringBuilder b = new StringBuilder(64 + 80 * z.recordCount());
        b.append("; ").append(z.name()).append(": ").append(z.reverse() ? "reverse zone of the cluster DNS" : "the cluster DNS zone")
                .append(" (Kubernetes DNS schema ").append(DnsPlan.SCHEMA_VERSION).append("), written by netc: do not edit\n");
        b.append("$ORIGIN ").append(z.name()).append(".\n");
        b.append("$TTL ").append(z.ttl()).append('\n');
        String ttl = Integer.toString(z.ttl());
        boolean first = true;
        for (Group g : z.groups()) {
            b.append('\n');
            // the object, not where it was written: moving manifest lines must not change a zone (ProvenanceTest), and a
            // YAML file and its DSL twin give the same bytes; plan.txt has the positions
            b.append("; ").append(first ? "apex: " : "").append(Text.escape(g.origin().object())).append('\n');
            first = false;
            for (Record r : g.records()) {
                b.append(r.owner()).append(". ").append(ttl).append(" IN ").append(r.data().type()).append(' ').append(r.data().text()).append('\n');
            }
        }
        return b.toString();
    }

    static String knotConf(DnsPlan dns) {
        StringBuilder b = new StringBuilder("""
                # The cluster DNS zones for knotd, written by netc: the zone section only, to include.
                # The deployment's main knot.conf sets the template's storage to the folder holding this release (the zone
                # files are relative to it) and includes this file:
                #   template:
                #     - id: default
                #       storage: /path/to/release/dns
                #   include: /path/to/release/dns/knot.conf
                zone:
                """);
        for (Zone z : dns.zones()) {
            b.append("  - domain: ").append(z.name()).append('\n');
            b.append("    file: ").append(zoneFile(z.name())).append('\n');
        }
        return b.toString();
    }
}
