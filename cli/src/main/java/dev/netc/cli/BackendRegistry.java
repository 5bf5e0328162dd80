package dev.netc.cli;

import dev.netc.backends.Backend;
import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.dns.DnsBackend;
import dev.netc.backends.ipvs.IpvsBackend;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.nginx.NginxBackend;
import dev.netc.backends.plan.PlanDumpBackend;
import dev.netc.backends.podnet.PodnetBackend;
import java.util.List;
import java.util.Optional;

/** The backends {@code --backend} can name, in the order their files are listed. */
final class BackendRegistry {
    private final List<Backend> all = List.of(
            new PlanDumpBackend(),
            new IptablesBackend(),
            new NftablesBackend(),
            new IpvsBackend(),
            new NginxBackend(),
            new PodnetBackend(),
            new DnsBackend());

    List<Backend> all() {
        return all;
    }

    List<String> names() {
        return all.stream().map(Backend::name).toList();
    }

    Optional<Backend> byName(String name) {
        return all.stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
