package dev.netc.ir.model;

import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Optional;

/** An Ingress (networking.k8s.io/v1). {@code host} empty = every host. */
public record Ingress(ObjectMeta meta, Optional<String> ingressClassName, Optional<Backend> defaultBackend,
                      List<Tls> tls, List<Rule> rules) implements KubeObject {
    public enum PathType { Exact, Prefix, ImplementationSpecific }

    public Ingress {
        tls = List.copyOf(tls);
        rules = List.copyOf(rules);
    }

    public record Rule(String host, List<Path> paths, SourcePos pos) {
        public Rule {
            paths = List.copyOf(paths);
        }
    }

    public record Path(String path, PathType pathType, Backend backend, SourcePos pos) {
    }

    public record Backend(String serviceName, PortRef port, SourcePos pos) {
    }

    public record Tls(List<String> hosts, String secretName, SourcePos pos) {
        public Tls {
            hosts = List.copyOf(hosts);
        }
    }
}
