package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile hosts, paths and annotation values (the shapes of the ingress-nginx injection CVEs of 2021–2025:
 * directive breakouts with ; { } and newlines, variables, snippets, smuggled URLs): each is refused with a
 * diagnostic and no config is written, or — for annotations netc does not implement — warned about and left
 * out, the config staying byte-for-byte the baseline's.
 */
class IngressInjectionTest {
    @TempDir
    Path tmp;

    static String yaml(String host, String path, String annotationKey, String annotationValue) {
        String ann = annotationKey == null ? "" : "  annotations:\n    " + annotationKey + ": " + quoted(annotationValue) + "\n";
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: app, labels: {app: web}}
                spec:
                  nodeName: node-1
                  containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]
                status: {podIP: 10.244.0.10}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: http}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: web
                  namespace: app
                """ + ann + """
                spec:
                  rules:
                    - host: %s
                      http:
                        paths:
                          - path: %s
                            pathType: Prefix
                            backend: {service: {name: web, port: {number: 80}}}
                """.formatted(quoted(host), quoted(path));
    }

    /** A YAML double-quoted scalar, so the hostile text arrives as it is. */
    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    record Hostile(String what, String host, String path, String key, String value, String code) {
    }

    static List<Hostile> corpus() {
        List<Hostile> c = new ArrayList<>();
        for (String h : List.of("evil.com;", "a.com\n  location / {", "a b.com", "*.*.x.com", "x.com}", "$host", "a.com#x",
                "a..b.com", "-a.com", "a.com;include /etc/passwd")) {
            c.add(new Hostile("host " + h, h, "/ok", null, null, "NETC036"));
        }
        for (String p : List.of("/foo;return 200", "/foo{", "/foo}", "/a b", "/$uri", "/a'b", "/a\"b", "/a#b", "/a\\b", "/a\nb",
                "/x;}location ~ .*{return 200 pwned;", "/api(/|$)(.*)")) {
            c.add(new Hostile("path " + p, "ok.example.com", p, null, null, "NETC070"));
        }
        c.add(new Hostile("path /foo//bar", "ok.example.com", "/foo//bar", null, null, "NETC035"));
        String n = "nginx.ingress.kubernetes.io/";
        for (String[] a : new String[][] {
                {"rewrite-target", "/x; return 302 http://evil"}, {"rewrite-target", "https://evil.com/"},
                {"proxy-body-size", "1m; allow all"}, {"proxy-body-size", "10x"}, {"use-regex", "yes"},
                {"backend-protocol", "HTTP;"}, {"ssl-redirect", "yes"}, {"whitelist-source-range", "0.0.0.0/0; deny"},
                {"whitelist-source-range", "1.2.3.4/33"}, {"whitelist-source-range", "all"}}) {
            c.add(new Hostile("annotation " + a[0] + " = " + a[1], "ok.example.com", "/ok", n + a[0], a[1], "NETC048"));
        }
        for (String[] a : new String[][] {{"rewrite-target", "/$1"}, {"rewrite-target", "/$2"}, {"backend-protocol", "GRPC"},
                {"use-regex", "true"}}) {
            c.add(new Hostile("inexpressible annotation " + a[0] + " = " + a[1], "ok.example.com", "/ok", n + a[0], a[1], "NETC070"));
        }
        for (String[] a : new String[][] {
                {"configuration-snippet", "return 200 pwned;"}, {"server-snippet", "location /x { return 200; }"},
                {"auth-url", "http://x/;}\nlocation /y {"}, {"auth-tls-match-cn", "CN=x\"; }"}, {"permanent-redirect", "https://evil"}}) {
            c.add(new Hostile("unsupported annotation " + a[0], "ok.example.com", "/ok", n + a[0], a[1], "NETC047"));
        }
        return c;
    }

    @TestFactory
    List<DynamicTest> hostileInputNeverChangesTheConfigStructure() throws IOException {
        Path baseIn = tmp.resolve("base.yaml");
        Files.writeString(baseIn, yaml("ok.example.com", "/ok", null, null));
        Path baseOut = tmp.resolve("base-out");
        CliRunner base = CliRunner.run("compile", baseIn.toString(), "--backend", "nginx", "-o", baseOut.toString());
        assertEquals(0, base.exit(), base.err());
        String baseline = Files.readString(baseOut.resolve("ingress/nginx.conf"));
        List<DynamicTest> tests = new ArrayList<>();
        List<Hostile> corpus = corpus();
        assertTrue(corpus.size() >= 30, "at least 30 hostile inputs");
        int i = 0;
        for (Hostile h : corpus) {
            int n = i++;
            tests.add(DynamicTest.dynamicTest(h.what().replace("\n", "\\n"), () -> {
                Path in = tmp.resolve("case" + n + ".yaml");
                Files.writeString(in, yaml(h.host(), h.path(), h.key(), h.value()));
                Path out = tmp.resolve("out" + n);
                CliRunner r = CliRunner.run("compile", in.toString(), "--backend", "nginx", "-o", out.toString());
                assertTrue(r.err().contains("[" + h.code() + "]"), r.err());
                if (h.code().equals("NETC047")) {
                    assertEquals(0, r.exit(), r.err());
                    assertEquals(baseline, Files.readString(out.resolve("ingress/nginx.conf")), "unsupported annotations are left out");
                } else if (h.code().equals("NETC048") || h.code().equals("NETC070")) {
                    // the Ingress (or its only path) is left out with a warning; the rest compiles, and --strict refuses
                    assertTrue(r.err().contains("warning[" + h.code() + "]"), r.err());
                    assertEquals(0, r.exit(), r.err());
                    assertFalse(Files.exists(out.resolve("ingress/nginx.conf")), "nothing of the Ingress reaches the config");
                    Path strictOut = tmp.resolve("strict" + n);
                    CliRunner strict = CliRunner.run("compile", "--strict", in.toString(), "--backend", "nginx", "-o", strictOut.toString());
                    assertTrue(strict.err().contains("error[" + h.code() + "]"), strict.err());
                    assertEquals(1, strict.exit(), strict.err());
                    assertFalse(Files.exists(strictOut), "no config is written under --strict");
                } else {
                    assertEquals(1, r.exit(), r.err());
                    assertFalse(Files.exists(out), "no config is written");
                }
            }));
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(s.count() > 1);
        }
        return tests;
    }

    @org.junit.jupiter.api.Test
    void aMissingTlsSecretServesThePlaceholderCertificateWithAPositionedWarning() throws IOException {
        String text = yaml("ok.example.com", "/ok", null, null).replace("spec:\n  rules:", "spec:\n  tls: [{hosts: [ok.example.com], secretName: nowhere}]\n  rules:");
        assertTrue(text.contains("secretName: nowhere"), text);
        Path in = tmp.resolve("tls.yaml");
        Files.writeString(in, text);
        Path out = tmp.resolve("o");
        CliRunner r = CliRunner.run("compile", in.toString(), "--backend", "nginx", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        int line = text.lines().toList().indexOf("  tls: [{hosts: [ok.example.com], secretName: nowhere}]") + 1;
        assertTrue(r.err().contains(in + ":" + line + ":9: warning[NETC071]: TLS secret app/nowhere is not in the input: host"
                + " \"ok.example.com\" served over HTTPS with netc's self-signed placeholder certificate, as ingress-nginx serves"
                + " its default certificate"), r.err());
        String conf = Files.readString(out.resolve("ingress/nginx.conf"));
        assertTrue(conf.contains("return 308"), "plain HTTP is redirected, as for any TLS host:\n" + conf);
        try (Stream<Path> files = Files.list(out.resolve("ingress"))) {
            List<Path> crt = files.filter(f -> f.getFileName().toString().startsWith("app.nowhere-") && f.toString().endsWith(".crt")).toList();
            assertEquals(1, crt.size(), "the placeholder is written under the Secret's own file name");
            assertTrue(conf.contains(crt.get(0).getFileName().toString()), conf);
            assertTrue(Files.readString(crt.get(0)).startsWith("-----BEGIN CERTIFICATE-----"));
        }
        CliRunner strict = CliRunner.run("compile", "--strict", in.toString(), "--backend", "nginx", "-o", tmp.resolve("s").toString());
        assertEquals(1, strict.exit(), strict.err());
        assertTrue(strict.err().contains(in + ":" + line + ":9: error[NETC071]: TLS secret app/nowhere"), strict.err());
    }
}
