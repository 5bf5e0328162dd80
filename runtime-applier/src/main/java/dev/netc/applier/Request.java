package dev.netc.applier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One {@code netc apply}: which node, which output folder (none for a rollback), which backends, what to do,
 * where the state lives, how long to wait for another applier, and the per-backend settings.
 *
 * @param full        install whole tables even when an incremental change would do
 * @param nginxPrefix where the ingress files are installed; nginx runs as {@code nginx -p PREFIX -c nginx.conf}
 * @param dnsPrefix   where the zone files are installed; knotd runs with {@code PREFIX/knot.conf} ({@link dev.netc.applier.dns.DnsApplier})
 * @param ipvsInterface the dummy interface that holds IPVS virtual addresses
 * @param netns       apply inside this named network namespace instead of the caller's
 * @param verifyKey   refuse an OUT whose manifest this Ed25519 key did not sign ({@link ManifestSignature})
 */
public record Request(String node, Optional<Path> out, List<BackendKind> backends, Mode mode, Path stateDir, Duration lockTimeout,
                      boolean full, Path nginxPrefix, Path dnsPrefix, String ipvsInterface, Optional<String> netns, Duration toolTimeout,
                      Optional<java.security.PublicKey> verifyKey) {
    public enum Mode { APPLY, DRY_RUN, CHECK, ROLLBACK }

    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/netc");
    public static final Path DEFAULT_NGINX_PREFIX = Path.of("/etc/netc/nginx");
    public static final Path DEFAULT_DNS_PREFIX = Path.of("/etc/netc/dns");

    public Request {
        backends = List.copyOf(backends);
    }

    /** A request with the defaults for everything but the node, output, backends and mode. */
    public static Request of(String node, Optional<Path> out, List<BackendKind> backends, Mode mode, Path stateDir) {
        return new Request(node, out, backends, mode, stateDir, Duration.ofSeconds(60), false, DEFAULT_NGINX_PREFIX, DEFAULT_DNS_PREFIX, "kube-ipvs0",
                Optional.empty(), Duration.ofSeconds(300), Optional.empty());
    }

    public Request withLockTimeout(Duration d) {
        return new Request(node, out, backends, mode, stateDir, d, full, nginxPrefix, dnsPrefix, ipvsInterface, netns, toolTimeout, verifyKey);
    }

    public Request withFull(boolean f) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, f, nginxPrefix, dnsPrefix, ipvsInterface, netns, toolTimeout, verifyKey);
    }

    public Request withNginxPrefix(Path p) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, full, p, dnsPrefix, ipvsInterface, netns, toolTimeout, verifyKey);
    }

    public Request withDnsPrefix(Path p) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, full, nginxPrefix, p, ipvsInterface, netns, toolTimeout, verifyKey);
    }

    public Request withNetns(Optional<String> n) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, full, nginxPrefix, dnsPrefix, ipvsInterface, n, toolTimeout, verifyKey);
    }

    public Request withIpvsInterface(String i) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, full, nginxPrefix, dnsPrefix, i, netns, toolTimeout, verifyKey);
    }

    public Request withVerifyKey(Optional<java.security.PublicKey> k) {
        return new Request(node, out, backends, mode, stateDir, lockTimeout, full, nginxPrefix, dnsPrefix, ipvsInterface, netns, toolTimeout, k);
    }
}
