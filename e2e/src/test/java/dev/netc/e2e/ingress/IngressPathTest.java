package dev.netc.e2e.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.netc.backends.Artifact;
import dev.netc.backends.nginx.NginxBackend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.e2e.lab.Netns;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.VirtualCluster;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.NetworkPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the path-matching table of the Kubernetes Ingress documentation, through a real nginx running
 * the generated config in a network namespace, with HTTP backends that answer their name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressPathTest {
    String ns;
    List<String> diagnostics;
    Path prefix;
    Netns thread;
    final List<HttpServer> servers = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        dev.netc.e2e.lab.Lab.requireNginx();
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/ingress/paths.yaml")) {
            fixture = in.readAllBytes();
        }
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("ingress/paths.yaml", fixture)));
        NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        diagnostics = r.diagnostics().stream().map(Object::toString).toList();
        ns = VirtualCluster.scratchName("ing-" + UUID.randomUUID().toString().substring(0, 6));
        Sh.ok("ip", "netns", "add", ns);
        Sh.ok("ip", "-n", ns, "link", "set", "lo", "up");
        thread = new Netns(Netns.libc(), ns);
        for (Pod p : plan.cluster().pods()) {
            String name = p.meta().name();
            HttpServer s = thread.call(() -> HttpServer.create(new InetSocketAddress(p.ips().get(0).text(), 8000), 64));
            s.createContext("/", ex -> {
                byte[] body = (name + "\n" + ex.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            });
            s.start();
            servers.add(s);
        }
        prefix = Files.createTempDirectory("netc-nginx-e2e-");
        for (Artifact a : new NginxBackend().emit(plan, Set.of())) {
            Files.write(prefix.resolve(a.path().substring("ingress/".length())), a.content());
        }
        Sh.in(ns, null, "nginx", "-p", prefix + "/", "-c", "nginx.conf");
    }

    @AfterAll
    void stop() throws IOException {
        if (prefix != null && ns != null) Sh.run(null, List.of("ip", "netns", "exec", ns, "nginx", "-p", prefix + "/", "-c", "nginx.conf", "-s", "stop"));
        servers.forEach(s -> s.stop(0));
        if (thread != null) thread.close();
        if (ns != null) Sh.run(null, List.of("ip", "netns", "del", ns));
        if (prefix != null) {
            try (Stream<Path> s = Files.walk(prefix)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** The backend that answered (first body line), or the status when it is not 200. */
    String get(String host, String path) throws IOException {
        return fetch(host, path).split("\n")[0];
    }

    /** Status and body of GET {@code path} with {@code Host: host}, sent from inside the namespace. */
    String fetch(String host, String path) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Socket s = thread.call(() -> {
                    Socket x = new Socket();
                    x.bind(new InetSocketAddress("127.0.0.1", 0));
                    return x;
                });
                try (s) {
                    s.connect(new InetSocketAddress("127.0.0.1", 8080), 2000);
                    s.setSoTimeout(3000);
                    s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String status = in.readLine();
                    String line;
                    while ((line = in.readLine()) != null && !line.isEmpty()) {
                        // headers
                    }
                    String body = in.readLine() + "\n" + in.readLine();
                    int code = Integer.parseInt(status.split(" ")[1]);
                    return code == 200 ? body : Integer.toString(code);
                }
            } catch (java.net.ConnectException e) {
                if (attempt > 50) throw e; // nginx still starting
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @CsvSource({
            "r1,  'Prefix /',                    /anything/at/all, root",
            "r2,  'Exact /foo',                  /foo,         foo",
            "r2,  'Exact /foo',                  /bar,         default",
            "r2,  'Exact /foo',                  /foo/,        default",
            "r3,  'Exact /foo/',                 /foo,         default",
            "r4,  'Prefix /foo',                 /foo,         foo",
            "r4,  'Prefix /foo',                 /foo/,        foo",
            "r5,  'Prefix /foo/',                /foo,         foo",
            "r5,  'Prefix /foo/',                /foo/,        foo",
            "r6,  'Prefix /aaa/bb',              /aaa/bbb,     default",
            "r7,  'Prefix /aaa/bbb',             /aaa/bbb,     bbb",
            "r8,  'Prefix /aaa/bbb/',            /aaa/bbb,     bbb",
            "r7,  'Prefix /aaa/bbb',             /aaa/bbb/,    bbb",
            "r7,  'Prefix /aaa/bbb',             /aaa/bbb/ccc, bbb",
            "r7,  'Prefix /aaa/bbb',             /aaa/bbbxyz,  default",
            "r9,  'Prefix /, /aaa',              /aaa/ccc,     aaa",
            "r10, 'Prefix /, /aaa, /aaa/bbb',    /aaa/bbb,     bbb",
            "r10, 'Prefix /, /aaa, /aaa/bbb',    /ccc,         root",
            "r11, 'Prefix /aaa',                 /ccc,         default",
            "r12, 'Prefix /foo and Exact /foo',  /foo,         exact",
            "unknown, 'no Ingress names the host', /,          default",
    })
    void pathMatchingTable(String row, String paths, String request, String expected) throws IOException {
        assertEquals(expected, get(row + ".example.test", request), row + " (" + paths + ") " + request);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"a.wild.example.test, root", "a.b.wild.example.test, default", "wild.example.test, default"})
    void wildcardMatchesExactlyOneLabel(String host, String expected) throws IOException {
        assertEquals(expected, get(host, "/"));
    }

    @org.junit.jupiter.api.Test
    void ingressesForOneHostMergeAndAConflictIsReportedOnce() throws IOException {
        assertEquals("foo", get("r4.example.test", "/foo"), "the first Ingress (web/r4) keeps /foo");
        assertEquals("aaa", get("r4.example.test", "/merged/x"), "a new path from another Ingress merges in");
        assertEquals(List.of("ingress/paths.yaml:" + conflictLine() + ":13: warning[NETC046]: Prefix path \"/foo\" for host "
                + "\"r4.example.test\" is also set by Ingress web/r4, which keeps it"),
                diagnostics.stream().filter(d -> d.contains("NETC046")).toList());
    }

    private int conflictLine() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/ingress/paths.yaml")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            int start = lines.indexOf("metadata: {name: z-late, namespace: web}");
            for (int i = start; i < lines.size(); i++) if (lines.get(i).contains("path: /foo,")) return i + 1;
        }
        throw new AssertionError("fixture changed");
    }

    @org.junit.jupiter.api.Test
    void tlsHostsRedirectPlainHttpAndServeTheirCertificateBySni() throws Exception {
        assertEquals("308", get("shop.example.com", "/x"), "plain HTTP to a TLS host is redirected");
        assertEquals("root", https("shop.example.com"));
    }

    /** ssl-redirect "false" turns off the redirect only: plain HTTP and HTTPS both reach the backend. */
    @org.junit.jupiter.api.Test
    void sslRedirectFalseServesHttpAndHttps() throws Exception {
        assertEquals("foo", get("both.example.test", "/x"), "plain HTTP is served, not redirected");
        assertEquals("foo", https("both.example.test"), "HTTPS is still served, by the host's own server");
    }

    /** A TLS Secret not in the input: HTTPS is served with the placeholder certificate, plain HTTP redirected. */
    @org.junit.jupiter.api.Test
    void aMissingTlsSecretIsServedWithThePlaceholderCertificate() throws Exception {
        assertEquals("308", get("pending.example.test", "/x"), "plain HTTP is redirected, as for any TLS host");
        assertEquals("root", https("pending.example.test", "CN=netc placeholder certificate,O=netc"));
        assertEquals(1, diagnostics.stream().filter(d -> d.contains("warning[NETC071]: TLS secret web/issued-later is not in the input")).count(),
                diagnostics.toString());
    }

    /** An Ingress netc cannot express is left out with a warning; nginx starts and serves everything else. */
    @org.junit.jupiter.api.Test
    void anInexpressibleIngressIsLeftOutAndTheRestServed() throws IOException {
        assertEquals("default", get("regex.example.test", "/api/x"), "the catch-all answers the left-out host");
        assertEquals("root", get("r1.example.test", "/"));
        assertEquals(1, diagnostics.stream().filter(d -> d.contains("warning[NETC070]") && d.contains("Ingress web/regex is not served")).count(),
                diagnostics.toString());
    }

    private String https(String host) throws Exception {
        return https(host, "CN=shop.example.com");
    }

    /** The backend that answers GET / over TLS on port 8443 with SNI {@code host}; the certificate's subject must be {@code subject}. */
    private String https(String host, String subject) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        javax.net.ssl.TrustManager trustAll = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        ctx.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        Socket plain = thread.call(() -> {
            Socket x = new Socket();
            x.bind(new InetSocketAddress("127.0.0.1", 0));
            return x;
        });
        plain.connect(new InetSocketAddress("127.0.0.1", 8443), 2000);
        try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, host, 8443, true)) {
            javax.net.ssl.SSLParameters p = tls.getSSLParameters();
            p.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
            tls.setSSLParameters(p);
            tls.setSoTimeout(3000);
            tls.startHandshake();
            java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertEquals(subject, cert.getSubjectX500Principal().getName());
            tls.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                // headers
            }
            return in.readLine();
        }
    }

    @org.junit.jupiter.api.Test
    void supportedAnnotationsTakeEffect() throws IOException {
        assertEquals("root\n/rewritten", fetch("ann.example.test", "/rw/some/thing"), "rewrite-target");
        assertEquals("403", get("blocked.example.test", "/"), "whitelist-source-range: 127.0.0.1 is not listed");
    }

    /** Without an Ingress that sets a default backend, a host no Ingress names gets 404 from real nginx. */
    @org.junit.jupiter.api.Test
    void withoutACatchAllUnknownHostsGet404() throws Exception {
        String fixture;
        try (InputStream in = getClass().getResourceAsStream("/ingress/paths.yaml")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String withoutCatchAll = java.util.Arrays.stream(fixture.split("(?m)^---$"))
                .filter(d -> !d.contains("name: catch-all")).collect(java.util.stream.Collectors.joining("---"));
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("ingress/paths.yaml", withoutCatchAll.getBytes(StandardCharsets.UTF_8))));
        NetworkPlan plan = r.plan().orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        Path dir = Files.createTempDirectory("netc-nginx-e2e-");
        String other = VirtualCluster.scratchName("ing-" + UUID.randomUUID().toString().substring(0, 6));
        try {
            for (Artifact a : new NginxBackend().emit(plan, Set.of())) {
                Files.write(dir.resolve(a.path().substring("ingress/".length())), a.content());
            }
            Sh.ok("ip", "netns", "add", other);
            Sh.ok("ip", "-n", other, "link", "set", "lo", "up");
            Sh.in(other, null, "nginx", "-p", dir + "/", "-c", "nginx.conf");
            String response = "";
            for (int i = 0; i < 50 && !response.startsWith("HTTP/"); i++) {
                response = Sh.run(null, List.of("ip", "netns", "exec", other, "bash", "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/8080; printf 'GET / HTTP/1.0\\r\\nHost: nobody.example.test\\r\\n\\r\\n' >&3; head -1 <&3")).output();
                if (!response.startsWith("HTTP/")) Thread.sleep(100);
            }
            assertEquals("HTTP/1.1 404 Not Found", response.strip());
        } finally {
            Sh.run(null, List.of("ip", "netns", "exec", other, "nginx", "-p", dir + "/", "-c", "nginx.conf", "-s", "stop"));
            Sh.run(null, List.of("ip", "netns", "del", other));
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }
}
