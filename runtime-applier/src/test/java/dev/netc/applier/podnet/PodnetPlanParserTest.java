package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The plan file: one typed record per line kind, and every mistake at its line and column. */
class PodnetPlanParserTest {
    @Test
    void readsBothModes() throws Exception {
        PodnetPlan h = PodnetPlanParser.parse("r", PodnetPlannerTest.HOST_GW);
        assertEquals(PlanLine.Mode.HOST_GW, h.mode());
        assertEquals(List.of("route 10.244.2.0/24 via 192.168.77.12 (node n2)", "route 10.244.3.0/24 via 192.168.77.13 (node n3)",
                "route fd00:10:244:2::/64 via fd00::12 (node n2)"), h.routes().stream().map(PlanLine.Route::describe).toList());
        PodnetPlan v = PodnetPlanParser.parse("r", PodnetPlannerTest.VXLAN + "  # trailing comment\n\n");
        PlanLine.Device d = v.device().orElseThrow();
        assertEquals(List.of("netc.1", 1, 8472, "192.168.77.11", 1450, "0e:3a:11:22:33:44"),
                List.of(d.name(), d.vni(), d.port(), d.local().text(), d.mtu(), d.mac().text()));
        assertEquals(2, v.neighs().size());
        assertEquals(Optional.of("n3"), v.fdbs().get(1).node());
    }

    @Test
    void aNodeSkipsItsOwnEntriesOfTheSharedPart() throws Exception {
        PodnetPlan p = PodnetPlanParser.parse("r", """
                mode vxlan
                self n1
                device netc.1 vni 1 port 8472 local 192.168.77.11 mtu 1450 mac 0e:3a:11:22:33:44
                address 10.244.1.0/32
                route 10.244.1.0/24 via 10.244.1.0 onlink node n1
                neigh 10.244.1.0 lladdr 0e:3a:11:22:33:44 node n1
                fdb 0e:3a:11:22:33:44 dst 192.168.77.11 node n1
                route 10.244.2.0/24 via 10.244.2.0 onlink node n2
                neigh 10.244.2.0 lladdr 0e:aa:bb:cc:dd:ee node n2
                fdb 0e:aa:bb:cc:dd:ee dst 192.168.77.12 node n2
                """);
        assertEquals(List.of(Optional.of("n2")), p.routes().stream().map(PlanLine.Route::node).toList());
        assertEquals(List.of(Optional.of("n2")), p.neighs().stream().map(PlanLine.Neigh::node).toList());
        assertEquals(List.of(Optional.of("n2")), p.fdbs().stream().map(PlanLine.Fdb::node).toList());
        PlanSyntaxException e = assertThrows(PlanSyntaxException.class, () -> PodnetPlanParser.parse("r", "mode host-gw\nself n1\nself n2\n"));
        assertEquals("r:3:1: error[podnet-plan]: a second self line (the first is on line 2)", e.getMessage());
    }

    @Test
    void mistakesArePositioned() {
        List<List<String>> cases = List.of(
                List.of("mode host-gw\nroute 10.244.2.1/24 via 192.168.77.12\n", "r:2:7: error[podnet-plan]: expected a destination CIDR (no host bits set), got '10.244.2.1/24'"),
                List.of("mode host-gw\nroute 10.244.2.0/24 by 192.168.77.12\n", "r:2:21: error[podnet-plan]: expected 'via', got 'by'"),
                List.of("mode host-gw\nroute 10.244.2.0/24 via fd00::1\n", "r:2:25: error[podnet-plan]: gateway fd00::1 is not of the family of 10.244.2.0/24"),
                List.of("mode vxlan\ndevice eth0 vni 1 port 8472 local 192.168.77.11 mtu 1450 mac 0e:3a:11:22:33:44\n",
                        "r:2:8: error[podnet-plan]: device name 'eth0' is not netc's (netc.*, at most 15 letters, digits, '.', '_' or '-')"),
                List.of("mode vxlan\ndevice netc.1 vni 1 port 8472 local 192.168.77.11 mtu 1450\n", "r:2:59: error[podnet-plan]: the device needs 'mac'"),
                List.of("mode host-gw\nfdb 0e:aa:bb:cc:dd:ee dst 192.168.77.12\n", "r:2:1: error[podnet-plan]: mode host-gw has no device: only routes via a node address"),
                List.of("route 10.244.2.0/24 via 192.168.77.12\n", "r:1:1: error[podnet-plan]: no 'mode' line (mode host-gw or mode vxlan)"),
                List.of("mode host-gw\nroute 10.244.2.0/24 via 192.168.77.12\nroute 10.244.2.0/24 via 192.168.77.13\n", "r:3:1: error[podnet-plan]: the same entry as line 2"),
                List.of("mode host-gw\nfrob x\n", "r:2:1: error[podnet-plan]: unknown entry 'frob' (mode, self, device, address, route, neigh or fdb)"),
                List.of("mode host-gw\nroute 10.244.2.0/24 via 192.168.77.12 node\n", "r:2:43: error[podnet-plan]: expected a node name after 'node'"));
        for (List<String> c : cases) {
            PlanSyntaxException e = assertThrows(PlanSyntaxException.class, () -> PodnetPlanParser.parse("r", c.get(0)), c.get(0));
            assertEquals(c.get(1), e.getMessage());
        }
    }
}
