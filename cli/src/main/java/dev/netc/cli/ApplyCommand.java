package dev.netc.cli;

import dev.netc.applier.Applier;
import dev.netc.applier.BackendKind;
import dev.netc.applier.Request;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Installs this node's rulesets from a folder written by netc compile, atomically.",
                "Exit codes: 0 applied or nothing to change, 1 rejected (previous rules in place), 2 usage,",
                "3 drift (--check), 4 another applier holds the lock, 5 refused (digest, node, ownership),",
                "70 internal error, 74 state directory unreadable or unwritable."})
final class ApplyCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "this node's name, as in the manifest")
    String node;

    @Parameters(index = "0", arity = "0..1", paramLabel = "OUT", description = "the output folder of netc compile (not with --rollback)")
    Path out;

    @Option(names = "--backend", split = ",", paramLabel = "LIST",
            description = "nftables, iptables, ipvs, nginx, podnet, dns (default: nftables)")
    List<String> backends = List.of("nftables");

    @Option(names = "--dry-run", description = "plan and have the kernel or tool check the change; change nothing")
    boolean dryRun;

    @Option(names = "--check", description = "compare the node with OUT; exit 3 and list the differences on drift")
    boolean check;

    @Option(names = "--rollback", description = "put back the bundle applied before the current one")
    boolean rollback;

    @Option(names = "--full", description = "install whole tables even when only set or map elements changed")
    boolean full;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the applier keeps its state and lock (default: /var/lib/netc)")
    Path stateDir = Request.DEFAULT_STATE_DIR;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS", description = "how long to wait for another applier (default: 60)")
    long lockTimeout = 60;

    @Option(names = "--nginx-prefix", paramLabel = "DIR", description = "nginx's prefix folder (default: /etc/netc/nginx)")
    Path nginxPrefix = Request.DEFAULT_NGINX_PREFIX;

    @Option(names = "--dns-prefix", paramLabel = "DIR",
            description = "knotd's folder: releases/, the current link, knot.conf and knot.sock (default: /etc/netc/dns)")
    Path dnsPrefix = Request.DEFAULT_DNS_PREFIX;

    @Option(names = "--ipvs-interface", paramLabel = "NAME", description = "dummy interface for IPVS virtual addresses (default: kube-ipvs0)")
    String ipvsInterface = "kube-ipvs0";

    @Option(names = "--netns", paramLabel = "NAME", description = "apply inside this named network namespace (ip netns)")
    String netns;

    @Option(names = "--verify-key", paramLabel = "PUB",
            description = "refuse (exit 5) an OUT whose netc-manifest.json.sig is missing or not this Ed25519 public key's (X.509 PEM)")
    Path verifyKey;

    @Override
    public Integer call() {
        int modes = (dryRun ? 1 : 0) + (check ? 1 : 0) + (rollback ? 1 : 0);
        if (modes > 1) throw new CommandLine.ParameterException(spec.commandLine(), "--dry-run, --check and --rollback exclude each other");
        if (rollback && out != null) throw new CommandLine.ParameterException(spec.commandLine(), "--rollback takes no OUT");
        if (!rollback && out == null) throw new CommandLine.ParameterException(spec.commandLine(), "OUT is required");
        List<BackendKind> kinds = new ArrayList<>();
        for (String b : backends) {
            BackendKind k = BackendKind.parse(b).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "unknown backend '" + b + "' (nftables, iptables, ipvs, nginx, podnet, dns)"));
            if (!kinds.contains(k)) kinds.add(k);
        }
        if (lockTimeout < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--lock-timeout must be 0 or more");
        Request.Mode mode = dryRun ? Request.Mode.DRY_RUN : check ? Request.Mode.CHECK : rollback ? Request.Mode.ROLLBACK : Request.Mode.APPLY;
        Optional<java.security.PublicKey> key = Optional.empty();
        if (verifyKey != null) {
            try {
                key = Optional.of(dev.netc.applier.ManifestSignature.readPublic(verifyKey));
            } catch (dev.netc.applier.ManifestSignature.KeyException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--verify-key: " + e.getMessage());
            }
        }
        Request req = Request.of(node, Optional.ofNullable(out), kinds, mode, stateDir)
                .withLockTimeout(Duration.ofSeconds(lockTimeout)).withFull(full).withNginxPrefix(nginxPrefix).withDnsPrefix(dnsPrefix)
                .withIpvsInterface(ipvsInterface).withNetns(Optional.ofNullable(netns)).withVerifyKey(key);
        return new Applier().run(req, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
