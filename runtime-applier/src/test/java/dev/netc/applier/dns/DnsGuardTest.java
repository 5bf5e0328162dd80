package dev.netc.applier.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.ApplyException;
import dev.netc.applier.ExitCode;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The dns bundle's allow-list: the backend's fragment and record-only zone files pass, anything naming another file is refused. */
class DnsGuardTest {
    static final String FRAGMENT = """
            # netc: zones of cluster.local
            zone:
              - domain: cluster.local
                file: zones/cluster.local.zone
              - domain: 10.in-addr.arpa
                file: "zones/10.in-addr.arpa.zone"
            """;
    static final String ZONE = """
            $ORIGIN cluster.local.
            $TTL 5
            @ 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 42 7200 1800 86400 5
            @ 5 IN NS ns.dns.cluster.local.
            ns.dns 5 IN A 10.96.0.10
            """;

    static Map<String, String> bundle(String fragment) {
        Map<String, String> m = new TreeMap<>();
        m.put("knot.conf", fragment);
        m.put("zones/cluster.local.zone", ZONE);
        m.put("zones/10.in-addr.arpa.zone", "$ORIGIN 10.in-addr.arpa.\n@ 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5\n");
        return m;
    }

    @Test
    void theBackendsShapePasses() throws ApplyException {
        Map<String, DnsGuard.Zone> zones = DnsGuard.check("dns/", bundle(FRAGMENT));
        assertEquals(Map.of("cluster.local", new DnsGuard.Zone("cluster.local", "zones/cluster.local.zone"),
                "10.in-addr.arpa", new DnsGuard.Zone("10.in-addr.arpa", "zones/10.in-addr.arpa.zone")), zones);
    }

    @Test
    void fragmentsThatNameOtherFilesOrSayMoreAreRefused() {
        String[] bad = {
                FRAGMENT.replace("file: zones/cluster.local.zone", "file: /etc/shadow"),
                FRAGMENT.replace("file: zones/cluster.local.zone", "file: zones/../../x.zone"),
                FRAGMENT + "include: /etc/knot/other.conf\n",
                FRAGMENT.replace("zone:\n", "server:\n    listen: 0.0.0.0@53\nzone:\n"),
                FRAGMENT + "    storage: /var/lib\n",
                FRAGMENT + "    module: mod-dnsproxy/default\n",
                FRAGMENT.replace("file: \"zones/10.in-addr.arpa.zone\"", "file: zones/cluster.local.zone"),
                FRAGMENT + "  - domain: cluster.local\n    file: zones/cluster.local.zone\n",
                FRAGMENT.replace("    file: zones/cluster.local.zone\n", ""),
                FRAGMENT.replace("cluster.local\n", "clu ster.local\n"),
                "",
        };
        for (String f : bad) {
            ApplyException e = assertThrows(ApplyException.class, () -> DnsGuard.check("dns/", bundle(f)), f);
            assertEquals(ExitCode.REFUSED, e.exitCode(), e.getMessage());
            assertTrue(e.getMessage().startsWith("dns/"), e.getMessage());
        }
    }

    @Test
    void zoneFilesHoldRecordsOnly() {
        for (String directive : new String[] {"$INCLUDE /etc/passwd", "$include /etc/passwd", "$GENERATE 1-9 h$ A 10.0.0.$"}) {
            Map<String, String> b = bundle(FRAGMENT);
            b.put("zones/cluster.local.zone", ZONE + directive + "\n");
            ApplyException e = assertThrows(ApplyException.class, () -> DnsGuard.check("dns/", b));
            assertEquals(ExitCode.REFUSED, e.exitCode());
            assertTrue(e.getMessage().startsWith("dns/zones/cluster.local.zone:6: "), e.getMessage());
        }
    }

    @Test
    void onlyTheFragmentAndNamedZonesAreInstalled() {
        Map<String, String> extra = bundle(FRAGMENT);
        extra.put("zones/stray.zone", ZONE);
        assertEquals(ExitCode.REFUSED, assertThrows(ApplyException.class, () -> DnsGuard.check("dns/", extra)).exitCode());
        Map<String, String> other = bundle(FRAGMENT);
        other.put("run.sh", "#!/bin/sh\n");
        assertEquals(ExitCode.REFUSED, assertThrows(ApplyException.class, () -> DnsGuard.check("dns/", other)).exitCode());
        Map<String, String> missing = bundle(FRAGMENT);
        missing.remove("zones/10.in-addr.arpa.zone");
        assertEquals(ExitCode.REFUSED, assertThrows(ApplyException.class, () -> DnsGuard.check("dns/", missing)).exitCode());
    }
}
