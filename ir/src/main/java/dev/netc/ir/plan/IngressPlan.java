package dev.netc.ir.plan;

import java.util.List;
import java.util.Optional;

/**
 * What the ingress controller serves: virtual hosts with their routes in match order, the upstreams they send
 * to, the catch-all default backend (absent: unknown requests get 404) and the TLS certificates to write.
 */
public record IngressPlan(List<VirtualHost> hosts, List<Upstream> upstreams, Optional<String> defaultUpstream,
                          List<Certificate> certificates) {
    public static final IngressPlan EMPTY = new IngressPlan(List.of(), List.of(), Optional.empty(), List.of());

    public IngressPlan {
        hosts = List.copyOf(hosts);
        upstreams = List.copyOf(upstreams);
        certificates = List.copyOf(certificates);
    }

    /**
     * One server name ({@code *.example.com} matches exactly one label), its routes (Exact before Prefix, longer
     * first), the certificate it serves (by name) and whether plain HTTP is redirected to HTTPS.
     */
    public record VirtualHost(String host, List<Route> routes, Optional<String> certificate, boolean sslRedirect) {
        public VirtualHost {
            routes = List.copyOf(routes);
        }
    }

    /**
     * {@code exact}: the path only; otherwise the path and everything below it, element by element. The
     * options come from the Ingress's supported annotations: {@code rewriteTarget} (empty = none),
     * {@code backendHttps}, {@code maxBodySize} (nginx size, empty = nginx's default), {@code allowSources}
     * (empty = everyone).
     */
    public record Route(String path, boolean exact, String upstream, String origin, String rewriteTarget,
                        boolean backendHttps, String maxBodySize, List<String> allowSources) {
        public Route {
            allowSources = List.copyOf(allowSources);
        }

        public Route(String path, boolean exact, String upstream, String origin) {
            this(path, exact, upstream, origin, "", false, "", List.of());
        }
    }

    /** {@code servers}: {@code ip:port} of the ready endpoints; empty = 503. */
    public record Upstream(String name, List<String> servers) {
        public Upstream {
            servers = List.copyOf(servers);
        }
    }

    /** PEM text of a kubernetes.io/tls Secret; written next to the config, readable by its owner only. */
    public record Certificate(String name, String certificatePem, String privateKeyPem) {
        @Override
        public String toString() {
            return "Certificate[" + name + ", key redacted]";
        }
    }
}
