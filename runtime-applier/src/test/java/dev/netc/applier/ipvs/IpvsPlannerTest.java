package dev.netc.applier.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.RulesSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The IPVS difference planner against a recorded {@code ipvsadm -Sn} (this kernel has no ip_vs module, so
 * IPVS itself cannot be programmed here): what it adds, edits and deletes, in which order, and that services
 * it does not own are left alone.
 */
class IpvsPlannerTest {
    static String resource(String name) throws IOException {
        try (InputStream in = IpvsPlannerTest.class.getResourceAsStream("/ipvs/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static final String TARGET = """
            -A -t 10.96.0.1:443 -s rr
            -a -t 10.96.0.1:443 -r 192.168.77.10:6443 -m -w 1
            -A -t 10.99.180.51:7000 -s rr -p 10800
            -a -t 10.99.180.51:7000 -r 10.244.1.238:7000 -m -w 1
            -A -t 10.101.99.107:80 -s rr
            -a -t 10.101.99.107:80 -r 10.244.1.146:8080 -m -w 1
            -a -t 10.101.99.107:80 -r 10.244.2.6:8080 -m -w 1
            -a -t 10.101.99.107:80 -r 10.244.2.127:8080 -m -w 1
            -A -t [fd00:96::8:c2f4]:443 -s rr
            -a -t [fd00:96::8:c2f4]:443 -r [fd00:244:0:1::5]:8443 -m -w 1
            -A -t 10.107.80.87:443 -s rr
            -a -t 10.107.80.87:443 -r 10.244.1.146:8443 -m -w 1
            """;

    @Test
    void plansTheDifferenceInASafeOrderAndLeavesForeignServicesAlone() throws Exception {
        IpvsRules current = IpvsRules.parse(resource("node-state.ipvsadm"));
        IpvsRules target = IpvsRules.parse(TARGET);
        // 10.109.177.184 (the DNS service) was netc's before; 172.16.0.9 is someone else's.
        IpvsRules previous = IpvsRules.parse(resource("node-state.ipvsadm").replaceAll("(?m)^.*172\\.16\\.0\\..*\\n", ""));
        IpvsPlanner.Plan plan = IpvsPlanner.plan(current, target, previous,
                Set.of("10.96.0.1", "10.99.180.51", "10.101.99.107", "10.109.177.184", "10.107.80.87", "fd00:96::8:c2f4"));
        assertEquals("""
                -A -t 10.107.80.87:443 -s rr
                -E -t 10.99.180.51:7000 -s rr -p 10800
                -a -t 10.101.99.107:80 -r 10.244.2.127:8080 -m -w 1
                -e -t 10.101.99.107:80 -r 10.244.2.6:8080 -m -w 1
                -a -t 10.107.80.87:443 -r 10.244.1.146:8443 -m -w 1
                -d -t 10.99.180.51:7000 -r 10.244.2.99:7000
                -D -u 10.109.177.184:53
                """, plan.restoreInput(), "services added or edited, then servers added or edited, then removals; by key inside each");
        assertTrue(plan.changes().stream().map(Object::toString).anyMatch(c -> c.equals("- service -u 10.109.177.184:53: 1 real servers")));
        assertTrue(plan.changes().stream().noneMatch(c -> c.toString().contains("172.16.0.9")), "a foreign service is not touched");
    }

    @Test
    void theSameStateGivesAnEmptyPlan() throws Exception {
        IpvsRules current = IpvsRules.parse(resource("node-state.ipvsadm"));
        IpvsPlanner.Plan plan = IpvsPlanner.plan(current, current, current, Set.of());
        assertTrue(plan.isEmpty());
        assertEquals("", plan.restoreInput());
    }

    @Test
    void fromNothingEveryServiceIsAddedBeforeItsServers() throws Exception {
        IpvsRules target = IpvsRules.parse(TARGET);
        IpvsPlanner.Plan plan = IpvsPlanner.plan(new IpvsRules(new TreeMap<>(), new TreeMap<>()), target,
                new IpvsRules(new TreeMap<>(), new TreeMap<>()), Set.of());
        List<String> lines = plan.restoreInput().lines().toList();
        int lastService = 0;
        int firstReal = Integer.MAX_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("-A ")) lastService = i;
            if (lines.get(i).startsWith("-a ")) firstReal = Math.min(firstReal, i);
        }
        assertEquals(5, lines.stream().filter(l -> l.startsWith("-A ")).count());
        assertEquals(7, lines.stream().filter(l -> l.startsWith("-a ")).count());
        assertTrue(lastService < firstReal);
    }

    @Test
    void readsDefaultsAsIpvsadmDoesAndRefusesOtherCommands() throws Exception {
        IpvsRules r = IpvsRules.parse("-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.0.2:80\n");
        assertEquals("-s wlc", r.services().get("-t 10.0.0.1:80"));
        assertEquals("-g -w 1", r.reals().get("-t 10.0.0.1:80").get("10.0.0.2:80"));
        RulesSyntaxException e = assertThrows(RulesSyntaxException.class, () -> IpvsRules.parse("-A -t 10.0.0.1:80\n-C\n"));
        assertEquals(2, e.line());
        assertThrows(RulesSyntaxException.class, () -> IpvsRules.parse("-a -t 10.0.0.1:80 -r 10.0.0.2:80\n"));
        assertEquals("fd00::1", IpvsRules.address("-t [fd00::1]:443"));
    }
}
