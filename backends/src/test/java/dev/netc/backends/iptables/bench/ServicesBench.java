package dev.netc.backends.iptables.bench;

import dev.netc.backends.Artifact;
import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.compiler.passes.Endpoints;
import dev.netc.compiler.passes.Services;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.NetworkPlan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Not a test: a benchmark with a main method. For N Services (default 1000 and 10000) of 3 endpoints each on a
 * 3-node cluster, built as an allocated model by hand, it prints the time of the endpoints and services passes
 * and of the iptables backend for one node, and the rules and bytes of that node's file (median of the runs
 * after warm-up). Run it with:
 * <pre>
 * mvn -q -o -pl backends -am test-compile
 * java -Xmx2g -cp backends/target/test-classes:backends/target/classes:compiler/target/classes:ir/target/classes:\
 * $HOME/.m2/repository/com/github/seancfoley/ipaddress/5.5.1/ipaddress-5.5.1.jar \
 *     dev.netc.backends.iptables.bench.ServicesBench [N ...]
 * </pre>
 * With {@code -Dnetc.bench.out=DIR} it also writes each size's n1 file there, to time {@code iptables-restore} on it.
 */
public final class ServicesBench {
    static final SourcePos POS = new SourcePos("bench", 1, 1);
    static final int RUNS = 7;

    private ServicesBench() {
    }

    static IpAddress at(String base, int offset) {
        return IpAddress.of(Family.IPV4, IpAddress.parse(base).bits().add(BigInteger.valueOf(offset)));
    }

    /** An allocated model: every Service has a cluster IP, every pod a node and an address. */
    static Cluster cluster(int services) {
        List<Node> nodes = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            nodes.add(new Node(ObjectMeta.of("Node", "", "n" + n, POS), List.of(IpAddress.parse("192.168.77." + (10 + n))),
                    List.of(Cidr.parse("10.244." + n + ".0/24"))));
        }
        List<Pod> pods = new ArrayList<>();
        List<Service> svcs = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            for (int e = 0; e < 3; e++) {
                int k = i * 3 + e;
                pods.add(new Pod(ObjectMeta.of("Pod", "bench", "s" + i + "-" + e, POS).withLabels(Map.of("app", "s" + i)),
                        "n" + (1 + k % 3), List.of(at("10.244.0.0", 256 + k)),
                        List.of(new ContainerPort("http", 8080, Protocol.TCP, POS)), true, false, false, Optional.empty()));
            }
            List<ServicePort> ports = List.of(new ServicePort("http", Protocol.TCP, 80, PortRef.of("http"), 0, POS));
            svcs.add(new Service(ObjectMeta.of("Service", "bench", "s" + i, POS), Service.Type.ClusterIP,
                    List.of(at("10.96.0.0", 10 + i)), false, List.of(Family.IPV4), Service.IpFamilyPolicy.SingleStack, ports,
                    Map.of("app", "s" + i), Service.SessionAffinity.None, 0, Service.TrafficPolicy.Cluster,
                    Service.TrafficPolicy.Cluster, List.of(), List.of(), List.of(), false, "", true));
        }
        ClusterProfile d = ClusterProfile.defaults();
        ClusterProfile profile = new ClusterProfile(d.meta(), d.serviceCIDRs(), List.of(Cidr.parse("10.244.0.0/16")), d.dnsDomain(),
                nodes, d.proxy(), d.ingress());
        return new Cluster(profile, List.of(), nodes, pods, List.of(), svcs, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    record Run(long endpointsNanos, long servicesNanos, long backendNanos, long rules, long bytes, String text) {
    }

    static Run once(Cluster c) {
        Diagnostics d = new Diagnostics();
        long t0 = System.nanoTime();
        NetworkPlan withEndpoints = new Endpoints().apply(c, d);
        long t1 = System.nanoTime();
        NetworkPlan plan = new Services().apply(withEndpoints, d);
        long t2 = System.nanoTime();
        List<Artifact> files = new IptablesBackend().emit(plan, Set.of("n1"));
        long t3 = System.nanoTime();
        if (d.hasErrors()) throw new IllegalStateException(d.sorted().toString());
        String text = files.get(0).text();
        return new Run(t1 - t0, t2 - t1, t3 - t2, text.lines().filter(l -> l.startsWith("-A ")).count(), files.get(0).content().length,
                text);
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    public static void main(String[] args) throws java.io.IOException {
        // -Dnetc.bench.out=DIR also writes each size's n1 file there (to time iptables-restore on it)
        String outDir = System.getProperty("netc.bench.out");
        int[] sizes = args.length == 0 ? new int[] {1000, 10000} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        once(cluster(200)); // warm the JIT on a small model
        for (int n : sizes) {
            Cluster c = cluster(n);
            long[] ep = new long[RUNS];
            long[] sv = new long[RUNS];
            long[] be = new long[RUNS];
            Run last = null;
            for (int r = 0; r < RUNS; r++) {
                last = once(c);
                ep[r] = last.endpointsNanos();
                sv[r] = last.servicesNanos();
                be[r] = last.backendNanos();
            }
            System.out.printf(java.util.Locale.ROOT,
                    "BENCH services=%d endpoints=%d nodes=3 endpointsPass=%.1fms servicesPass=%.1fms iptablesBackend(n1)=%.1fms"
                            + " rules=%d bytes=%d%n",
                    n, 3 * n, median(ep) / 1e6, median(sv) / 1e6, median(be) / 1e6, last.rules(), last.bytes());
            if (outDir != null) java.nio.file.Files.writeString(java.nio.file.Path.of(outDir, "iptables-" + n + ".rules"), last.text());
        }
    }
}
