package dev.netc.applier.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.dns.DnsPlan.ZoneFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dns applier's decisions without knotd: install or not, the zone changes, the reload's confirmation, the parsers. */
class DnsPlanTest {
    static final ZoneFacts A1 = new ZoneFacts("zones/a.zone", "s1", 1);
    static final ZoneFacts A2 = new ZoneFacts("zones/a.zone", "s2", 2);
    static final ZoneFacts R = new ZoneFacts("zones/r.zone", "r", 7);

    @Test
    void theSameIntactReleaseInstallsNothing() {
        DnsPlan p = DnsPlan.plan("d1", Optional.of("d1"), true, false, Map.of("a", A1), Map.of("a", A1));
        assertFalse(p.install());
        assertEquals(List.of(), p.changes());
        assertTrue(DnsPlan.plan("d1", Optional.of("d1"), false, false, Map.of("a", A1), Map.of("a", A1)).install(), "a damaged release");
        assertTrue(DnsPlan.plan("d1", Optional.of("d1"), true, true, Map.of("a", A1), Map.of("a", A1)).install(), "--full");
        assertTrue(DnsPlan.plan("d1", Optional.empty(), true, false, Map.of(), Map.of("a", A1)).install(), "no current release");
    }

    @Test
    void changesAreSaidZoneByZone() {
        DnsPlan p = DnsPlan.plan("d2", Optional.of("d1"), false, false, Map.of("a", A1, "r", R), Map.of("a", A2, "b", A1));
        assertTrue(p.install());
        assertEquals(List.of("+ zone b: serial 1", "~ zone a: serial 1 -> 2", "- zone r: serial 7").stream().sorted().toList(),
                p.changes().stream().map(Object::toString).sorted().toList());
    }

    @Test
    void theReloadTookWhenKnotdServesExactlyTheTargetsSerials() {
        Map<String, ZoneFacts> target = Map.of("a", A2, "r", R);
        assertEquals(List.of(), DnsPlan.unconfirmed(target, Map.of("a", "2", "r", "7")));
        assertEquals(List.of("zone a: serves serial 1, not 2"), DnsPlan.unconfirmed(target, Map.of("a", "1", "r", "7")));
        assertEquals(List.of("zone r: not served"), DnsPlan.unconfirmed(target, Map.of("a", "2")));
        assertEquals(List.of("zone old: still served"), DnsPlan.unconfirmed(target, Map.of("a", "2", "r", "7", "old", "3")));
    }

    @Test
    void zoneStatusAsKnotcPrintsIt() {
        String out = "[96.10.in-addr.arpa.] role: master | serial: 7\n[Cluster.Local.] role: master | serial: 2 | transaction: none\n"
                + "[new.zone.] role: master | serial: none\n";
        assertEquals(Map.of("96.10.in-addr.arpa", "7", "cluster.local", "2", "new.zone", "none"), DnsPlan.zoneStatus(out));
    }

    @Test
    void soaSerialOnOneLineOrAcrossParentheses() {
        assertEquals(Optional.of(42L), DnsPlan.soaSerial("$ORIGIN x.\n@ 5 IN SOA ns. host. 42 7200 1800 86400 5\n"));
        assertEquals(Optional.of(2024010101L), DnsPlan.soaSerial("@ IN SOA ns.x. host.x. ( ; primary, mail\n"
                + "  2024010101 ; serial\n 7200 1800 86400 5 )\n"));
        assertEquals(Optional.of(3L), DnsPlan.soaSerial("; SOA 9 9 9 in a comment\nsoa.x. 5 IN soa ns. host. 3 1 1 1 1\n"));
        assertEquals(Optional.empty(), DnsPlan.soaSerial("@ 5 IN A 10.0.0.1\n"));
    }
}
