package dev.netc.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.Output;
import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.ipvs.IpvsBackend;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.nginx.NginxBackend;
import dev.netc.backends.plan.PlanDumpBackend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.plan.NetworkPlan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a whole compile writes grows with the cluster, not with nodes x cluster, counted in bytes (not timed): from
 * S=0.01 to S=0.04 of {@link GenCluster} (10 to 40 nodes, 4x the Services, pods and policies), each backend's files
 * that no node owns (its shared parts, plan.txt, nginx.conf) grow at most as the cluster, and the average node's own
 * files stay about the same size (their content is the node's pods, Local endpoints and node ports). A backend that
 * repeated the Service table in every node's files would show its node files growing 4x.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutputGrowthTest {
    private static final BigDecimal SMALL = new BigDecimal("0.01");
    private static final BigDecimal LARGE = new BigDecimal("0.04");
    /** LARGE / SMALL: the cluster's growth. */
    private static final double GROWTH = 4;

    private NetworkPlan small;
    private NetworkPlan large;

    @BeforeAll
    void compile(@TempDir Path tmp) throws IOException {
        small = plan(SMALL, tmp.resolve("small"));
        large = plan(LARGE, tmp.resolve("large"));
    }

    static List<Backend> backends() {
        return List.of(new PlanDumpBackend(), new IptablesBackend(), new NftablesBackend(), new IpvsBackend(), new NginxBackend());
    }

    /** Bytes of the files no node owns, and the average of each node's own files. */
    record Sizes(long cluster, double perNode) {
        static Sizes of(Output o, int nodes) {
            long cluster = 0;
            long own = 0;
            for (Artifact a : o.files()) {
                if (a.node().isEmpty()) cluster += a.content().length;
                else own += a.content().length;
            }
            return new Sizes(cluster, (double) own / nodes);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void growsWithTheClusterNotWithNodesTimesCluster(Backend b) {
        Sizes s = Sizes.of(b.render(small, Set.of(), 1), small.nodes().size());
        Sizes l = Sizes.of(b.render(large, Set.of(), 1), large.nodes().size());
        String figures = b.name() + ": cluster-wide " + s.cluster() + " -> " + l.cluster() + " bytes, per node "
                + Math.round(s.perNode()) + " -> " + Math.round(l.perNode()) + " bytes, from " + small.nodes().size()
                + " to " + large.nodes().size() + " nodes";
        assertTrue(l.cluster() <= GROWTH * 1.1 * s.cluster(), "cluster-wide files grow faster than the cluster: " + figures);
        assertTrue(l.perNode() <= 1.5 * s.perNode(), "each node's own files grow with the cluster: " + figures);
        System.out.println("output growth " + figures);
    }

    private static NetworkPlan plan(BigDecimal s, Path dir) throws IOException {
        GenCluster.generate(s, "live", dir);
        Diagnostics load = new Diagnostics();
        List<InputSource> sources = new InputLoader(new ByteArrayInputStream(new byte[0])).load(List.of(dir.toString()), load);
        Compiler.Result r = new Compiler().compile(sources);
        assertTrue(r.ok(), r.diagnostics().toString());
        return r.plan().orElseThrow();
    }
}
