package dev.netc.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.ipvs.IpvsBackend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.ServiceOracle;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.NodeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The kernel here has no IPVS, so the IPVS backend is judged by a model: its {@code ipvsadm -R} input is
 * parsed back into virtual servers and real servers, and every frontend of every node of every sample must
 * schedule to exactly the endpoints the Service behaviour table ({@link ServiceOracle}) expects — no frontend
 * missing, none extra, persistence equal to the ClientIP affinity timeout. The file judged is the node's composed one
 * (the shared virtual servers, then the node's own), the same whether the node is compiled alone or with all.
 */
class IpvsModelTest {
    /** A virtual server as parsed back: its real servers and persistence. */
    record Parsed(TreeSet<String> reals, int persistence) {
    }

    static final Pattern VS = Pattern.compile("^-A (-t|-u|--sctp-service) (\\S+) -s (\\S+)(?: -p (\\d+))?$");
    static final Pattern RS = Pattern.compile("^-a (-t|-u|--sctp-service) (\\S+) -r (\\S+) -m -w 1$");

    static Map<String, Parsed> parse(String rules) {
        Map<String, Parsed> out = new TreeMap<>();
        for (String line : rules.split("\n")) {
            if (line.isEmpty()) continue;
            Matcher v = VS.matcher(line);
            Matcher r = RS.matcher(line);
            if (v.matches()) {
                String key = proto(v.group(1)) + " " + v.group(2);
                assertFalse(out.containsKey(key), "virtual server defined twice: " + line);
                out.put(key, new Parsed(new TreeSet<>(), v.group(4) == null ? 0 : Integer.parseInt(v.group(4))));
            } else if (r.matches()) {
                Parsed p = out.get(proto(r.group(1)) + " " + r.group(2));
                assertTrue(p != null, "real server before its virtual server: " + line);
                assertTrue(p.reals().add(r.group(3)), "real server twice: " + line);
            } else {
                throw new AssertionError("not ipvsadm -R syntax netc writes: " + line);
            }
        }
        return out;
    }

    private static String proto(String flag) {
        return switch (flag) {
            case "-t" -> "TCP";
            case "-u" -> "UDP";
            default -> "SCTP";
        };
    }

    @TestFactory
    List<DynamicTest> everySampleMatchesTheBehaviourTable() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String sample : GoldenTest.samples()) {
            Diagnostics d = new Diagnostics();
            List<InputSource> in = new InputLoader(System.in).load(List.of(GoldenTest.SAMPLES.resolve(sample).toString()), d);
            Compiler.Result r = new Compiler().compile(in);
            NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(sample + ": " + r.diagnostics()));
            ServiceOracle oracle = new ServiceOracle(plan.cluster());
            // the node files of a whole compile, each composed of the shared part and the node's own
            Map<String, String> whole = new TreeMap<>();
            new IpvsBackend().render(plan, Set.of()).composedFiles().forEach(a -> whole.put(a.path(), a.text()));
            for (NodeView n : plan.views()) {
                tests.add(DynamicTest.dynamicTest(sample + "/" + n.name(), () -> {
                    List<Artifact> arts = new IpvsBackend().emit(plan, Set.of(n.name()));
                    String rules = arts.stream().filter(a -> a.path().endsWith("ipvsadm.rules")).findFirst().orElseThrow().text();
                    assertEquals(whole.get("nodes/" + n.name() + "/ipvs/ipvsadm.rules"), rules, "--node is the composition");
                    Map<String, Parsed> parsed = parse(rules);
                    Map<String, Parsed> expected = new TreeMap<>();
                    oracle.table(n.name()).forEach((f, b) -> expected.put(f.protocol() + " " + hostPort(f),
                            new Parsed(b.endpoints(), b.affinitySeconds())));
                    assertEquals(expected, parsed, sample + " node " + n.name());
                    assertFalse(expected.isEmpty() && sample.equals("shop"), "shop has frontends");
                }));
            }
        }
        return tests;
    }

    private static String hostPort(ServiceOracle.Frontend f) {
        return (f.address().family() == dev.netc.ir.Family.IPV4 ? f.address().text() : "[" + f.address().text() + "]") + ":" + f.port();
    }

}
