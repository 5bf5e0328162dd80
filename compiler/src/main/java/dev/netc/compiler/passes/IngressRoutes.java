package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Text;
import dev.netc.ir.SourcePos;
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
import java.util.stream.Collectors;

/**
 * Ingress objects served by nginx → virtual hosts → routes → upstreams. An Ingress is served when its class's
 * controller is ingress-nginx (or netc's nginx), or when it names no class and the default class is such a
 * class — or there is no IngressClass at all; a class the input does not hold is served when the profile's
 * {@code ingress.classes} lists it (warned once per class); an Ingress of another controller is skipped with a
 * note. What netc cannot express (a regex path, capture groups, gRPC) leaves out that path or that Ingress with
 * a warning naming what is not served; everything else compiles. A TLS Secret not in the input is served with
 * a placeholder certificate, as ingress-nginx serves its default one. Several Ingresses for one host merge; the same host, path and
 * match kind twice is a conflict: the first Ingress by namespace/name keeps the route and the other is warned.
 * Upstreams hold the Service port's ready endpoints. Paths and hosts that could break out of an nginx
 * directive are refused here, so nothing unvetted reaches the config. Upstreams and certificates are kept by
 * identity (namespace, Service, port; namespace, Secret), never by a joined string: the backend names them. A TLS
 * Secret nginx could not load is an error at its field.
 */
public final class IngressRoutes implements Pass<NetworkPlan, NetworkPlan> {
    static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

    /**
     * Whether the class an Ingress names is netc's: an IngressClass of ingress-nginx in the input, or a class the
     * input does not hold that the profile's {@code ingress.classes} lists. An Ingress naming no class: true.
     */
    static boolean classServed(Cluster c, Ingress ing) {
        if (ing.ingressClassName().isEmpty()) return true;
        String cls = ing.ingressClassName().get();
        Optional<IngressClass> ic = c.ingressClasses().stream().filter(x -> x.meta().name().equals(cls)).findFirst();
        return ic.map(x -> CONTROLLERS.contains(x.controller())).orElseGet(() -> c.profile().ingress().classes().contains(cls));
    }
    static final Set<String> CONTROLLERS = Set.of("k8s.io/ingress-nginx", "netc.dev/nginx");
    /** RFC 3986 path characters without the ones nginx gives meaning to (;{}'"$#\ and whitespace). */
    static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~%@:+,=!*()&/-]*");
    static final Pattern SAFE_HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        Cluster c = plan.cluster();
        Set<String> ours = new TreeSet<>();
        Map<String, String> others = new TreeMap<>();
        Optional<String> defaultClass = Optional.empty();
        for (IngressClass ic : c.ingressClasses()) {
            if (!CONTROLLERS.contains(ic.controller())) {
                others.putIfAbsent(ic.meta().name(), ic.controller());
                continue;
            }
            ours.add(ic.meta().name());
            if (ic.isDefault() && defaultClass.isEmpty()) defaultClass = Optional.of(ic.meta().name());
        }
        boolean servesClassless = c.ingressClasses().isEmpty() || defaultClass.isPresent();
        List<String> profileClasses = c.profile().ingress().classes();
        Set<String> warnedClasses = new TreeSet<>();
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
            String who = ing.meta().qualifiedName();
            boolean served;
            if (ing.ingressClassName().isEmpty()) {
                served = servesClassless;
                if (!served) diagnostics.note(DiagnosticCode.NETC073, ing.meta().at("metadata.name"), "Ingress " + who
                        + " is skipped: it names no class, and no IngressClass of ingress-nginx in the input is the default");
            } else {
                String cls = ing.ingressClassName().get();
                SourcePos classPos = ing.meta().fields().containsKey("spec.ingressClassName")
                        ? ing.meta().at("spec.ingressClassName") : ing.meta().at("metadata.annotations." + CLASS_ANNOTATION);
                if (ours.contains(cls)) {
                    served = true;
                } else if (others.containsKey(cls)) {
                    served = false;
                    diagnostics.note(DiagnosticCode.NETC073, classPos, "Ingress " + who + " is skipped: its IngressClass "
                            + Text.quote(cls) + " belongs to controller " + Text.quote(others.get(cls)) + ", not to ingress-nginx");
                } else {
                    served = profileClasses.contains(cls);
                    if (warnedClasses.add(cls)) {
                        diagnostics.warning(DiagnosticCode.NETC072, classPos, "IngressClass " + Text.quote(cls) + " is not in the input: "
                                + (served ? "its Ingresses are served, as the profile's ingress.classes " + profileClasses + " lists it"
                                : "its Ingresses are not served (the profile's ingress.classes " + profileClasses + " does not list it)"));
                    }
                }
            }
            if (!served) continue;
            Options opt = options(ing, diagnostics);
            if (opt.blocker().isPresent()) {
                Blocker b = opt.blocker().get();
                diagnostics.warning(b.code(), b.pos(), b.reason() + ": Ingress " + who + " is not served (" + effects(ing) + ")");
                continue;
            }
            if (ing.defaultBackend().isPresent()) {
                IngressPlan.ServiceRef up = upstream(plan, ing.meta().namespace(), ing.defaultBackend().get(), upstreams, diagnostics);
                if (defaultUpstream.isEmpty()) {
                    defaultUpstream = Optional.of(up);
                    defaultOwner = who;
                } else {
                    diagnostics.warning(DiagnosticCode.NETC046, ing.defaultBackend().get().pos(), "default backend of Ingress "
                            + who + " ignored: Ingress " + defaultOwner + " already sets the catch-all backend");
                }
            }
            for (Ingress.Tls tls : ing.tls()) {
                IngressPlan.SecretRef name = new IngressPlan.SecretRef(ing.meta().namespace(), tls.secretName());
                Optional<TlsSecret> secret = tls.secretName().isEmpty() ? Optional.empty() : c.secret(ing.meta().namespace(), tls.secretName());
                if (secret.isEmpty()) {
                    // ingress-nginx serves such a host with its default (fake) certificate, redirect included; the
                    // Secret comes later (cert-manager writes it once the certificate is issued)
                    String hosts = tls.hosts().stream().map(Text::quote).collect(Collectors.joining(", "));
                    diagnostics.warning(DiagnosticCode.NETC071, tls.pos(), (tls.secretName().isEmpty() ? "TLS entry names no Secret"
                            : "TLS secret " + ing.meta().namespace() + "/" + Text.escape(tls.secretName()) + " is not in the input")
                            + ": " + (hosts.isEmpty() ? "no host is listed" : (tls.hosts().size() == 1 ? "host " : "hosts ") + hosts
                            + " served over HTTPS with netc's self-signed placeholder certificate, as ingress-nginx serves its"
                            + " default certificate"));
                    certs.putIfAbsent(name, new IngressPlan.Certificate(name, PLACEHOLDER_CRT, PLACEHOLDER_KEY));
                    for (String h : tls.hosts()) certOf.putIfAbsent(h, name);
                    continue;
                }
                if (!pemChecked.computeIfAbsent(name, k -> loadable(secret.get(), diagnostics))) continue;
                certs.put(name, new IngressPlan.Certificate(name, secret.get().certificatePem(), secret.get().privateKeyPem()));
                for (String h : tls.hosts()) certOf.putIfAbsent(h, name);
            }
            for (Ingress.Rule rule : ing.rules()) {
                String host = rule.host();
                if (!host.isEmpty() && !SAFE_HOST.matcher(host).matches()) {
                    diagnostics.error(DiagnosticCode.NETC036, rule.pos(), "host " + Text.quote(host) + " cannot be served (lower-case DNS name, optionally *.)");
                    continue;
                }
                for (Ingress.Path p : rule.paths()) {
                    if (!SAFE_PATH.matcher(p.path()).matches() || p.path().contains("//")) {
                        diagnostics.warning(DiagnosticCode.NETC070, p.pos(), pathOfHost(p.path(), host) + " is not served: "
                                + "netc puts only plain paths in nginx locations (letters, digits and /._~%@:+,=!*()&-;"
                                + " no regular expressions)");
                        continue;
                    }
                    boolean exact = p.pathType() == Ingress.PathType.Exact;
                    // Prefix matching is element-wise and ignores a trailing slash: /foo/ is /foo.
                    String path = exact || p.path().equals("/") ? p.path() : p.path().replaceAll("/+$", "");
                    String key = host + " " + (exact ? "=" : "^") + path;
                    if (routeOwner.containsKey(key)) {
                        diagnostics.warning(DiagnosticCode.NETC046, p.pos(), (exact ? "Exact" : "Prefix") + " path " + Text.quote(path)
                                + " for host " + Text.quote(host.isEmpty() ? "*" : host) + " is also set by Ingress " + routeOwner.get(key)
                                + ", which keeps it");
                        continue;
                    }
                    routeOwner.put(key, who);
                    IngressPlan.ServiceRef up = upstream(plan, ing.meta().namespace(), p.backend(), upstreams, diagnostics);
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
    /** A rewrite target made of path characters and capture-group references ($1 … $9). */
    static final Pattern CAPTURE = Pattern.compile("/([A-Za-z0-9._~%@:+,=!*()&/-]|\\$[1-9])*");
    /** netc's placeholder for a TLS Secret not in the input: self-signed, CN "netc placeholder certificate". */
    static final String PLACEHOLDER_CRT = resource("placeholder.crt");
    static final String PLACEHOLDER_KEY = resource("placeholder.key");

    private static String resource(String name) {
        try (var in = IngressRoutes.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("netc's " + name + " is missing from the build");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Why an Ingress cannot be served as a whole: the code, where, and what netc cannot do. */
    private record Blocker(DiagnosticCode code, SourcePos pos, String reason) {
    }

    /** What the supported annotations ask for; a blocker when one of them makes the Ingress unservable. */
    private record Options(String rewrite, boolean sslRedirect, boolean https, String bodySize, List<String> allow,
                           Optional<Blocker> blocker) {
    }

    /** The values of ingress-nginx's backend-protocol netc's nginx config cannot speak. */
    static final Set<String> OTHER_PROTOCOLS = Set.of("GRPC", "GRPCS", "AUTO_HTTP", "FCGI");

    /**
     * The supported ingress-nginx annotations, each checked against a strict grammar; any other ingress-nginx
     * annotation is warned about and ignored, never passed through. A value outside the grammar makes the Ingress
     * unservable (as ingress-nginx's annotation validation rejects it: NETC048), and so does a valid value netc
     * cannot express (capture groups, regular expressions, gRPC: NETC070); the first such annotation is the
     * blocker, and nothing of the Ingress reaches the config.
     */
    private static Options options(Ingress ing, Diagnostics diagnostics) {
        String rewrite = "";
        boolean redirect = true;
        boolean https = false;
        String size = "";
        List<String> allow = new ArrayList<>();
        List<Blocker> blockers = new ArrayList<>();
        for (Map.Entry<String, String> a : ing.meta().annotations().entrySet()) {
            String key = a.getKey();
            String v = a.getValue();
            if (!key.startsWith(PREFIX)) continue;
            var pos = ing.meta().at("metadata.annotations." + key);
            switch (key.substring(PREFIX.length())) {
                case "rewrite-target" -> {
                    if (REWRITE.matcher(v).matches() && !v.contains("//")) rewrite = v;
                    else if (CAPTURE.matcher(v).matches()) blockers.add(new Blocker(DiagnosticCode.NETC070, pos, "annotation "
                            + Text.quote(key) + " value " + Text.quote(v) + " uses capture groups of a regular-expression path, which netc"
                            + " does not express"));
                    else blockers.add(refuse(pos, key, v, "a path such as /api"));
                }
                case "use-regex" -> {
                    if (v.equals("true")) blockers.add(new Blocker(DiagnosticCode.NETC070, pos, "annotation " + Text.quote(key)
                            + " makes the paths regular expressions, which netc does not express"));
                    else if (!v.equals("false")) blockers.add(refuse(pos, key, v, "true or false"));
                }
                case "ssl-redirect" -> {
                    if (v.equals("true") || v.equals("false")) redirect = v.equals("true");
                    else blockers.add(refuse(pos, key, v, "true or false"));
                }
                case "backend-protocol" -> {
                    if (v.equals("HTTP") || v.equals("HTTPS")) https = v.equals("HTTPS");
                    else if (OTHER_PROTOCOLS.contains(v)) blockers.add(new Blocker(DiagnosticCode.NETC070, pos, "annotation "
                            + Text.quote(key) + " value " + Text.quote(v) + " asks for a protocol netc's nginx config does not speak"
                            + " (HTTP and HTTPS only)"));
                    else blockers.add(refuse(pos, key, v, "HTTP or HTTPS"));
                }
                case "proxy-body-size" -> {
                    if (SIZE.matcher(v).matches()) size = v;
                    else blockers.add(refuse(pos, key, v, "a size such as 8m, 512k or 0"));
                }
                case "whitelist-source-range" -> {
                    for (String part : v.split(",", -1)) {
                        String t = part.strip();
                        var cidr = dev.netc.ir.Cidr.tryParse(t.contains("/") ? t : t + (t.contains(":") ? "/128" : "/32"));
                        if (cidr.isEmpty()) {
                            blockers.add(refuse(pos, key, v, "a comma-separated list of CIDRs"));
                            break;
                        }
                        allow.add(cidr.get().text());
                    }
                }
                default -> diagnostics.warning(DiagnosticCode.NETC047, pos, "annotation " + Text.quote(key) + " on Ingress "
                        + ing.meta().qualifiedName() + " is not supported by netc: ignored");
            }
        }
        blockers.sort(Comparator.comparing(Blocker::pos));
        return new Options(rewrite, redirect, https, size, List.copyOf(new TreeSet<>(allow)),
                blockers.stream().findFirst());
    }

    private static Blocker refuse(SourcePos pos, String key, String value, String allowed) {
        return new Blocker(DiagnosticCode.NETC048, pos, "annotation " + Text.quote(key) + " has value " + Text.quote(value.length() > 60
                ? value.substring(0, 60) + "..." : value) + " (allowed: " + allowed + ")");
    }

    /** What an unserved Ingress leaves out, as the client sees it. */
    private static String effects(Ingress ing) {
        List<String> out = new ArrayList<>();
        for (Ingress.Rule r : ing.rules()) {
            for (Ingress.Path p : r.paths()) out.add(pathOfHost(p.path(), r.host()));
        }
        if (ing.defaultBackend().isPresent()) out.add("its default backend");
        return out.isEmpty() ? "it has no paths" : String.join(", ", out) + (out.size() == 1 ? " is" : " are") + " not served";
    }

    private static String pathOfHost(String path, String host) {
        return "path " + Text.quote(path.isEmpty() ? "/" : path) + " of " + (host.isEmpty() ? "every host" : "host " + Text.quote(host));
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
    private static SourcePos field(TlsSecret secret, String key) {
        return secret.meta().fields().containsKey("stringData." + key) ? secret.meta().at("stringData." + key)
                : secret.meta().at("data." + key);
    }

    /** The upstream of a Service port (by number or name): its ready endpoints, or none (answered with 503). */
    private static IngressPlan.ServiceRef upstream(NetworkPlan plan, String ns, Ingress.Backend b,
                                                   Map<IngressPlan.ServiceRef, IngressPlan.Upstream> out, Diagnostics d) {
        IngressPlan.ServiceRef name = new IngressPlan.ServiceRef(ns, b.serviceName(), b.port());
        Optional<Service> svc = plan.cluster().service(ns, b.serviceName());
        if (svc.isPresent() && svc.get().type() == Service.Type.ExternalName) {
            d.warning(DiagnosticCode.NETC074, b.pos(), "Service " + ns + "/" + b.serviceName() + " is an ExternalName Service (to "
                    + Text.quote(svc.get().externalName()) + "): netc does not proxy to names outside the cluster, so this backend"
                    + " answers 503");
        }
        if (out.containsKey(name)) return name;
        List<String> servers = new ArrayList<>();
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
