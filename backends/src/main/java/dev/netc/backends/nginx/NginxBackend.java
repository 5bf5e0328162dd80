package dev.netc.backends.nginx;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.ir.plan.IngressPlan;
import dev.netc.ir.plan.NetworkPlan;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ingress/nginx.conf}: a complete nginx main configuration (pid, logs and temp paths under the prefix)
 * from the ingress plan, and the TLS files it names ({@code ingress/<namespace>-<secret>.crt|key}, the key
 * written 0600). Route matching follows the Ingress specification: Exact is {@code location = /p}; Prefix /p
 * is {@code location = /p} plus {@code location /p/} (element-wise: /p/x matches, /px does not); nginx prefers
 * exact locations and then the longest prefix, which is the specification's precedence.
 */
public final class NginxBackend implements Backend {
    private final Configuration freemarker;

    public NginxBackend() {
        freemarker = new Configuration(Configuration.VERSION_2_3_33);
        freemarker.setClassForTemplateLoading(NginxBackend.class, "/dev/netc/backends/nginx");
        freemarker.setDefaultEncoding("UTF-8");
        freemarker.setOutputEncoding("UTF-8");
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        IngressPlan in = plan.ingress();
        if (in.hosts().isEmpty() && in.defaultUpstream().isEmpty()) return List.of();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("httpPort", Integer.toString(plan.cluster().profile().ingress().httpPort()));
        model.put("httpsPort", Integer.toString(plan.cluster().profile().ingress().httpsPort()));
        List<Map<String, Object>> ups = new ArrayList<>();
        Set<String> live = new java.util.TreeSet<>();
        for (IngressPlan.Upstream u : in.upstreams()) {
            if (u.servers().isEmpty()) continue;
            live.add(u.name());
            ups.add(Map.of("name", u.name(), "servers", u.servers()));
        }
        model.put("upstreams", ups);
        in.defaultUpstream().filter(live::contains).ifPresent(d -> model.put("defaultUpstream", d));
        List<Map<String, Object>> hosts = new ArrayList<>();
        List<Map<String, Object>> catchAll = new ArrayList<>();
        for (IngressPlan.VirtualHost h : in.hosts()) {
            List<Map<String, Object>> routes = new ArrayList<>();
            boolean root = false;
            Set<String> exactPaths = new java.util.TreeSet<>();
            h.routes().stream().filter(IngressPlan.Route::exact).forEach(r -> exactPaths.add(r.path()));
            Set<String> claimed = new java.util.TreeSet<>();
            for (IngressPlan.Route r : h.routes()) {
                routes.add(route(r, live, exactPaths));
                root |= !r.exact() && r.path().equals("/");
                claimed.add(r.exact() ? r.path() : r.path().equals("/") ? "/" : r.path());
            }
            // nginx answers /foo with a 301 to /foo/ when only "/foo/" is a location; the specification says
            // /foo simply does not match Exact /foo/, so /foo gets a location of its own that falls through.
            for (IngressPlan.Route r : h.routes()) {
                String bare = r.path().replaceAll("/+$", "");
                if (r.exact() && r.path().endsWith("/") && !bare.isEmpty() && !claimed.contains(bare)) {
                    claimed.add(bare);
                    Map<String, Object> fb = new LinkedHashMap<>();
                    fb.putAll(Map.of("kind", "no route for", "path", dev.netc.ir.Text.escape(bare), "origin", dev.netc.ir.Text.escape(r.origin()), "upstream", "",
                            "hasServers", false, "fallback", true, "locations", List.of("= " + bare)));
                    fb.putAll(Map.of("scheme", "http", "rewrite", "", "bodySize", "", "allow", List.of()));
                    routes.add(fb);
                }
            }
            if (h.host().isEmpty()) {
                catchAll.addAll(routes); // rules without a host apply to every host
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("host", serverName(h.host()));
            m.put("routes", routes);
            m.put("hasRoot", root);
            m.put("sslRedirect", h.sslRedirect());
            m.put("certificate", h.certificate().orElse(""));
            hosts.add(m);
        }
        model.put("hosts", hosts);
        model.put("catchAll", catchAll);
        List<Artifact> out = new ArrayList<>();
        out.add(Artifact.text("ingress/nginx.conf", "", render(model)));
        for (IngressPlan.Certificate c : in.certificates()) {
            out.add(new Artifact("ingress/" + c.name() + ".crt", c.certificatePem().getBytes(StandardCharsets.UTF_8), "", false));
            out.add(new Artifact("ingress/" + c.name() + ".key", c.privateKeyPem().getBytes(StandardCharsets.UTF_8), "", true));
        }
        return out;
    }

    /** A wildcard host matches exactly one label, which nginx's own "*." does not: a regex does. */
    static String serverName(String host) {
        if (!host.startsWith("*.")) return host;
        return "~^[^.]+" + host.substring(1).replace(".", "\\.") + "$";
    }

    /** The locations of a route; a Prefix route leaves its own path to an Exact route of the same path. */
    private static Map<String, Object> route(IngressPlan.Route r, Set<String> live, Set<String> exactPaths) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.exact() ? "Exact" : "Prefix");
        m.put("path", dev.netc.ir.Text.escape(r.path())); // only the "# ..." comment line shows path and origin
        m.put("origin", dev.netc.ir.Text.escape(r.origin()));
        m.put("upstream", r.upstream());
        m.put("hasServers", live.contains(r.upstream()));
        m.put("fallback", false);
        m.put("scheme", r.backendHttps() ? "https" : "http");
        m.put("rewrite", r.rewriteTarget());
        m.put("bodySize", r.maxBodySize());
        m.put("allow", r.allowSources());
        List<String> locations = new ArrayList<>();
        if (r.exact()) {
            locations.add("= " + r.path());
        } else if (r.path().equals("/")) {
            locations.add("/");
        } else {
            if (!exactPaths.contains(r.path())) locations.add("= " + r.path());
            locations.add(r.path() + "/");
        }
        m.put("locations", locations);
        return m;
    }

    private String render(Map<String, Object> model) {
        try {
            Template t = freemarker.getTemplate("nginx.conf.ftl");
            StringWriter w = new StringWriter();
            t.process(model, w);
            return w.toString();
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("the nginx template is part of netc and must render", e);
        }
    }
}
