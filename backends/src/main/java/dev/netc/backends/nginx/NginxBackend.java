package dev.netc.backends.nginx;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.backends.Names;
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
 * from the ingress plan, and the TLS files it names ({@code ingress/<namespace>.<secret>-<hash>.crt|key}, the
 * key written 0600). Route matching follows the Ingress specification: Exact is {@code location = /p}; Prefix /p
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
        model.put("httpPort", Integer.toString(httpPort(plan)));
        List<Map<String, Object>> ups = new ArrayList<>();
        Set<String> live = new java.util.TreeSet<>();
        for (IngressPlan.Upstream u : in.upstreams()) {
            if (u.servers().isEmpty()) continue;
            live.add(upstreamName(u.service()));
            ups.add(Map.of("name", upstreamName(u.service()), "servers", u.servers()));
        }
        model.put("upstreams", ups);
        in.defaultUpstream().map(NginxBackend::upstreamName).filter(live::contains).ifPresent(d -> model.put("defaultUpstream", d));
        List<Map<String, Object>> hosts = new ArrayList<>();
        List<Map<String, Object>> catchAll = new ArrayList<>();
        int longestHost = 0;
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
            // Plain HTTP serves the routes, or only redirects when the host has TLS and keeps the redirect; HTTPS
            // (a host with a certificate) always serves them: ssl-redirect "false" turns off the redirect only.
            boolean redirect = h.certificate().isPresent() && h.sslRedirect();
            hosts.add(server(h.host(), Integer.toString(httpPort(plan)), "", redirect, routes, root));
            if (h.certificate().isPresent()) {
                hosts.add(server(h.host(), httpsPort(plan) + " ssl", certificateName(h.certificate().get()), false, routes, root));
            }
            longestHost = Math.max(longestHost, h.host().length());
        }
        model.put("servers", hosts);
        model.put("bucketSize", Integer.toString(bucketSize(longestHost)));
        // the redirect names the HTTPS port when it is not the scheme's own
        model.put("httpsPortSuffix", httpsPort(plan) == 443 ? "" : ":" + httpsPort(plan));
        model.put("catchAll", catchAll);
        List<Artifact> out = new ArrayList<>();
        out.add(Artifact.text("ingress/nginx.conf", "", render(model)));
        for (IngressPlan.Certificate c : in.certificates()) {
            String name = certificateName(c.secret());
            out.add(new Artifact("ingress/" + name + ".crt", c.certificatePem().getBytes(StandardCharsets.UTF_8), "", false));
            out.add(new Artifact("ingress/" + name + ".key", c.privateKeyPem().getBytes(StandardCharsets.UTF_8), "", true));
        }
        return out;
    }

    private static int httpPort(NetworkPlan plan) {
        return plan.cluster().profile().ingress().httpPort();
    }

    private static int httpsPort(NetworkPlan plan) {
        return plan.cluster().profile().ingress().httpsPort();
    }

    private static Map<String, Object> server(String host, String listen, String certificate, boolean redirect,
                                              List<Map<String, Object>> routes, boolean hasRoot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", serverName(host));
        m.put("listen", listen);
        m.put("certificate", certificate);
        m.put("redirect", redirect);
        m.put("routes", routes);
        m.put("hasRoot", hasRoot);
        return m;
    }

    /** What the readable part of upstream and certificate names does not keep (replaced by {@code _}). */
    static final java.util.regex.Pattern NAME_OTHER = java.util.regex.Pattern.compile("[^a-z0-9.-]");
    /** How much of the readable part is kept: certificate file names stay far below NAME_MAX with the hash. */
    static final int READABLE_MAX = 200;

    /**
     * An upstream's name: {@code namespace.service.port} (none of the three can hold a dot) and the content hash of
     * the Service port's full identity, so Service {@code a-b/c} and {@code a/b-c}, or port {@code x-http} of
     * {@code web} and port {@code http} of {@code web-x}, never share an upstream.
     */
    public static String upstreamName(IngressPlan.ServiceRef r) {
        String kind = r.port() instanceof dev.netc.ir.model.PortRef.Number ? "number" : "name";
        return Names.readable(r.namespace() + "." + r.service() + "." + r.port(), NAME_OTHER, READABLE_MAX) + "-"
                + Names.hash(Names.identity(r.namespace(), r.service(), kind, r.port().toString()));
    }

    /**
     * The certificate files' name without {@code .crt}/{@code .key}: {@code namespace.secret} and the content hash
     * of the Secret's identity, so Secrets {@code a-b/c} and {@code a/b-c} write files of their own.
     */
    public static String certificateName(IngressPlan.SecretRef s) {
        return Names.readable(s.namespace() + "." + s.name(), NAME_OTHER, READABLE_MAX) + "-"
                + Names.hash(Names.identity(s.namespace(), s.name()));
    }

    /**
     * {@code server_names_hash_bucket_size}: nginx refuses a server name whose hash element (a pointer, the
     * name and 2 bytes, aligned to 8, and a pointer) does not fit a bucket; 128 unless a longer host needs more
     * (a 253-character host needs 272), as a power of two so it stays a multiple of any cache line.
     */
    static int bucketSize(int longestHost) {
        int needed = 8 + ((longestHost + 2 + 7) / 8) * 8 + 8;
        int size = 128;
        while (size < needed) size *= 2;
        return size;
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
        m.put("upstream", upstreamName(r.upstream()));
        m.put("hasServers", live.contains(upstreamName(r.upstream())));
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
