package dev.netc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Severity;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Service;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generator is deterministic to the byte and netc compiles both forms without an error. Not timed. */
class GenClusterTest {
    private static final BigDecimal S = new BigDecimal("0.002");

    @ParameterizedTest
    @ValueSource(strings = {"live", "gitops"})
    void sameScaleSameBytes(String form, @TempDir Path tmp) throws IOException {
        GenCluster.generate(S, form, tmp.resolve("a"));
        GenCluster.generate(S, form, tmp.resolve("b"));
        Map<String, byte[]> a = files(tmp.resolve("a"));
        Map<String, byte[]> b = files(tmp.resolve("b"));
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.size() >= 5, a.keySet().toString());
        for (String f : a.keySet()) assertTrue(Arrays.equals(a.get(f), b.get(f)), f + " differs between two runs");
    }

    @Test
    void countsAreLinearInS() {
        ClusterModel one = ClusterModel.of(BigDecimal.ONE);
        assertEquals(1000, one.nodes());
        assertEquals(100, one.namespaces().size());
        assertEquals(10_000, one.namespaces().stream().mapToInt(n -> n.apps().size()).sum());
        assertEquals(100_000, one.pods());
        assertEquals(5000, one.namespaces().stream().mapToInt(ClusterModel.Ns::policies).sum());
        assertEquals(2000, one.namespaces().stream().mapToInt(ClusterModel.Ns::ingresses).sum());
        ClusterModel tenth = ClusterModel.of(new BigDecimal("0.1"));
        assertEquals(100, tenth.nodes());
        assertEquals(10_000, tenth.pods());
        ClusterModel tiny = ClusterModel.of(new BigDecimal("0.0001"));
        assertEquals(1, tiny.nodes());
        assertEquals(1, tiny.namespaces().size());
        // replicas vary (1 to 19) but add up to the pods of the namespace
        List<Integer> replicas = one.namespaces().get(0).apps().stream().map(ClusterModel.App::replicas).toList();
        assertEquals(1000, replicas.stream().mapToInt(Integer::intValue).sum());
        assertTrue(replicas.stream().anyMatch(r -> r < 5) && replicas.stream().anyMatch(r -> r > 15), replicas.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"live", "gitops"})
    void netcCompilesIt(String form, @TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve(form);
        GenCluster.generate(S, form, dir);
        Diagnostics load = new Diagnostics();
        List<InputSource> sources = new InputLoader(new ByteArrayInputStream(new byte[0])).load(List.of(dir.toString()), load);
        assertTrue(!load.hasErrors(), load.sorted().toString());
        Compiler.Result r = new Compiler().compile(sources);
        List<Diagnostic> findings = r.diagnostics().stream().filter(d -> d.severity() != Severity.NOTE).toList();
        assertEquals(List.of(), findings, "the generated cluster compiles without an error or warning");
        assertTrue(r.ok());
        Cluster c = r.plan().orElseThrow().cluster();
        assertEquals(2, c.nodes().size());
        assertEquals(1, c.namespaces().size());
        assertEquals(20, c.services().size());
        assertEquals(200, c.pods().size());
        assertEquals(200, c.pods().stream().filter(p -> !p.ips().isEmpty()).count(), "every pod has an address");
        assertEquals(10, c.networkPolicies().size());
        assertEquals(4, c.ingresses().size());
        assertEquals(2, c.adminNetworkPolicies().size(), "one AdminNetworkPolicy and the baseline");
        assertTrue(c.services().stream().map(Service::type).distinct().count() >= 2, "more than ClusterIP Services");
        assertEquals(2, r.plan().get().nodes().size());
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) out.put(root.relativize(p).toString(), Files.readAllBytes(p));
        }
        return out;
    }
}
