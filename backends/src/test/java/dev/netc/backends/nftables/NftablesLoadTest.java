package dev.netc.backends.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.testing.NetnsTool;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.ServicePortPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The nftables file replaces netc's own tables in one transaction: on a clean namespace, twice in a row, over a
 * different netc ruleset; and a foreign table created before is byte-for-byte the same after each load.
 */
class NftablesLoadTest {
    static NetworkPlan plan(int services, int endpoints, boolean affinity) {
        Node node = new Node(ObjectMeta.of("Node", "", "n1", new SourcePos("t", 1, 1)), List.of(IpAddress.parse("192.168.77.11")),
                List.of(Cidr.parse("10.244.1.0/24")));
        List<ServicePortPlan> ports = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            List<PlanEndpoint> eps = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                eps.add(new PlanEndpoint(IpAddress.parse("10.244.1." + (10 + e)), 8080, "n1", true, true, true, false));
            }
            IpAddress vip = IpAddress.of(Family.IPV4, IpAddress.parse("10.96.0.0").bits().add(java.math.BigInteger.valueOf(10 + i)));
            ports.add(new ServicePortPlan("ns", "svc" + i, "http", Protocol.TCP, Family.IPV4, Optional.of(vip), 80,
                    i % 2 == 0 ? 30000 + i % 2000 : 0, List.of(), List.of(), List.of(), false, false, affinity ? 60 : 0, eps,
                    eps, endpoints > 0));
        }
        NodeView np = new NodeView(node, List.of(Cidr.parse("10.244.0.0/16")), false, List.of(), ports);
        Cluster c = new Cluster(ClusterProfile.defaults(), List.of(), List.of(node), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of());
        return NetworkPlan.fromViews(c, List.of(), List.of(np));
    }

    static String text(NetworkPlan p) {
        return new NftablesBackend().emit(p, Set.of()).get(0).text();
    }

    @Test
    void replacesOnlyItsOwnTablesAtomically() throws Exception {
        NetnsTool.require("ip", "nft");
        String first = text(plan(20, 3, true));
        String second = text(plan(7, 1, false));
        assertFalse(first.contains("} }"), "nft 1.0.6 rejects } } on one line");
        String foreign = "table inet foreign {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n"
                + "\t\ttcp dport 22 counter accept\n\t}\n}\n";
        try (NetnsTool ns = new NetnsTool()) {
            assertEquals(0, ns.run(foreign, "nft", "-f", "-").exit());
            String foreignBefore = ns.run(null, "nft", "list", "table", "inet", "foreign").output();
            assertEquals(0, ns.run(first, "nft", "-c", "-f", "-").exit(), "check only");
            assertEquals(0, ns.run(first, "nft", "-f", "-").exit(), "clean namespace");
            String once = ns.run(null, "nft", "list", "table", "ip", "netc").output();
            NetnsTool.Result again = ns.run(first, "nft", "-f", "-");
            assertEquals(0, again.exit(), again.output());
            assertEquals(once, ns.run(null, "nft", "list", "table", "ip", "netc").output(), "loading twice gives the same table");
            NetnsTool.Result other = ns.run(second, "nft", "-f", "-");
            assertEquals(0, other.exit(), other.output());
            String replaced = ns.run(null, "nft", "list", "table", "ip", "netc").output();
            assertTrue(replaced.contains("ns/svc6:http") && !replaced.contains("ns/svc7:http"), "the older ruleset is gone whole");
            assertFalse(replaced.contains("affinity-"), "no leftovers of the older ruleset");
            assertEquals(foreignBefore, ns.run(null, "nft", "list", "table", "inet", "foreign").output(), "foreign table untouched");
            // a file with a mistake at its end changes nothing: one transaction
            NetnsTool.Result broken = ns.run(first + "\nthis is not nft\n", "nft", "-f", "-");
            assertTrue(broken.exit() != 0);
            assertEquals(replaced, ns.run(null, "nft", "list", "table", "ip", "netc").output(), "failed load leaves the old table");
        }
    }
}
