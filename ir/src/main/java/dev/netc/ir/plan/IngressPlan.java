package dev.netc.ir.plan;

import dev.netc.ir.model.PortRef;
import java.util.List;
import java.util.Optional;

/**
 * What the ingress controller serves: virtual hosts with their routes in match order, the upstreams they send
 * to, the catch-all default backend (absent: unknown requests get 404) and the TLS certificates to write.
 * Upstreams and certificates are named by the full identity of what they stand for ({@link ServiceRef},
 * {@link SecretRef}); the backend turns an identity into a name its tool accepts.
 */
public record IngressPlan(List<VirtualHost> hosts, List<Upstream> upstreams, Optional<ServiceRef> defaultUpstream,
                          List<Certificate> certificates) {
    public static final IngressPlan EMPTY = new IngressPlan(List.of(), List.of(), Optional.empty(), List.of());

    public IngressPlan {
        hosts = List.copyOf(hosts);
        upstreams = List.copyOf(upstreams);
        certificates = List.copyOf(certificates);
    }

    /** A Service port an Ingress sends to: its namespace, its name and the port by number or by name. */
    public record ServiceRef(String namespace, String service, PortRef port) implements Comparable<ServiceRef> {
        @Override
        public int compareTo(ServiceRef o) {
            int c = namespace.compareTo(o.namespace);
            if (c == 0) c = service.compareTo(o.service);
            if (c == 0) c = Boolean.compare(port instanceof PortRef.Name, o.port instanceof PortRef.Name);
            return c != 0 ? c : port.toString().compareTo(o.port.toString());
        }
    }

    /** A kubernetes.io/tls Secret: namespace and name. */
    public record SecretRef(String namespace, String name) implements Comparable<SecretRef> {
        @Override
        public int compareTo(SecretRef o) {
            int c = namespace.compareTo(o.namespace);
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    /**
     * One server name ({@code *.example.com} matches exactly one label), its routes (Exact before Prefix, longer
     * first), the certificate it serves over HTTPS (absent: plain HTTP only) and whether plain HTTP is redirected to
     * HTTPS (only with a certificate; without the redirect both serve the routes).
     */
    public record VirtualHost(String host, List<Route> routes, Optional<SecretRef> certificate, boolean sslRedirect) {
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
    public record Route(String path, boolean exact, ServiceRef upstream, String origin, String rewriteTarget,
                        boolean backendHttps, String maxBodySize, List<String> allowSources) {
        public Route {
            allowSources = List.copyOf(allowSources);
        }

        public Route(String path, boolean exact, ServiceRef upstream, String origin) {
            this(path, exact, upstream, origin, "", false, "", List.of());
        }
    }

    /** {@code servers}: {@code ip:port} of the ready endpoints; empty = 503. */
    public record Upstream(ServiceRef service, List<String> servers) {
        public Upstream {
            servers = List.copyOf(servers);
        }
    }

    /** PEM text of a kubernetes.io/tls Secret; written next to the config, readable by its owner only. */
    public record Certificate(SecretRef secret, String certificatePem, String privateKeyPem) {
        @Override
        public String toString() {
            return "Certificate[" + secret.namespace() + "/" + secret.name() + ", key redacted]";
        }
    }
}
