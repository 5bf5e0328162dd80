package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Ingress netc cannot express does not sink the others: it is left out with a warning at the construct that
 * names what is not served; classes not in the input follow the profile's {@code ingress.classes}; Ingresses of
 * other controllers are skipped with a note; {@code --strict} makes the left-out warnings errors.
 */
class IngressLeftOutTest {
    @TempDir
    Path tmp;

    static final String APP = """
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
            """;

    static String ingress(String name, String host, String path, String extraMeta, String extraSpec) {
        return """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                  namespace: app
                %s
                spec:
                %s
                  rules:
                    - host: %s
                      http:
                        paths:
                          - path: %s
                            pathType: ImplementationSpecific
                            backend: {service: {name: web, port: {number: 80}}}
                """.formatted(name, extraMeta.indent(2).stripTrailing(), extraSpec.indent(2).stripTrailing(), host, path);
    }

    record Run(Path in, String text, CliRunner r, Path out) {
        int line(String l) {
            return text.lines().toList().indexOf(l) + 1;
        }

        String conf() throws IOException {
            return Files.readString(out.resolve("ingress/nginx.conf"));
        }
    }

    Run compile(String name, String text, String... flags) throws IOException {
        Path in = tmp.resolve(name + ".yaml");
        Files.writeString(in, text);
        Path out = tmp.resolve(name + "-out");
        List<String> args = new java.util.ArrayList<>(List.of("compile", in.toString(), "--backend", "nginx", "-o", out.toString(), "-v"));
        args.addAll(List.of(flags));
        return new Run(in, text, CliRunner.run(args.toArray(String[]::new)), out);
    }

    @Test
    void captureGroupsLeaveOutTheirIngressOnlyAndStrictRefuses() throws IOException {
        String text = APP + ingress("good", "good.example.com", "/", "", "")
                + ingress("regex", "bad.example.com", "/api(/|$)(.*)",
                "annotations:\n  nginx.ingress.kubernetes.io/rewrite-target: /$2\n  nginx.ingress.kubernetes.io/use-regex: \"true\"", "");
        Run run = compile("capture", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int line = run.line("    nginx.ingress.kubernetes.io/rewrite-target: /$2");
        assertTrue(run.r().err().contains(run.in() + ":" + line + ":49: warning[NETC070]: annotation"
                + " \"nginx.ingress.kubernetes.io/rewrite-target\" value \"/$2\" uses capture groups of a regular-expression path,"
                + " which netc does not express: Ingress app/regex is not served (path \"/api(/|$)(.*)\" of host"
                + " \"bad.example.com\" is not served)"), run.r().err());
        assertTrue(run.conf().contains("server_name good.example.com;"), run.conf());
        assertFalse(run.conf().contains("bad.example.com"), run.conf());

        Run strict = compile("capture-strict", text, "--strict");
        assertEquals(1, strict.r().exit(), strict.r().err());
        assertTrue(strict.r().err().contains(":" + line + ":49: error[NETC070]: annotation"), strict.r().err());
        assertFalse(Files.exists(strict.out()), "nothing is written under --strict");
    }

    @Test
    void aRegexPathIsLeftOutAndTheOtherPathsServed() throws IOException {
        String text = APP + ingress("mixed", "a.example.com", "/api/v[0-9]+", "", "")
                + ingress("plain", "a.example.com", "/docs", "", "");
        Run run = compile("regexpath", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int line = text.lines().toList().indexOf("          - path: /api/v[0-9]+") + 1;
        assertTrue(run.r().err().contains(run.in() + ":" + line + ":13: warning[NETC070]: path \"/api/v[0-9]+\" of host"
                + " \"a.example.com\" is not served: netc puts only plain paths in nginx locations (letters, digits and"
                + " /._~%@:+,=!*()&-; no regular expressions)"), run.r().err());
        assertTrue(run.conf().contains("location = /docs"), run.conf());
        assertFalse(run.conf().contains("v[0-9]"), run.conf());
    }

    @Test
    void grpcLeavesOutTheIngress() throws IOException {
        String text = APP + ingress("grpc", "g.example.com", "/", "annotations:\n  nginx.ingress.kubernetes.io/backend-protocol: GRPC", "");
        Run run = compile("grpc", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int line = run.line("    nginx.ingress.kubernetes.io/backend-protocol: GRPC");
        assertTrue(run.r().err().contains(run.in() + ":" + line + ":51: warning[NETC070]: annotation"
                + " \"nginx.ingress.kubernetes.io/backend-protocol\" value \"GRPC\" asks for a protocol netc's nginx config does"
                + " not speak (HTTP and HTTPS only): Ingress app/grpc is not served (path \"/\" of host \"g.example.com\" is"
                + " not served)"), run.r().err());
    }

    @Test
    void aClassNotInTheInputFollowsTheProfileAndIsWarnedOnce() throws IOException {
        String text = APP + ingress("one", "one.example.com", "/", "", "ingressClassName: nginx")
                + ingress("two", "two.example.com", "/", "", "ingressClassName: nginx")
                + ingress("three", "three.example.com", "/", "", "ingressClassName: traefik");
        Run run = compile("classes", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int first = run.line("  ingressClassName: nginx");
        assertTrue(run.r().err().contains(run.in() + ":" + first + ":21: warning[NETC072]: IngressClass \"nginx\" is not in the"
                + " input: its Ingresses are served, as the profile's ingress.classes [nginx] lists it"), run.r().err());
        assertEquals(1, run.r().err().split("IngressClass \"nginx\" is not in the input", -1).length - 1, run.r().err());
        int traefik = run.line("  ingressClassName: traefik");
        assertTrue(run.r().err().contains(run.in() + ":" + traefik + ":21: warning[NETC072]: IngressClass \"traefik\" is not in"
                + " the input: its Ingresses are not served (the profile's ingress.classes [nginx] does not list it)"), run.r().err());
        assertTrue(run.conf().contains("server_name one.example.com;") && run.conf().contains("server_name two.example.com;"), run.conf());
        Run missing = compile("classes-missing", text.replace("name: web, port: {number: 80}}}\n", "name: gone, port: {number: 80}}}\n"));
        assertEquals(2, missing.r().err().split("warning\\[NETC038\\]", -1).length - 1,
                "the 503 warning is for the served Ingresses only, not traefik's:\n" + missing.r().err());
        assertFalse(run.conf().contains("three.example.com"), run.conf());

        String profile = "---\napiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: c}\nspec:\n  ingress: {classes: [traefik]}\n";
        Run other = compile("classes-profile", text + profile);
        assertEquals(0, other.r().exit(), other.r().err());
        assertTrue(other.conf().contains("server_name three.example.com;"), other.conf());
        assertFalse(other.conf().contains("one.example.com"), other.conf());
    }

    @Test
    void anotherControllersIngressIsSkippedWithANoteAndNo503Warning() throws IOException {
        String text = APP + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: istio}
                spec: {controller: istio.io/ingress-controller}
                """ + ingress("mesh", "mesh.example.com", "/", "", "ingressClassName: istio")
                .replace("name: web, port", "name: nowhere, port");
        Run run = compile("istio", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int line = run.line("  ingressClassName: istio");
        assertTrue(run.r().err().contains(run.in() + ":" + line + ":21: note[NETC073]: Ingress app/mesh is skipped: its"
                + " IngressClass \"istio\" belongs to controller \"istio.io/ingress-controller\", not to ingress-nginx"), run.r().err());
        // the temporary folder's random name may hold "503" too
        assertFalse(run.r().err().replace(tmp.toString(), "").contains("503"), run.r().err());
        assertFalse(run.r().err().contains("warning["), run.r().err());
    }

    @Test
    void anExternalNameBackendIsWarnedNotSilent() throws IOException {
        String text = APP + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ext, namespace: app}
                spec: {type: ExternalName, externalName: api.example.org}
                """ + ingress("ext", "ext.example.com", "/", "", "")
                .replace("name: web, port", "name: ext, port");
        Run run = compile("extname", text);
        assertEquals(0, run.r().exit(), run.r().err());
        int line = run.line("                backend: {service: {name: ext, port: {number: 80}}}".substring(4));
        assertTrue(run.r().err().contains(run.in() + ":" + line + ":13: warning[NETC074]: Service app/ext is an ExternalName"
                + " Service (to \"api.example.org\"): netc does not proxy to names outside the cluster, so this backend answers"
                + " 503"), run.r().err());
        Run strict = compile("extname-strict", text, "--strict");
        assertEquals(1, strict.r().exit(), strict.r().err());
    }
}
