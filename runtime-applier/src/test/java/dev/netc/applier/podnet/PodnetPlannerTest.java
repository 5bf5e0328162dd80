package dev.netc.applier.podnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.podnet.KernelState.IfAddr;
import dev.netc.applier.podnet.KernelState.Link;
import dev.netc.applier.podnet.KernelState.Route;
import dev.netc.applier.podnet.KernelState.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link PodnetPlanner} against {@link FakeKernel}: no root, every state a killed apply can leave. */
class PodnetPlannerTest {
    static final String HOST_GW = """
            mode host-gw
            route 10.244.2.0/24 via 192.168.77.12 node n2
            route 10.244.3.0/24 via 192.168.77.13 node n3
            route fd00:10:244:2::/64 via fd00::12 node n2
            """;
    static final String VXLAN = """
            mode vxlan
            device netc.1 vni 1 port 8472 local 192.168.77.11 mtu 1450 mac 0e:3a:11:22:33:44
            address 10.244.1.0/32
            route 10.244.2.0/24 via 10.244.2.0 onlink node n2
            route 10.244.3.0/24 via 10.244.3.0 onlink node n3
            neigh 10.244.2.0 lladdr 0e:aa:bb:cc:dd:02 node n2
            neigh 10.244.3.0 lladdr 0e:aa:bb:cc:dd:03 node n3
            fdb 0e:aa:bb:cc:dd:02 dst 192.168.77.12 node n2
            fdb 0e:aa:bb:cc:dd:03 dst 192.168.77.13 node n3
            """;

    static PodnetPlan parse(String text) throws Exception {
        return PodnetPlanParser.parse("routes", text);
    }

    /** A node with eth0 (index 2) holding 192.168.77.11, and foreign objects netc must never name. */
    static KernelState node() {
        Cidr eth0 = Cidr.parse("192.168.77.11/24", false).orElseThrow();
        Cidr foreignDst = Cidr.parse("10.244.2.0/24", true).orElseThrow();
        return new KernelState(List.of(new Link(1, "lo", "", 65536, Optional.empty(), true, Optional.empty()),
                new Link(FakeKernel.ETH0, "eth0", "veth", 1500, Mac.parse("02:00:00:00:00:11"), true, Optional.empty()),
                new Link(7, "fx0", "vxlan", 1500, Mac.parse("02:00:00:00:00:77"), true,
                        Optional.of(new KernelState.Vxlan(9, 4789, Ip.parse("192.168.77.11"), 2, false)))),
                List.of(new IfAddr(FakeKernel.ETH0, eth0)),
                List.of(new Rule(Ip.AF_INET, 0, 255, 2), new Rule(Ip.AF_INET, 500, 254, 4), new Rule(Ip.AF_INET, 32766, 254, 2)),
                List.of(new Route(Ip.AF_INET, 254, foreignDst, Ip.parse("192.168.77.1"), 2, false, 4),
                        new Route(Ip.AF_INET, PodnetPlanner.TABLE_A, Cidr.parse("10.99.0.0/16", true).orElseThrow(), Ip.parse("192.168.77.1"), 2,
                                false, 4)),
                List.of(new KernelState.Neigh(7, Ip.parse("10.9.9.9").orElseThrow(), Mac.parse("0e:99:99:99:99:99"), PodnetPlanner.NUD_PERMANENT)),
                List.of(new KernelState.Fdb(7, Mac.parse("0e:99:99:99:99:99").orElseThrow(), Ip.parse("192.168.77.99"), PodnetPlanner.NUD_PERMANENT, 2)));
    }

    static KernelState run(KernelState s, List<PodnetOp> ops) {
        for (PodnetOp op : ops) s = FakeKernel.apply(s, op);
        return s;
    }

    static KernelState install(KernelState s, String plan) throws Exception {
        return run(s, PodnetPlanner.plan(parse(plan), s).ops());
    }

    static List<String> active(KernelState s) {
        List<String> out = new ArrayList<>(FakeKernel.active(s, Ip.AF_INET));
        out.addAll(FakeKernel.active(s, Ip.AF_INET6));
        return out;
    }

    static List<List<String>> perFamily(KernelState s) {
        return List.of(FakeKernel.active(s, Ip.AF_INET), FakeKernel.active(s, Ip.AF_INET6));
    }

    static void assertOldOrNew(List<List<String>> seen, List<List<String>> old, List<List<String>> now, String msg) {
        for (int f = 0; f < 2; f++) {
            assertTrue(seen.get(f).equals(old.get(f)) || seen.get(f).equals(now.get(f)), msg + ": " + seen.get(f));
        }
    }

    @Test
    void fromAnEmptyStateEverythingIsInstalled() throws Exception {
        PodnetPlanner.Plan p = PodnetPlanner.plan(parse(HOST_GW), node());
        assertEquals(List.of("replace route 10.244.2.0/24 via 192.168.77.12 table 2010", "replace route 10.244.3.0/24 via 192.168.77.13 table 2010",
                "add rule 100 lookup 2010 (inet)", "replace route fd00:10:244:2::/64 via fd00::12 table 2010", "add rule 100 lookup 2010 (inet6)"),
                p.ops().stream().map(PodnetOp::describe).toList());
        assertEquals(3, p.changes().size());
        KernelState s = run(node(), p.ops());
        assertEquals(List.of("10.244.2.0/24 via 192.168.77.12", "10.244.3.0/24 via 192.168.77.13", "fd00:10:244:2::/64 via fd00::12"), active(s));
    }

    @Test
    void theSameStateGivesNoOperationAndNoDrift() throws Exception {
        for (String plan : List.of(HOST_GW, VXLAN)) {
            KernelState s = install(node(), plan);
            assertEquals(List.of(), PodnetPlanner.plan(parse(plan), s).ops(), plan);
            assertEquals(List.of(), PodnetPlanner.drift(parse(plan), s), plan);
        }
    }

    @Test
    void aRemovedNodeDeletesOnlyItsEntries() throws Exception {
        KernelState s = install(node(), VXLAN);
        String without = VXLAN.lines().filter(l -> !l.contains("n3")).reduce("", (a, b) -> a + b + "\n");
        PodnetPlanner.Plan p = PodnetPlanner.plan(parse(without), s);
        List<String> ops = p.ops().stream().map(PodnetOp::describe).toList();
        assertTrue(ops.contains("delete neigh 10.244.3.0 dev netc.1") && ops.contains("delete fdb 0e:aa:bb:cc:dd:03 dst 192.168.77.13 dev netc.1"), ops.toString());
        assertTrue(ops.stream().noneMatch(o -> o.startsWith("delete neigh 10.244.2.0") || o.startsWith("delete fdb 0e:aa:bb:cc:dd:02")), ops.toString());
        assertEquals(List.of("- route 10.244.3.0/24 via 10.244.3.0 onlink", "- neigh 10.244.3.0 lladdr 0e:aa:bb:cc:dd:03",
                "- fdb 0e:aa:bb:cc:dd:03 dst 192.168.77.13"), p.changes().stream().map(Object::toString).sorted(java.util.Comparator.reverseOrder()).toList());
        KernelState after = run(s, p.ops());
        assertEquals(List.of("10.244.2.0/24 via 10.244.2.0 onlink"), active(after));
    }

    @Test
    void foreignEntriesAreNeverInTheOperations() throws Exception {
        KernelState base = node();
        KernelState s = install(install(install(base, VXLAN), HOST_GW), "mode host-gw\n");
        for (PodnetOp op : PodnetPlanner.plan(parse(VXLAN), install(base, HOST_GW)).ops()) {
            assertTrue(!op.describe().contains("fx0") && !op.describe().contains("10.9.9.9") && !op.describe().contains("0e:99"), op.describe());
        }
        assertEquals(base.routes(), s.routes(), "the foreign routes (main, and proto static in netc's table) are as they were");
        assertEquals(base.rules(), s.rules());
        assertEquals(base.neighs(), s.neighs());
        assertEquals(base.fdbs(), s.fdbs());
        assertEquals(base.links(), s.links(), "host-gw after vxlan removed netc.1, and only it");
    }

    /**
     * A kill after any request of any transition (host-gw ↔ vxlan, a gateway changed, a node removed): at every step
     * the winning rule of each family names that family's old or new set (the families have tables and rules of their own), and planning again from there converges to the new one in one
     * apply, itself old-or-new at every step, after which nothing is left to do.
     */
    @Test
    void everyStateAKilledApplyLeavesConverges() throws Exception {
        String moved = HOST_GW.replace("192.168.77.13", "192.168.77.14");
        String removed = HOST_GW.lines().filter(l -> !l.contains("n3")).reduce("", (a, b) -> a + b + "\n");
        List<List<String>> transitions = List.of(List.of(HOST_GW, VXLAN), List.of(VXLAN, HOST_GW), List.of(HOST_GW, moved),
                List.of(HOST_GW, removed), List.of("mode host-gw\n", HOST_GW), List.of(HOST_GW, "mode host-gw\n"));
        int states = 0;
        for (List<String> t : transitions) {
            KernelState old = install(node(), t.get(0));
            KernelState done = install(old, t.get(1));
            List<List<String>> oldSet = perFamily(old);
            List<List<String>> newSet = perFamily(done);
            List<PodnetOp> ops = PodnetPlanner.plan(parse(t.get(1)), old).ops();
            KernelState s = old;
            for (int k = 0; k <= ops.size(); k++) {
                if (k > 0) s = FakeKernel.apply(s, ops.get(k - 1));
                assertOldOrNew(perFamily(s), oldSet, newSet, t + " after " + k + " requests");
                // Killed here: the next apply finishes the job, every one of its own steps old-or-new too.
                KernelState r = s;
                for (PodnetOp op : PodnetPlanner.plan(parse(t.get(1)), s).ops()) {
                    r = FakeKernel.apply(r, op);
                    assertOldOrNew(perFamily(r), oldSet, newSet, t + " resumed after " + k);
                }
                assertEquals(newSet, perFamily(r));
                assertEquals(List.of(), PodnetPlanner.plan(parse(t.get(1)), r).ops(), t + " resumed after " + k);
                states++;
            }
        }
        assertTrue(states > transitions.size() * 5, "states tried: " + states);
    }

    @Test
    void everyRuleStateOfAnInterruptedSwitchIsFinished() throws Exception {
        KernelState s = install(node(), HOST_GW);
        int a = PodnetPlanner.TABLE_A;
        int b = PodnetPlanner.TABLE_B;
        List<Route> inB = new ArrayList<>();
        for (Route r : s.routes()) if (r.table() == a && r.protocol() == PodnetPlanner.RTPROT_NETC) inB.add(new Route(r.family(), b, r.dst(), r.gateway(), r.oif(), r.onlink(), r.protocol()));
        List<List<int[]>> ruleStates = List.of(List.of(new int[] {99, b}, new int[] {100, a}), List.of(new int[] {99, b}),
                List.of(new int[] {99, b}, new int[] {100, b}), List.of(new int[] {100, b}), List.of(new int[] {100, a}, new int[] {100, b}));
        for (List<int[]> rs : ruleStates) {
            List<Rule> rules = new ArrayList<>(s.rules().stream().filter(r -> !PodnetPlanner.ownedRule(r)).toList());
            for (int fam : List.of(Ip.AF_INET, Ip.AF_INET6)) for (int[] r : rs) rules.add(new Rule(fam, r[0], r[1], PodnetPlanner.RTPROT_NETC));
            rules.sort(java.util.Comparator.comparingInt(Rule::priority));
            List<Route> routes = new ArrayList<>(s.routes());
            routes.addAll(inB);
            KernelState crashed = new KernelState(s.links(), s.addresses(), rules, routes, s.neighs(), s.fdbs());
            assertTrue(!PodnetPlanner.drift(parse(HOST_GW), crashed).isEmpty(), "an interrupted switch is drift");
            KernelState r = run(crashed, PodnetPlanner.plan(parse(HOST_GW), crashed).ops());
            assertEquals(active(s), active(r));
            assertEquals(2, r.rules().stream().filter(PodnetPlanner::ownedRule).filter(x -> x.priority() == 100).count());
            assertEquals(List.of(), PodnetPlanner.plan(parse(HOST_GW), r).ops());
        }
    }

    @Test
    void hostGwToVxlanAndBack() throws Exception {
        KernelState v = install(install(node(), HOST_GW), VXLAN);
        assertEquals(List.of("10.244.2.0/24 via 10.244.2.0 onlink", "10.244.3.0/24 via 10.244.3.0 onlink"), active(v));
        assertTrue(v.link("netc.1").isPresent());
        KernelState h = install(v, HOST_GW);
        assertTrue(h.link("netc.1").isEmpty());
        assertEquals(List.of("10.244.2.0/24 via 192.168.77.12", "10.244.3.0/24 via 192.168.77.13", "fd00:10:244:2::/64 via fd00::12"), active(h));
        assertEquals(List.of(), PodnetPlanner.plan(parse(HOST_GW), h).ops());
    }

    @Test
    void aChangedVniMakesTheDeviceAnewAndAChangedMtuSetsIt() throws Exception {
        KernelState v = install(node(), VXLAN);
        List<String> mtu = PodnetPlanner.plan(parse(VXLAN.replace("mtu 1450", "mtu 1400")), v).ops().stream().map(PodnetOp::describe).toList();
        assertEquals(List.of("set device netc.1 mtu 1400"), mtu);
        List<String> vni = PodnetPlanner.plan(parse(VXLAN.replace("vni 1 ", "vni 2 ")), v).ops().stream().map(PodnetOp::describe).toList();
        assertEquals("delete device netc.1", vni.get(0));
        assertTrue(vni.get(1).startsWith("create device netc.1 (vxlan id 2"), vni.toString());
        KernelState again = install(v, VXLAN.replace("vni 1 ", "vni 2 "));
        assertEquals(List.of(), PodnetPlanner.plan(parse(VXLAN.replace("vni 1 ", "vni 2 ")), again).ops());
    }
}
