package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.IngressClass;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.TlsSecret;
import dev.netc.ir.plan.IngressPlan;
import dev.netc.ir.plan.NetworkPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Ingress objects served by nginx → virtual hosts → routes → upstreams. An Ingress is served when its class's
 * controller is ingress-nginx (or netc's nginx), or when it names no class and the default class is such a
 * class — or there is no IngressClass at all. Several Ingresses for one host merge; the same host, path and
 * match kind twice is a conflict: the first Ingress by namespace/name keeps the route and the other is warned.
 * Upstreams hold the Service port's ready endpoints. Paths and hosts that could break out of an nginx
 * directive are refused here, so nothing unvetted reaches the config. Upstreams and certificates are kept by
 * identity (namespace, Service, port; namespace, Secret), never by a joined string: the backend names them. A TLS
 * Secret nginx could not load is an error at its field.
 */
public final class IngressRoutes implements Pass<NetworkPlan, NetworkPlan> {
    static final Set<String> CONTROLLERS = Set.of("k8s.io/ingress-nginx", "netc.dev/nginx");
    /** RFC 3986 path characters without the ones nginx gives meaning to (;{}'"$#\ and whitespace). */
    static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~%@:+,=!*()&/-]*");
    static final Pattern SAFE_HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        Set<String> ours = new TreeSet<>();
        Optional<String> defaultClass = Optional.empty();
        for (IngressClass ic : c.ingressClasses()) {
            if (!CONTROLLERS.contains(ic.controller())) continue;
            ours.add(ic.meta().name());
            if (ic.isDefault() && defaultClass.isEmpty()) defaultClass = Optional.of(ic.meta().name());
        }
        boolean servesClassless = c.ingressClasses().isEmpty() || defaultClass.isPresent();
        Map<IngressPlan.ServiceRef, IngressPlan.Upstream> upstreams = new TreeMap<>();
        Map<String, List<IngressPlan.Route>> routes = new TreeMap<>();
        Map<String, IngressPlan.SecretRef> certOf = new TreeMap<>();
        Map<IngressPlan.SecretRef, IngressPlan.Certificate> certs = new TreeMap<>();
        Map<String, String> routeOwner = new TreeMap<>();
        Map<IngressPlan.SecretRef, Boolean> pemChecked = new TreeMap<>();
        Optional<IngressPlan.ServiceRef> defaultUpstream = Optional.empty();
        Set<String> noRedirect = new TreeSet<>();
        String defaultOwner = "";
        for (Ingress ing : c.ingresses()) {
            boolean served = ing.ingressClassName().map(ours::contains).orElse(servesClassless);
            if (!served) continue;
            String who = ing.meta().qualifiedName();
            Options opt = options(ing, diagnostics);
            if (opt == null) continue;
            if (ing.defaultBackend().isPresent()) {
                IngressPlan.ServiceRef up = upstream(plan, ing.meta().namespace(), ing.defaultBackend().get(), upstreams);
                if (defaultUpstream.isEmpty()) {
                    defaultUpstream = Optional.of(up);
                    defaultOwner = who;
                } else {
                    diagnostics.warning(DiagnosticCode.NETC046, ing.defaultBackend().get().pos(), "default backend of Ingress "
                            + who + " ignored: Ingress " + defaultOwner + " already sets the catch-all backend");
                }
            }
            for (Ingress.Tls tls : ing.tls()) {
                Optional<TlsSecret> secret = c.secret(ing.meta().namespace(), tls.secretName());
                if (secret.isEmpty()) {
                    diagnostics.error(DiagnosticCode.NETC037, tls.pos(), "TLS secret " + ing.meta().namespace() + "/"
                            + Text.escape(tls.secretName()) + " is not in the input (a kubernetes.io/tls Secret is needed)");
                    continue;
                }
                IngressPlan.SecretRef name = new IngressPlan.SecretRef(ing.meta().namespace(), tls.secretName());
                if (!pemChecked.computeIfAbsent(name, k -> loadable(secret.get(), diagnostics))) continue;
                certs.put(name, new IngressPlan.Certificate(name, secret.get().certificatePem(), secret.get().privateKeyPem()));
                for (String h : tls.hosts()) certOf.putIfAbsent(h, name);
            }
            for (Ingress.Rule rule : ing.rules()) {
                String host = rule.host();
                if (!host.isEmpty() && !SAFE_HOST.matcher(host).matches()) {
                    diagnostics.error(DiagnosticCode.NETC036, rule.pos(), "host " + quote(host) + " cannot be served (lower-case DNS name, optionally *.)");
                    continue;
                }
                for (Ingress.Path p : rule.paths()) {
                    if (!SAFE_PATH.matcher(p.path()).matches() || p.path().contains("//")) {
                        diagnostics.error(DiagnosticCode.NETC035, p.pos(), "path " + quote(p.path())
                                + " has characters nginx would read as syntax (allowed: letters, digits and /._~%@:+,=!*()&-)");
                        continue;
                    }
                    boolean exact = p.pathType() == Ingress.PathType.Exact;
                    // Prefix matching is element-wise and ignores a trailing slash: /foo/ is /foo.
                    String path = exact || p.path().equals("/") ? p.path() : p.path().replaceAll("/+$", "");
                    String key = host + " " + (exact ? "=" : "^") + path;
                    if (routeOwner.containsKey(key)) {
                        diagnostics.warning(DiagnosticCode.NETC046, p.pos(), (exact ? "Exact" : "Prefix") + " path " + quote(path)
                                + " for host " + quote(host.isEmpty() ? "*" : host) + " is also set by Ingress " + routeOwner.get(key)
                                + ", which keeps it");
                        continue;
                    }
                    routeOwner.put(key, who);
                    IngressPlan.ServiceRef up = upstream(plan, ing.meta().namespace(), p.backend(), upstreams);
                    routes.computeIfAbsent(host, k -> new ArrayList<>()).add(new IngressPlan.Route(path, exact, up, who,
                            opt.rewrite, opt.https, opt.bodySize, opt.allow));
                    if (!opt.sslRedirect) noRedirect.add(host);
                }
            }
        }
        List<IngressPlan.VirtualHost> hosts = new ArrayList<>();
        routes.forEach((host, rs) -> {
            List<IngressPlan.Route> sorted = new ArrayList<>(rs);
            sorted.sort(Comparator.comparing((IngressPlan.Route r) -> !r.exact())
                    .thenComparing(r -> -r.path().length()).thenComparing(IngressPlan.Route::path));
            Optional<IngressPlan.SecretRef> cert = Optional.ofNullable(certOf.get(host));
            hosts.add(new IngressPlan.VirtualHost(host, sorted, cert, cert.isPresent() && !noRedirect.contains(host)));
        });
        return plan.withIngress(new IngressPlan(hosts, List.copyOf(upstreams.values()), defaultUpstream,
                List.copyOf(certs.values())));
    }

    static final String PREFIX = "nginx.ingress.kubernetes.io/";
    static final Pattern REWRITE = Pattern.compile("/[A-Za-z0-9._~%@:+,=!*()&/-]*");
    static final Pattern SIZE = Pattern.compile("[0-9]{1,9}[kKmMgG]?");

    /** What the supported annotations ask for. */
    private record Options(String rewrite, boolean sslRedirect, boolean https, String bodySize, List<String> allow) {
    }

    /**
     * The supported ingress-nginx annotations, each checked against a strict grammar (a value that does not fit
     * is an error: nothing unvetted reaches the config); any other ingress-nginx annotation is warned about and
     * ignored, never passed through. Null when an annotation value was refused.
     */
    private static Options options(Ingress ing, Diagnostics diagnostics) {
        String rewrite = "";
        boolean redirect = true;
        boolean https = false;
        String size = "";
        List<String> allow = new ArrayList<>();
        boolean ok = true;
        for (Map.Entry<String, String> a : ing.meta().annotations().entrySet()) {
            String key = a.getKey();
            String v = a.getValue();
            if (!key.startsWith(PREFIX)) continue;
            var pos = ing.meta().at("metadata.annotations." + key);
            switch (key.substring(PREFIX.length())) {
                case "rewrite-target" -> {
                    if (REWRITE.matcher(v).matches() && !v.contains("//")) rewrite = v;
                    else ok = refuse(diagnostics, pos, key, v, "a path such as /api (capture groups are not supported)");
                }
                case "ssl-redirect" -> {
                    if (v.equals("true") || v.equals("false")) redirect = v.equals("true");
                    else ok = refuse(diagnostics, pos, key, v, "true or false");
                }
                case "backend-protocol" -> {
                    if (v.equals("HTTP") || v.equals("HTTPS")) https = v.equals("HTTPS");
                    else ok = refuse(diagnostics, pos, key, v, "HTTP or HTTPS");
                }
                case "proxy-body-size" -> {
                    if (SIZE.matcher(v).matches()) size = v;
                    else ok = refuse(diagnostics, pos, key, v, "a size such as 8m, 512k or 0");
                }
                case "whitelist-source-range" -> {
                    for (String part : v.split(",", -1)) {
                        String t = part.strip();
                        var cidr = dev.netc.ir.Cidr.tryParse(t.contains("/") ? t : t + (t.contains(":") ? "/128" : "/32"));
                        if (cidr.isEmpty()) {
                            ok = refuse(diagnostics, pos, key, v, "a comma-separated list of CIDRs");
                            break;
                        }
                        allow.add(cidr.get().text());
                    }
                }
                default -> diagnostics.warning(DiagnosticCode.NETC047, pos, "annotation " + quote(key) + " on Ingress "
                        + ing.meta().qualifiedName() + " is not supported by netc: ignored");
            }
        }
        return ok ? new Options(rewrite, redirect, https, size, List.copyOf(new TreeSet<>(allow))) : null;
    }

    private static boolean refuse(Diagnostics d, dev.netc.ir.SourcePos pos, String key, String value, String allowed) {
        d.error(DiagnosticCode.NETC048, pos, "annotation " + quote(key) + " has value " + Text.quote(value, 60) + " (allowed: " + allowed + ")");
        return false;
    }

    /**
     * Whether nginx can load the Secret's certificate and key (PEM, X.509, an unencrypted key that belongs to
     * the certificate); each problem is an error at the field that holds it.
     */
    private static boolean loadable(TlsSecret secret, Diagnostics diagnostics) {
        String who = "Secret " + secret.meta().namespace() + "/" + secret.meta().name();
        TlsPem.Result cert = TlsPem.certificate(secret.certificatePem());
        cert.problem().ifPresent(p -> diagnostics.error(DiagnosticCode.NETC037, field(secret, "tls.crt"),
                "tls.crt of " + who + " " + p + ": nginx could not load it"));
        Optional<String> key = TlsPem.key(secret.privateKeyPem(), cert.certificate());
        key.ifPresent(p -> diagnostics.error(DiagnosticCode.NETC037, field(secret, "tls.key"),
                "tls.key of " + who + " " + p + ": nginx could not load it"));
        return cert.problem().isEmpty() && key.isEmpty();
    }

    /** Where a Secret's key was written: stringData wins over data, as the API server merges them. */
    private static dev.netc.ir.SourcePos field(TlsSecret secret, String key) {
        return secret.meta().fields().containsKey("stringData." + key) ? secret.meta().at("stringData." + key)
                : secret.meta().at("data." + key);
    }

    private static String quote(String s) {
        return Text.quote(s);
    }

    /** The upstream of a Service port (by number or name): its ready endpoints, or none (answered with 503). */
    private static IngressPlan.ServiceRef upstream(NetworkPlan plan, String ns, Ingress.Backend b,
                                                   Map<IngressPlan.ServiceRef, IngressPlan.Upstream> out) {
        IngressPlan.ServiceRef name = new IngressPlan.ServiceRef(ns, b.serviceName(), b.port());
        if (out.containsKey(name)) return name;
        List<String> servers = new ArrayList<>();
        Optional<Service> svc = plan.cluster().service(ns, b.serviceName());
        Optional<ServicePort> port = svc.flatMap(s -> s.ports().stream().filter(p -> b.port() instanceof PortRef.Number n
                ? p.port() == n.value() : p.name().equals(((PortRef.Name) b.port()).value())).findFirst());
        if (port.isPresent()) {
            TreeSet<String> eps = new TreeSet<>();
            for (EndpointSlice slice : plan.endpointSlices()) {
                if (!slice.meta().namespace().equals(ns) || !slice.serviceName().equals(b.serviceName())) continue;
                for (EndpointSlice.EndpointPort ep : slice.ports()) {
                    if (!ep.name().equals(port.get().name()) || ep.protocol() != port.get().protocol()) continue;
                    for (EndpointSlice.Endpoint e : slice.endpoints()) {
                        if (!e.ready()) continue;
                        for (IpAddress a : e.addresses()) {
                            eps.add(a.family() == dev.netc.ir.Family.IPV4 ? a.text() + ":" + ep.port() : "[" + a.text() + "]:" + ep.port());
                        }
                    }
                }
            }
            servers.addAll(eps);
        }
        out.put(name, new IngressPlan.Upstream(name, servers));
        return name;
    }
}
