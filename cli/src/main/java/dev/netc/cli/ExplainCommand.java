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
                "FROM and TO are pods (namespace/name) or IP addresses; PORT/PROTO is like 80/TCP."})
final class ExplainCommand implements Callable<Integer> {
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
        PolicyEvaluator.Verdict v = new PolicyEvaluator(cluster).evaluate(src, dst, port, protocol);
        out.println(describe(cluster, from, src) + " -> " + describe(cluster, to, dst) + " " + protocol + "/" + port
                + ": " + (v.allowed() ? "allowed" : "denied"));
        // The reasons name policies and pods: user text, kept to one printable line each.
        v.reasons().forEach(r -> out.println("  " + Text.sanitize(r)));
        return Netc.EXIT_OK;
    }

    private IpAddress resolve(Cluster cluster, String what) {
        Optional<IpAddress> ip = IpAddress.tryParse(what);
        if (ip.isPresent()) return ip.get();
        String[] nsName = what.split("/", -1);
        if (nsName.length == 2) {
            Optional<Pod> pod = cluster.pods().stream()
                    .filter(p -> p.meta().namespace().equals(nsName[0]) && p.meta().name().equals(nsName[1])).findFirst();
            if (pod.isPresent() && !pod.get().ips().isEmpty()) return pod.get().ips().get(0);
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                Text.quote(what) + " is neither an IP address nor a pod (namespace/name) of the input");
    }

    private static String describe(Cluster cluster, String given, IpAddress ip) {
        return IpAddress.tryParse(given).isPresent() ? cluster.pods().stream()
                .filter(p -> !p.hostNetwork() && p.ips().contains(ip)).findFirst()
                .map(p -> Text.escape(p.meta().qualifiedName()) + " (" + ip + ")").orElse(ip.toString())
                : Text.escape(given) + " (" + ip + ")";
    }
}
