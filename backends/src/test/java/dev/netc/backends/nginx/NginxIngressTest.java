package dev.netc.backends.nginx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.testing.Compile;
import dev.netc.backends.testing.NetnsTool;
import dev.netc.compiler.Compiler;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The nginx backend end to end (YAML in, files out, {@code nginx -t} on them): Services and Secrets whose names
 * collide when joined with dashes get upstreams and certificate files of their own, {@code ssl-redirect: "false"}
 * keeps HTTPS, and configurations nginx would refuse are either fixed (a 253-character host) or diagnosed
 * (listen ports that clash, certificates that are not PEM).
 */
class NginxIngressTest {
    static String pem(String file) {
        try (InputStream in = NginxIngressTest.class.getResourceAsStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String namespace(String ns) {
        return "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n";
    }

    /** A Service with one live pod at {@code ip}, port 80 (named {@code port}) to 8080. */
    static String service(String ns, String name, String port, String ip) {
        return "---\napiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "-0, namespace: " + ns + ", labels: {svc: " + name + "}}\n"
                + "spec: {nodeName: node-1, containers: [{name: c, image: i}]}\nstatus: {podIP: " + ip + "}\n"
                + "---\napiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: " + ns + "}\n"
                + "spec: {selector: {svc: " + name + "}, ports: [{name: " + port + ", port: 80, targetPort: 8080}]}\n";
    }

    static String ingress(String ns, String name, String host, String svc, String port, String tlsSecret, String annotations) {
        return "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: " + name + ", namespace: " + ns
                + (annotations.isEmpty() ? "" : ", annotations: {" + annotations + "}") + "}\nspec:\n"
                + (tlsSecret.isEmpty() ? "" : "  tls: [{hosts: [\"" + host + "\"], secretName: " + tlsSecret + "}]\n")
                + "  rules:\n  - host: \"" + host + "\"\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n"
                + "        backend: {service: {name: " + svc + ", port: {" + port + "}}}\n";
    }

    static String secret(String ns, String name, String crt, String key) {
        return "---\napiVersion: v1\nkind: Secret\nmetadata: {name: " + name + ", namespace: " + ns + "}\ntype: kubernetes.io/tls\n"
                + "data: {tls.crt: " + b64(crt) + ", tls.key: " + b64(key) + "}\n";
    }

    static Map<String, Artifact> nginx(String yaml) {
        return Compile.files(new NginxBackend(), Compile.plan(yaml));
    }

    /** The body of the {@code server} block that listens on {@code listen} for {@code host}. */
    static String server(String conf, String host, String listen) {
        for (String block : conf.split("\n    server \\{\n")) {
            if (block.contains("server_name " + host + ";") && block.contains("listen " + listen + ";")) return block;
        }
        throw new AssertionError("no server for " + host + " on " + listen + " in\n" + conf);
    }

    /** The servers of the upstream the host's root location proxies to. */
    static List<String> servers(String conf, String host) {
        Matcher m = Pattern.compile("proxy_pass http://([^;]+);").matcher(server(conf, host, "80"));
        assertTrue(m.find(), conf);
        String upstream = m.group(1);
        Matcher u = Pattern.compile("upstream " + Pattern.quote(upstream) + " \\{\n((?:        server [^\n]+\n)+)    }").matcher(conf);
        assertTrue(u.find(), "upstream " + upstream + " in\n" + conf);
        List<String> out = new ArrayList<>();
        for (String line : u.group(1).split("\n")) out.add(line.strip());
        return out;
    }

    @Test
    void servicesWhoseDashedNamesCollideKeepTheirOwnUpstreams() {
        String yaml = namespace("a-b") + namespace("a") + namespace("shop")
                + service("a-b", "c", "http", "10.244.0.11") + service("a", "b-c", "http", "10.244.0.12")
                + service("shop", "web", "x-http", "10.244.0.21") + service("shop", "web-x", "http", "10.244.0.22")
                + ingress("a-b", "one", "one.example.com", "c", "number: 80", "", "")
                + ingress("a", "two", "two.example.com", "b-c", "number: 80", "", "")
                + ingress("shop", "three", "three.example.com", "web", "name: x-http", "", "")
                + ingress("shop", "four", "four.example.com", "web-x", "name: http", "", "");
        String conf = nginx(yaml).get("ingress/nginx.conf").text();
        assertEquals(List.of("server 10.244.0.11:8080;"), servers(conf, "one.example.com"), "a-b/c");
        assertEquals(List.of("server 10.244.0.12:8080;"), servers(conf, "two.example.com"), "a/b-c");
        assertEquals(List.of("server 10.244.0.21:8080;"), servers(conf, "three.example.com"), "web port x-http");
        assertEquals(List.of("server 10.244.0.22:8080;"), servers(conf, "four.example.com"), "web-x port http");
    }

    @Test
    void secretsWhoseDashedNamesCollideKeepTheirOwnFiles() throws Exception {
        String yaml = namespace("a-b") + namespace("a") + service("a-b", "web", "http", "10.244.0.11")
                + service("a", "web", "http", "10.244.0.12")
                + secret("a-b", "c", pem("one.crt"), pem("one.key")) + secret("a", "b-c", pem("two.crt"), pem("two.key"))
                + ingress("a-b", "one", "one.example.com", "web", "number: 80", "c", "")
                + ingress("a", "two", "two.example.com", "web", "number: 80", "b-c", "");
        Map<String, Artifact> files = nginx(yaml);
        String conf = files.get("ingress/nginx.conf").text();
        for (String[] c : new String[][] {{"one.example.com", "one"}, {"two.example.com", "two"}}) {
            Matcher m = Pattern.compile("ssl_certificate (\\S+)\\.crt;").matcher(server(conf, c[0], "443 ssl"));
            assertTrue(m.find(), conf);
            String base = m.group(1);
            assertEquals(pem(c[1] + ".crt"), files.get("ingress/" + base + ".crt").text(), c[0] + " serves its own certificate");
            assertEquals(pem(c[1] + ".key"), files.get("ingress/" + base + ".key").text(), c[0] + " serves its own key");
            assertTrue(files.get("ingress/" + base + ".key").secret(), "keys are written 0600");
        }
        assertEquals(5, files.size(), "nginx.conf and two files per Secret: " + files.keySet());
        nginxAccepts(files);
    }

    @Test
    void sslRedirectFalseStillServesHttps() throws Exception {
        String yaml = namespace("shop") + service("shop", "web", "http", "10.244.0.11")
                + secret("shop", "tls", pem("one.crt"), pem("one.key"))
                + ingress("shop", "one", "one.example.com", "web", "number: 80", "tls", "nginx.ingress.kubernetes.io/ssl-redirect: \"false\"");
        Map<String, Artifact> files = nginx(yaml);
        String conf = files.get("ingress/nginx.conf").text();
        String https = server(conf, "one.example.com", "443 ssl");
        assertTrue(https.contains("ssl_certificate ") && https.contains("proxy_pass http://"), "HTTPS serves the routes:\n" + conf);
        String http = server(conf, "one.example.com", "80");
        assertFalse(http.contains("return 308"), "no redirect:\n" + conf);
        assertTrue(http.contains("proxy_pass http://"), "plain HTTP serves the routes too:\n" + conf);
        nginxAccepts(files);
        // and with the redirect (the default) plain HTTP only redirects
        String redirected = nginx(yaml.replace("nginx.ingress.kubernetes.io/ssl-redirect: \"false\"", "x: y")).get("ingress/nginx.conf").text();
        assertTrue(server(redirected, "one.example.com", "80").contains("return 308"), redirected);
        assertTrue(server(redirected, "one.example.com", "443 ssl").contains("proxy_pass http://"), redirected);
    }

    @Test
    void aHostOfTheLongestLengthTheApiAdmitsIsServed() throws Exception {
        String host = ("h".repeat(62) + ".").repeat(3) + "example.com".repeat(1);
        host = host + "x".repeat(253 - host.length());
        assertEquals(253, host.length());
        String yaml = namespace("shop") + service("shop", "web", "http", "10.244.0.11")
                + secret("shop", "tls", pem("one.crt"), pem("one.key"))
                + ingress("shop", "one", host, "web", "number: 80", "tls", "")
                + ingress("shop", "two", "*." + host.substring(4), "web", "number: 80", "", "");
        Map<String, Artifact> files = nginx(yaml);
        assertTrue(files.get("ingress/nginx.conf").text().contains("server_name " + host + ";"));
        nginxAccepts(files);
    }

    @Test
    void theRedirectNamesTheHttpsPortWhenItIsNot443() {
        String yaml = "apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: lab}\nspec:\n  ingress: {httpPort: 8080, httpsPort: 8443}\n"
                + namespace("shop") + service("shop", "web", "http", "10.244.0.11") + secret("shop", "tls", pem("one.crt"), pem("one.key"))
                + ingress("shop", "one", "one.example.com", "web", "number: 80", "tls", "");
        String conf = nginx(yaml).get("ingress/nginx.conf").text();
        assertTrue(server(conf, "one.example.com", "8080").contains("return 308 https://$host:8443$request_uri;"), conf);
    }

    @Test
    void listenPortsThatClashAreAPositionedError() {
        String yaml = "apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: lab}\nspec:\n  ingress: {httpPort: 8080, httpsPort: 8080}\n";
        Compiler.Result r = Compile.result(yaml);
        assertFalse(r.ok());
        Diagnostic d = r.diagnostics().stream().filter(x -> x.code() == DiagnosticCode.NETC025).findFirst()
                .orElseThrow(() -> new AssertionError(r.diagnostics().toString()));
        assertEquals(5, d.pos().line(), d.toString());
        assertTrue(d.message().contains("httpsPort"), d.toString());
    }

    @Test
    void tlsDataThatIsNotPemIsAPositionedError() {
        String good = namespace("shop") + service("shop", "web", "http", "10.244.0.11")
                + ingress("shop", "one", "one.example.com", "web", "number: 80", "tls", "");
        String[][] cases = {
                {"not PEM at all", "hello", pem("one.key")},
                {"a key where the certificate goes", pem("one.key"), pem("one.key")},
                {"a certificate whose base64 is broken", pem("one.crt").replace("M", "*"), pem("one.key")},
                {"a certificate where the key goes", pem("one.crt"), pem("one.crt")},
                {"an encrypted key", pem("one.crt"), pem("one.key").replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY")},
                {"the key of another certificate", pem("one.crt"), pem("two.key")},
        };
        for (String[] c : cases) {
            String yaml = good + secret("shop", "tls", c[1], c[2]);
            int dataLine = (int) yaml.lines().count(); // the Secret's data is the input's last line
            Compiler.Result r = Compile.result(yaml);
            assertFalse(r.ok(), c[0]);
            Diagnostic d = r.diagnostics().stream().filter(x -> x.code() == DiagnosticCode.NETC037).findFirst()
                    .orElseThrow(() -> new AssertionError(c[0] + ": " + r.diagnostics()));
            assertEquals(dataLine, d.pos().line(), c[0] + ": " + d);
            assertTrue(d.message().contains(c[0].contains("key") && !c[0].startsWith("a key") ? "tls.key" : "tls.crt"), c[0] + ": " + d);
            assertFalse(d.message().contains("PRIVATE KEY-----\n"), "key material never appears in a message");
        }
        assertTrue(Compile.result(good + secret("shop", "tls", pem("one.crt"), pem("one.key"))).ok(), "a good pair compiles");
    }

    /** {@code nginx -t} on the ingress files, in a folder of their own (nginx writes its logs into the prefix). */
    static void nginxAccepts(Map<String, Artifact> files) throws Exception {
        NetnsTool.require("nginx");
        Path dir = Files.createTempDirectory("netc-nginx-");
        try {
            for (Artifact a : files.values()) Files.write(dir.resolve(Path.of(a.path()).getFileName()), a.content());
            NetnsTool.Result r = NetnsTool.exec(null, "nginx", "-t", "-q", "-p", dir + "/", "-c", "nginx.conf");
            assertEquals(0, r.exit(), r.output() + "\n" + files.get("ingress/nginx.conf").text());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        assertNotEquals(0, files.size());
    }
}
