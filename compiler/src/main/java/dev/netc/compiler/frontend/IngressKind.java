package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.Ingress.Backend;
import dev.netc.ir.model.Ingress.Path;
import dev.netc.ir.model.Ingress.PathType;
import dev.netc.ir.model.Ingress.Rule;
import dev.netc.ir.model.Ingress.Tls;
import dev.netc.ir.model.PortRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An Ingress (networking.k8s.io/v1). */
final class IngressKind {
    static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    /** What the API server refuses in Exact and Prefix paths. */
    private static final String[] BAD_SEQUENCES = {"//", "/./", "/../", "%2f", "%2F"};
    private static final String[] BAD_SUFFIXES = {"/..", "/."};

    private IngressKind() {
    }

    static Optional<Ingress> ingress(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "Ingress", true, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        Optional<String> className = spec.string("ingressClassName")
                .or(() -> Optional.ofNullable(meta.annotations().get(CLASS_ANNOTATION)));
        Optional<Backend> defaultBackend = spec.get("defaultBackend").flatMap(IngressKind::backend);
        List<Tls> tls = new ArrayList<>();
        for (Val t : spec.list("tls")) {
            Optional<MapVal> tm = t.map();
            if (tm.isEmpty()) continue;
            List<String> hosts = new ArrayList<>();
            for (Val h : tm.get().list("hosts")) h.string().filter(s -> host(h, s)).ifPresent(hosts::add);
            String secretName = tm.get().string("secretName").orElse("");
            tls.add(new Tls(hosts, secretName, t.pos()));
        }
        List<Rule> rules = new ArrayList<>();
        for (Val r : spec.list("rules")) {
            Optional<MapVal> rm = r.map();
            if (rm.isEmpty()) continue;
            Optional<Val> hostVal = rm.get().get("host");
            String host = hostVal.flatMap(h -> h.string().filter(s -> host(h, s))).orElse("");
            List<Path> paths = new ArrayList<>();
            Optional<MapVal> http = rm.get().map("http");
            if (http.isPresent()) {
                http.get().required("paths");
                for (Val p : http.get().list("paths")) path(p).ifPresent(paths::add);
            }
            rules.add(new Rule(host, paths, r.pos()));
        }
        if (dc.failed()) return Optional.empty();
        return Optional.of(new Ingress(meta.build(dc), className, defaultBackend, tls, rules));
    }

    private static Optional<Path> path(Val v) {
        Optional<MapVal> pm = v.map();
        if (pm.isEmpty()) return Optional.empty();
        MapVal m = pm.get();
        Optional<PathType> type = m.required("pathType").flatMap(t -> Common.enumValue(t, PathType.class, "pathType"));
        Optional<Val> pathVal = m.get("path");
        String path = pathVal.flatMap(Val::string).orElse("");
        Optional<Backend> backend = m.required("backend").flatMap(IngressKind::backend);
        if (type.isEmpty() || backend.isEmpty()) return Optional.empty();
        Optional<String> problem = pathProblem(path, type.get());
        if (problem.isPresent()) {
            v.dc.error(DiagnosticCode.NETC035, pathVal.map(Val::pos).orElse(v.pos()), problem.get());
            return Optional.empty();
        }
        return Optional.of(new Path(path, type.get(), backend.get(), v.pos()));
    }

    private static Optional<String> pathProblem(String path, PathType type) {
        if (type == PathType.ImplementationSpecific) {
            return !path.isEmpty() && !path.startsWith("/")
                    ? Optional.of("path " + Messages.quote(path) + " must start with \"/\"") : Optional.empty();
        }
        if (!path.startsWith("/"))
            return Optional.of("path " + Messages.quote(path) + " must start with \"/\" (pathType " + type + ")");
        for (String bad : BAD_SEQUENCES) {
            if (path.contains(bad))
                return Optional.of("path " + Messages.quote(path) + " must not contain " + Messages.quote(bad)
                        + " (pathType " + type + ")");
        }
        for (String bad : BAD_SUFFIXES) {
            if (path.endsWith(bad))
                return Optional.of("path " + Messages.quote(path) + " must not end with " + Messages.quote(bad)
                        + " (pathType " + type + ")");
        }
        return Optional.empty();
    }

    /**
     * A backend: {@code service.name} and a port by number or by name. Resource backends carry no address
     * netc could route to: they are skipped with a note.
     */
    private static Optional<Backend> backend(Val v) {
        Optional<MapVal> bm = v.map();
        if (bm.isEmpty()) return Optional.empty();
        if (bm.get().has("resource") && !bm.get().has("service")) {
            v.dc.note(DiagnosticCode.NETC010, v.anchor(), "resource backend skipped (netc routes to Services only)");
            return Optional.empty();
        }
        Optional<MapVal> svc = bm.get().required("service").flatMap(Val::map);
        if (svc.isEmpty()) return Optional.empty();
        Optional<Val> nameVal = svc.get().required("name");
        Optional<String> name = nameVal.flatMap(Val::string);
        if (name.isPresent() && !KubeNames.isDns1035Label(name.get())) {
            v.dc.error(DiagnosticCode.NETC012, nameVal.get().pos(), "invalid Service name " + Messages.quote(name.get())
                    + " (must be " + KubeNames.DNS1035_LABEL_RULE + ")");
            return Optional.empty();
        }
        Optional<MapVal> port = svc.get().required("port").flatMap(Val::map);
        if (name.isEmpty() || port.isEmpty()) return Optional.empty();
        Optional<Val> number = port.get().get("number");
        Optional<Val> portName = port.get().get("name");
        if (number.isPresent() == portName.isPresent()) {
            v.dc.error(DiagnosticCode.NETC009, port.get().anchor(), port.get().path
                    + " must set exactly one of number and name");
            return Optional.empty();
        }
        Optional<PortRef> ref;
        if (number.isPresent()) {
            ref = Common.portNumber(number.get(), "port").map(PortRef::of);
        } else {
            Val pv = portName.get();
            ref = pv.string().isPresent() ? Common.portRef(pv, "port") : Optional.empty();
        }
        return ref.map(r -> new Backend(name.get(), r, v.anchor()));
    }

    /** Ingress and TLS hosts: lower-case DNS names, a leading wildcard label allowed, never an IP address. */
    private static boolean host(Val v, String host) {
        String rest = host.startsWith("*.") ? host.substring(2) : host;
        if (KubeNames.isIp(rest)) {
            v.dc.error(DiagnosticCode.NETC036, v.pos(), "host " + Messages.quote(host)
                    + " must be a DNS name, not an IP address");
            return false;
        }
        if (!KubeNames.isWildcardHost(host)) {
            v.dc.error(DiagnosticCode.NETC036, v.pos(), "invalid host " + Messages.quote(host) + " (must be "
                    + KubeNames.HOST_RULE + ")");
            return false;
        }
        return true;
    }
}
