package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netc apply --backend podnet} on a network namespace of its own: rtnetlink from Java, the kernel's view through {@code ip}. */
class PodnetApplyTest {
    @BeforeAll
    static void lab() {
        PodnetLab.require();
    }

    @Test
    void hostGwInstallsThreeRoutes() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            Path out = lab.out(PodnetPlannerTest.HOST_GW);
            PodnetLab.Run r = lab.apply(out);
            assertEquals(0, r.exit(), r.all());
            int t = lab.activeTable();
            assertTrue(t > 0, lab.in("ip", "rule"));
            assertEquals(List.of("10.244.2.0/24 via 192.168.77.12 dev eth0", "10.244.3.0/24 via 192.168.77.13 dev eth0",
                    "fd00:10:244:2::/64 via fd00::12 dev eth0 metric 1024 pref medium"), lab.table(t), r.all());
        }
    }

    /** What {@code ip monitor route rule neigh link} prints in the namespace while {@code during} runs (plus a moment after). */
    static String monitor(PodnetLab lab, Runnable during) throws Exception {
        Path log = lab.dir.resolve("monitor.log");
        Process p = new ProcessBuilder("ip", "-n", lab.ns, "monitor", "route", "rule", "neigh", "link").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Thread.sleep(400);
            during.run();
            Thread.sleep(600);
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        return java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
    }

    @Test
    void aReapplyOfTheSamePlanSendsNothingAndMonitorSeesNoEvent() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            for (String plan : List.of(PodnetPlannerTest.HOST_GW, PodnetPlannerTest.VXLAN)) {
                Path out = lab.out(plan);
                assertEquals(0, lab.apply(out).exit());
                // The monitor must see a change when there is one: a route deleted by hand shows.
                PodnetLab.Run[] again = new PodnetLab.Run[1];
                String events = monitor(lab, () -> again[0] = lab.apply(out));
                assertEquals(0, again[0].exit(), again[0].all());
                assertTrue(again[0].out().contains("0 netlink requests"), again[0].out());
                assertEquals("", events, "a re-apply changes nothing the kernel reports");
                String seen = monitor(lab, () -> lab.in("ip", "route", "del", "10.244.2.0/24", "table", String.valueOf(lab.activeTable())));
                assertTrue(seen.contains("10.244.2.0/24"), "the monitor works: " + seen);
                assertEquals(0, lab.apply(out).exit());
            }
        }
    }

    @Test
    void foreignRoutesRulesAndFdbEntriesAreLeftAlone() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            lab.in("ip", "route", "add", "10.99.0.0/16", "via", "192.168.77.1", "proto", "static");
            lab.in("ip", "route", "add", "10.244.2.0/24", "via", "192.168.77.1", "proto", "static");
            lab.in("ip", "link", "add", "fx0", "type", "vxlan", "id", "9", "dstport", "4789", "local", "192.168.77.11", "nolearning");
            lab.in("bridge", "fdb", "append", "0e:99:99:99:99:99", "dst", "192.168.77.99", "dev", "fx0", "self", "permanent");
            lab.in("ip", "rule", "add", "pref", "500", "lookup", "main");
            String before = foreign(lab);
            for (String plan : List.of(PodnetPlannerTest.VXLAN, PodnetPlannerTest.HOST_GW)) {
                PodnetLab.Run r = lab.apply(lab.out(plan));
                assertEquals(0, r.exit(), r.all());
                assertEquals(before, foreign(lab), "after " + plan.lines().findFirst().orElseThrow());
            }
            // back to the VXLAN plan, then the removal of every node
            PodnetLab.Run back = lab.rollback();
            assertEquals(0, back.exit(), back.all());
            assertTrue(lab.in("ip", "-d", "link", "show", "netc.1").contains("vxlan id 1"), "the rollback brought back the VXLAN plan");
            assertEquals(before, foreign(lab), "after the rollback");
            PodnetLab.Run none = lab.apply(lab.out("mode host-gw\n"));
            assertEquals(0, none.exit(), none.all());
            assertEquals(before, foreign(lab), "after every node's removal");
            assertEquals(List.of(), lab.table(PodnetPlanner.TABLE_A));
            assertEquals(List.of(), lab.table(PodnetPlanner.TABLE_B));
            assertEquals(-1, lab.activeTable(), "an empty plan leaves no netc rule");
        }
    }

    private static String foreign(PodnetLab lab) {
        return lab.in("ip", "route", "show", "table", "main") + lab.in("bridge", "fdb", "show", "dev", "fx0")
                + lab.in("ip", "rule", "show").lines().filter(l -> !l.contains("lookup 201")).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void checkNamesTheDriftAndTheNextApplyRepairsIt() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            Path out = lab.out(PodnetPlannerTest.HOST_GW);
            assertEquals(0, lab.apply(out).exit());
            assertEquals(0, lab.apply(out, Request.Mode.CHECK).exit());
            lab.in("ip", "route", "del", "10.244.3.0/24", "table", String.valueOf(lab.activeTable()));
            PodnetLab.Run check = lab.apply(out, Request.Mode.CHECK);
            assertEquals(3, check.exit(), check.all());
            assertTrue(check.out().contains("podnet: route 10.244.3.0/24 via 192.168.77.13 (node n3) missing"), check.out());
            PodnetLab.Run dry = lab.apply(out, Request.Mode.DRY_RUN);
            assertEquals(0, dry.exit(), dry.all());
            assertTrue(dry.out().contains("+ route 10.244.3.0/24 via 192.168.77.13 (node n3)"), dry.out());
            assertEquals(3, lab.apply(out, Request.Mode.CHECK).exit(), "a dry run changes nothing");
            PodnetLab.Run fix = lab.apply(out);
            assertEquals(0, fix.exit(), fix.all());
            assertEquals(0, lab.apply(out, Request.Mode.CHECK).exit());
            assertTrue(lab.in("ip", "route", "get", "10.244.3.7").contains("via 192.168.77.13"));
        }
    }

    @Test
    void vxlanMakesFlannelsDeviceAndTriplesAndHostGwAfterItRemovesThem() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            PodnetLab.Run r = lab.apply(lab.out(PodnetPlannerTest.VXLAN));
            assertEquals(0, r.exit(), r.all());
            com.fasterxml.jackson.databind.JsonNode link = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(lab.in("ip", "-d", "-j", "link", "show", "netc.1")).get(0);
            com.fasterxml.jackson.databind.JsonNode data = link.path("linkinfo").path("info_data");
            assertEquals("vxlan", link.path("linkinfo").path("info_kind").asText());
            assertEquals(1, data.path("id").asInt());
            assertEquals(8472, data.path("port").asInt());
            assertEquals("192.168.77.11", data.path("local").asText());
            assertEquals("eth0", data.path("link").asText());
            assertEquals(false, data.path("learning").asBoolean(true), "nolearning");
            assertEquals(1450, link.path("mtu").asInt());
            assertEquals("0e:3a:11:22:33:44", link.path("address").asText());
            assertTrue(link.path("flags").toString().contains("\"UP\""), link.toString());
            assertTrue(lab.in("ip", "addr", "show", "dev", "netc.1").contains("inet 10.244.1.0/32"));
            assertEquals(List.of("10.244.2.0/24 via 10.244.2.0 dev netc.1 onlink", "10.244.3.0/24 via 10.244.3.0 dev netc.1 onlink"),
                    lab.table(lab.activeTable()));
            String neigh = lab.in("ip", "neigh", "show", "dev", "netc.1");
            assertTrue(neigh.contains("10.244.2.0 lladdr 0e:aa:bb:cc:dd:02 PERMANENT"), neigh);
            assertTrue(neigh.contains("10.244.3.0 lladdr 0e:aa:bb:cc:dd:03 PERMANENT"), neigh);
            String fdb = lab.in("bridge", "fdb", "show", "dev", "netc.1");
            assertTrue(fdb.contains("0e:aa:bb:cc:dd:02 dst 192.168.77.12 self permanent"), fdb);
            assertTrue(fdb.contains("0e:aa:bb:cc:dd:03 dst 192.168.77.13 self permanent"), fdb);

            // n3 leaves the plan: its route, neighbour and FDB entry go, n2's stay.
            String without = PodnetPlannerTest.VXLAN.lines().filter(l -> !l.contains("n3")).reduce("", (a, b) -> a + b + "\n");
            assertEquals(0, lab.apply(lab.out(without)).exit());
            assertEquals(List.of("10.244.2.0/24 via 10.244.2.0 dev netc.1 onlink"), lab.table(lab.activeTable()));
            assertTrue(!lab.in("ip", "neigh", "show", "dev", "netc.1").contains("10.244.3.0"));
            fdb = lab.in("bridge", "fdb", "show", "dev", "netc.1");
            assertTrue(!fdb.contains("0e:aa:bb:cc:dd:03") && fdb.contains("0e:aa:bb:cc:dd:02 dst 192.168.77.12"), fdb);

            PodnetLab.Run back = lab.apply(lab.out(PodnetPlannerTest.HOST_GW));
            assertEquals(0, back.exit(), back.all());
            assertTrue(PodnetLab.run("ip", "-n", lab.ns, "link", "show", "netc.1").exit() != 0, "host-gw removes netc's device");
            assertEquals(3, lab.table(lab.activeTable()).size());
        }
    }

    @Test
    void aMalformedPlanIsRejectedAtItsLineAndColumn() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            PodnetLab.Run r = lab.apply(lab.out("mode host-gw\nroute 10.244.2.0/24 via 192.168.77.300\n"));
            assertEquals(1, r.exit(), r.all());
            assertTrue(r.err().contains("nodes/n1/podnet/routes:2:25: error[podnet-plan]: expected a gateway address, got '192.168.77.300'"),
                    r.err());
        }
    }
}
