package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netc apply --backend podnet} on a network namespace of its own: rtnetlink from Java, the kernel's view through {@code ip}. */
class PodnetApplyTest {
    static final String HOST_GW = """
            # netc pod network of node n1: host-gw
            mode host-gw
            route 10.244.2.0/24 via 192.168.77.12 node n2
            route 10.244.3.0/24 via 192.168.77.13 node n3
            route fd00:10:244:2::/64 via fd00::12 node n2
            """;

    @BeforeAll
    static void lab() {
        PodnetLab.require();
    }

    @Test
    void hostGwInstallsThreeRoutes() throws Exception {
        try (PodnetLab lab = new PodnetLab()) {
            Path out = lab.out(HOST_GW);
            PodnetLab.Run r = lab.apply(out);
            assertEquals(0, r.exit(), r.all());
            int t = lab.activeTable();
            assertTrue(t > 0, lab.in("ip", "rule"));
            assertEquals(List.of("10.244.2.0/24 via 192.168.77.12 dev eth0", "10.244.3.0/24 via 192.168.77.13 dev eth0",
                    "fd00:10:244:2::/64 via fd00::12 dev eth0 metric 1024 pref medium"), lab.table(t), r.all());
        }
    }
}
