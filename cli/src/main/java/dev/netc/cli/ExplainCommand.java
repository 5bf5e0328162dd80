package dev.netc.cli;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.compiler.PolicyEvaluator;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Workload;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Says whether NetworkPolicy allows a connection, and which policy allowed or denied it.",
                "FROM and TO are pods (namespace/name), workloads (deployment/namespace/name: a replica stands for it)",
                "or IP addresses; a TO that is a Service frontend (cluster IP, node port on a node address, external or",
                "load-balancer IP) is followed to each endpoint. PORT/PROTO is like 80/TCP.",
                "Exit: 0 allowed, 3 denied, 4 allowed to some endpoints only, 1 input errors, 2 usage."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:allowed", "1:the input has errors", "2:usage error", "3:denied",
                "4:allowed to some of the Service's endpoints, denied to others"})
final class ExplainCommand implements Callable<Integer> {
    static final int EXIT_DENIED = 3;
    static final int EXIT_PARTLY_DENIED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FROM")
    String from;

    @Parameters(index = "1", paramLabel = "TO")
    String to;

    @Parameters(index = "2", paramLabel = "PORT/PROTO")
    String portProto;

    @Option(names = {"-i", "--input"}, required = true, paramLabel = "INPUT",
            description = "manifest files or directories (repeatable); - reads standard input")
    List<String> inputs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String[] pp = portProto.split("/", -1);
        int port;
        Protocol protocol;
        try {
            port = Integer.parseInt(pp[0]);
            protocol = pp.length > 1 ? Protocol.valueOf(pp[1].toUpperCase(Locale.ROOT)) : Protocol.TCP;
            if (port < 1 || port > 65535 || pp.length > 2) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "PORT/PROTO must look like 80/TCP (protocols: TCP, UDP, SCTP), not " + Text.quote(portProto));
        }
        Diagnostics d = new Diagnostics();
        List<InputSource> sources = new InputLoader(System.in).load(inputs, d);
        Compiler.Result result = d.hasErrors() ? new Compiler.Result(Optional.empty(), d.sorted()) : new Compiler().compile(sources);
        if (result.plan().isEmpty()) {
            new DiagnosticPrinter(DiagnosticPrinter.Format.text, false).print(result.diagnostics(), out, err);
            return Netc.EXIT_INPUT_ERRORS;
        }
        Cluster cluster = result.plan().get().cluster();
        IpAddress src = resolve(cluster, from);
        IpAddress dst = resolve(cluster, to);
        PolicyEvaluator eval = new PolicyEvaluator(cluster);
        String head = describe(cluster, from, src) + " -> " + describe(cluster, to, dst) + " " + protocol + "/" + port + ": ";
        List<PolicyEvaluator.Hop> hops = eval.throughService(src, dst, port, protocol);
        if (hops.isEmpty()) {
            PolicyEvaluator.Verdict v = eval.evaluate(src, dst, port, protocol);
            out.println(head + (v.allowed() ? "allowed" : "denied"));
            // The reasons name policies and pods: user text, kept to one printable line each.
            v.reasons().forEach(r -> out.println("  " + Text.sanitize(r)));
            return v.allowed() ? Netc.EXIT_OK : EXIT_DENIED;
        }
        long allowed = hops.stream().filter(h -> h.verdict().allowed()).count();
        String service = hops.get(0).frontend().servicePort();
        String kind = hops.get(0).frontend().kind();
        out.println(head + (allowed == hops.size() ? "allowed" : allowed == 0 ? "denied" : "allowed to " + allowed + " of "
                + hops.size() + " endpoints") + " (" + kind + " of Service " + service + ")");
        for (PolicyEvaluator.Hop h : hops) {
            String ep = h.endpoint().family() == dev.netc.ir.Family.IPV4 ? h.endpoint() + ":" + h.port()
                    : "[" + h.endpoint() + "]:" + h.port();
            String pod = eval.podAt(h.endpoint()).map(p -> Text.escape(p.meta().qualifiedName()) + " (" + ep + ")").orElse(ep);
            boolean none = h.endpoint().equals(h.frontend().address()) && h.port() == h.frontend().port();
            out.println("  " + (none ? "no endpoint" : "endpoint " + pod) + ": " + (h.verdict().allowed() ? "allowed" : "denied"));
            h.verdict().reasons().forEach(r -> out.println("    " + Text.sanitize(r)));
        }
        return allowed == hops.size() ? Netc.EXIT_OK : allowed == 0 ? EXIT_DENIED : EXIT_PARTLY_DENIED;
    }

    /** An IP address; a pod ({@code namespace/name}); a workload ({@code kind/namespace/name}), for which a replica stands. */
    private IpAddress resolve(Cluster cluster, String what) {
        Optional<IpAddress> ip = IpAddress.tryParse(what);
        if (ip.isPresent()) return ip.get();
        String[] parts = what.split("/", -1);
        Optional<Pod> pod = Optional.empty();
        String asked = "pod";
        if (parts.length == 2) {
            pod = cluster.pods().stream()
                    .filter(p -> p.meta().namespace().equals(parts[0]) && p.meta().name().equals(parts[1])).findFirst();
        } else if (parts.length == 3) {
            Optional<Workload.Kind> kind = workloadKind(parts[0]);
            if (kind.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), Text.quote(what) + ": unknown workload kind " + Text.quote(parts[0])
                        + " (deployment, statefulset, daemonset, replicaset, job)");
            }
            asked = kind.get().name();
            Optional<Workload> w = cluster.workloads().stream().filter(x -> x.workloadKind() == kind.get()
                    && x.meta().namespace().equals(parts[1]) && x.meta().name().equals(parts[2])).findFirst();
            String owner = kind.get().name() + "/" + parts[2];
            pod = cluster.pods().stream().filter(p -> p.meta().namespace().equals(parts[1]))
                    .filter(p -> p.owner().map(owner::equals).orElse(false)
                            || w.map(x -> !x.selector().isEmpty() && x.selector().matches(p.labels())).orElse(false))
                    .filter(p -> !p.ips().isEmpty())
                    .min(java.util.Comparator.comparing((Pod p) -> p.meta().name()));
            if (w.isEmpty() && pod.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), Text.quote(what) + " is not a " + asked + " of the input");
            }
        }
        if (pod.isPresent() && !pod.get().ips().isEmpty()) return pod.get().ips().get(0);
        if (pod.isPresent() || parts.length == 3) {
            throw new CommandLine.ParameterException(spec.commandLine(), Text.quote(what) + " has no pod address (the "
                    + asked.toLowerCase(Locale.ROOT) + " is not scheduled on any node of the input)");
        }
        throw new CommandLine.ParameterException(spec.commandLine(), Text.quote(what)
                + " is neither an IP address, a pod (namespace/name) nor a workload (kind/namespace/name) of the input");
    }

    private static Optional<Workload.Kind> workloadKind(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "deployment", "deployments", "deploy" -> Optional.of(Workload.Kind.Deployment);
            case "statefulset", "statefulsets", "sts" -> Optional.of(Workload.Kind.StatefulSet);
            case "daemonset", "daemonsets", "ds" -> Optional.of(Workload.Kind.DaemonSet);
            case "replicaset", "replicasets", "rs" -> Optional.of(Workload.Kind.ReplicaSet);
            case "job", "jobs" -> Optional.of(Workload.Kind.Job);
            default -> Optional.empty();
        };
    }

    private static String describe(Cluster cluster, String given, IpAddress ip) {
        return IpAddress.tryParse(given).isPresent() ? cluster.pods().stream()
                .filter(p -> !p.hostNetwork() && p.ips().contains(ip)).findFirst()
                .map(p -> Text.escape(p.meta().qualifiedName()) + " (" + ip + ")").orElse(ip.toString())
                : given.split("/", -1).length == 3 ? Text.escape(given) + " (replica " + cluster.pods().stream()
                .filter(p -> !p.hostNetwork() && p.ips().contains(ip)).findFirst().map(p -> Text.escape(p.meta().qualifiedName()))
                .orElse("?") + ", " + ip + ")"
                : Text.escape(given) + " (" + ip + ")";
    }
}
