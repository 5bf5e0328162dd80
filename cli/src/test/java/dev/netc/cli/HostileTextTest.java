package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netc.ir.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, finding 8: the same hostile strings (line breaks, NEL, CSI, escape sequences, bidi overrides,
 * separators, zero-width characters, a BOM, backslash sequences that look like escapes, a forged diagnostic
 * line, a very long value) through every string field of the input, compiled end to end by the CLI; then every
 * output file, standard output and standard error is checked: no raw control or format character anywhere, and
 * every line of {@code plan.txt} and of the diagnostics still parses as what it should be (the same lines and
 * fields as for a harmless value; each diagnostic line names the input file). A value the API refuses is
 * refused, and the refusal shows it escaped.
 */
class HostileTextTest {
    static final String FAKE = "file:1:1: error[NETC001]: forged";

    static final List<String> HOSTILE = List.of(
            "a\nb",
            "x\r\n" + FAKE,
            "\n" + FAKE,
            "evil\u0085next",
            "\u009b31mred",
            "\u001b[31mred\u001b[0m\u001b[2J",
            "\u001b]0;title\u0007",
            "abc\u202edcba",
            "\u2066isolate\u2069\u200frtl\u061c",
            "line\u2028sep\u2029para",
            "zero\u200bwidth\u200d\u2060",
            "\ufeffbom",
            "\\n\\u202e\\\\\\",
            "tab\there",
            "nul\u0000del\u007f",
            "ok value ready node=n1 pod=forged",
            "a".repeat(5000) + "\n" + FAKE);

    /** A field of the input: its default, a harmless value that takes the same path, a prefix for hostile values. */
    record Field(String name, String normal, String harmless, String prefix) {
    }

    static final List<Field> FIELDS = List.of(
            new Field("clusterName", "lab", "harmless", ""),
            new Field("dnsDomain", "cluster.local", "harmless.local", ""),
            new Field("nodeName", "n1", "harmless", ""),
            new Field("nodeLabel", "zone-a", "harmless", ""),
            new Field("namespace", "app", "harmless", ""),
            new Field("nsLabel", "web", "harmless", ""),
            new Field("podName", "web-0", "harmless", ""),
            new Field("podNodeName", "n1", "harmless", ""),
            new Field("containerPortName", "http", "harmless", ""),
            new Field("serviceName", "web", "harmless", ""),
            new Field("targetPort", "http", "harmless", ""),
            new Field("externalName", "db.example.com", "harmless.example.com", ""),
            new Field("clusterIP", "10.96.0.50", "10.96.0.51", ""),
            new Field("sliceNodeName", "n1", "harmless", ""),
            new Field("sliceTargetRef", "ext-0", "harmless", ""),
            new Field("slicePortName", "http", "harmless", ""),
            new Field("endpointsNodeName", "n1", "harmless", ""),
            new Field("endpointsTargetRef", "legacy-0", "harmless", ""),
            new Field("controller", "k8s.io/ingress-nginx", "example.com/harmless", ""),
            new Field("ingressClassName", "nginx", "harmless", ""),
            new Field("ingressClassAnnotation", "nginx", "harmless", ""),
            new Field("annotationKey", "example.com/note", "example.com/harmless", ""),
            new Field("nginxAnnotationValue", "true", "false", ""),
            new Field("secretName", "web-tls", "harmless", ""),
            new Field("host", "web.example.com", "harmless.example.com", ""),
            new Field("path", "/", "/harmless", "/"),
            new Field("backendService", "web", "harmless", ""),
            new Field("policyName", "allow-web", "harmless", ""),
            new Field("selectorValue", "web", "harmless", ""),
            new Field("cidr", "10.0.0.0/8", "10.1.0.0/16", ""),
            new Field("otherKind", "Widget", "Gadget", ""),
            new Field("otherApiVersion", "example.com/v1", "example.com/v2", ""),
            new Field("secretType", "Opaque", "example.com/harmless", ""),
            new Field("protocol", "TCP", "UDP", ""));

    /** Fields the API accepts whatever they hold, which plan.txt shows (the forged lines of the issue). */
    static final java.util.Set<String> REACH_PLAN = java.util.Set.of("sliceTargetRef", "sliceNodeName", "endpointsNodeName",
            "endpointsTargetRef", "controller", "ingressClassAnnotation");

    static final String TEMPLATE = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: ${clusterName}}
            spec:
              serviceCIDRs: [10.96.0.0/12]
              clusterCIDRs: [10.244.0.0/16]
              dnsDomain: ${dnsDomain}
              nodes:
                - name: ${nodeName}
                  addresses: [192.168.77.11]
                  podCIDRs: [10.244.1.0/24]
                  labels: {zone: ${nodeLabel}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: ${namespace}, labels: {team: ${nsLabel}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: ${podName}, namespace: app, labels: {app: web}}
            spec:
              nodeName: ${podNodeName}
              containers: [{name: c, image: x, ports: [{name: ${containerPortName}, containerPort: 8080}]}]
            status: {podIP: 10.244.1.10}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ${serviceName}, namespace: app}
            spec:
              selector: {app: web}
              clusterIP: ${clusterIP}
              ports: [{name: http, port: 80, targetPort: ${targetPort}, protocol: ${protocol}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: app}
            spec: {type: ExternalName, externalName: ${externalName}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ext, namespace: app}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: ext-1, namespace: app, labels: {kubernetes.io/service-name: ext}}
            addressType: IPv4
            ports: [{name: ${slicePortName}, port: 8080, protocol: TCP}]
            endpoints:
              - addresses: [10.244.1.20]
                conditions: {ready: true}
                nodeName: ${sliceNodeName}
                targetRef: {kind: Pod, name: ${sliceTargetRef}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: legacy, namespace: app}
            spec:
              ports: [{name: http, port: 80, targetPort: 8080}]
            ---
            apiVersion: v1
            kind: Endpoints
            metadata: {name: legacy, namespace: app}
            subsets:
              - addresses: [{ip: 10.244.1.30, nodeName: ${endpointsNodeName}, targetRef: {kind: Pod, name: ${endpointsTargetRef}}}]
                ports: [{name: http, port: 8080}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
            spec: {controller: ${controller}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              namespace: app
              annotations:
                ${annotationKey}: "1"
                nginx.ingress.kubernetes.io/ssl-redirect: ${nginxAnnotationValue}
            spec:
              ingressClassName: ${ingressClassName}
              tls: [{hosts: [web.example.com], secretName: ${secretName}}]
              rules:
                - host: ${host}
                  http:
                    paths:
                      - path: ${path}
                        pathType: Prefix
                        backend: {service: {name: ${backendService}, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: legacy
              namespace: app
              annotations: {kubernetes.io/ingress.class: ${ingressClassAnnotation}}
            spec:
              defaultBackend: {service: {name: web, port: {number: 80}}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: ${policyName}, namespace: app}
            spec:
              podSelector: {matchLabels: {app: ${selectorValue}}}
              ingress: [{from: [{ipBlock: {cidr: ${cidr}}}]}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: other, namespace: app}
            type: ${secretType}
            ---
            apiVersion: ${otherApiVersion}
            kind: ${otherKind}
            metadata: {name: thing}
            """;

    @TempDir
    Path tmp;

    /** The TLS Secret of the shop sample, as {@code app/web-tls}. */
    static String secret() {
        try {
            String shop = Files.readString(Path.of("..", "samples", "shop", "ingress.yaml"));
            String doc = shop.substring(shop.indexOf("apiVersion: v1\nkind: Secret"));
            return doc.replace("name: shop-tls", "name: web-tls").replace("namespace: storefront", "namespace: app");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String manifest(Map<String, String> values) {
        String text = TEMPLATE + "---\n" + secret();
        for (Field f : FIELDS) text = text.replace("${" + f.name() + "}", yamlQuoted(values.getOrDefault(f.name(), f.normal())));
        if (text.contains("${")) throw new IllegalStateException("unfilled field in " + text);
        return text;
    }

    /** A YAML double-quoted scalar holding {@code s} exactly, in ASCII. */
    static String yamlQuoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') b.append('\\').appendCodePoint(cp);
            else if (cp >= 0x20 && cp < 0x7f) b.appendCodePoint(cp);
            else if (cp <= 0xffff) b.append(String.format("\\u%04x", cp));
            else b.append(String.format("\\U%08x", cp));
        });
        return b.append('"').toString();
    }

    /** What a run printed and wrote. */
    record Run(int exit, String out, String err, Map<String, String> files) {
    }

    Run compile(Path input, String... extra) throws IOException {
        Path out = Files.createTempDirectory(tmp, "out");
        List<String> args = new ArrayList<>(List.of("compile", "-v", input.toString(), "-o", out.toString()));
        args.addAll(List.of(extra));
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(out.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            }
        }
        return new Run(r.exit(), r.out(), r.err(), files);
    }

    Path write(String name, String text) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "in");
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void theTemplateCompilesCleanly() throws IOException {
        Path in = write("in.yaml", manifest(Map.of()));
        Run r = compile(in);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.files().containsKey("plan.txt"), r.files().keySet().toString());
    }

    @TestFactory
    Stream<DynamicTest> everyHostileStringThroughEveryField() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Field f : FIELDS) {
            tests.add(DynamicTest.dynamicTest(f.name(), () -> {
                Path harmlessIn = write("in.yaml", manifest(Map.of(f.name(), f.harmless())));
                Run harmless = compile(harmlessIn);
                checkClean(harmless, harmlessIn);
                for (String h : HOSTILE) {
                    String value = f.prefix() + h;
                    Path in = write("in.yaml", manifest(Map.of(f.name(), value)));
                    Run r = compile(in);
                    String what = f.name() + " = " + Text.quote(value);
                    checkClean(r, in);
                    if (REACH_PLAN.contains(f.name())) {
                        // The fields of the issue: accepted, and shown in plan.txt as one escaped field.
                        assertEquals(0, r.exit(), what + "\n" + r.err());
                        assertTrue(r.files().get("plan.txt").contains(Text.token(value)), what);
                    }
                    if (r.exit() == 0) {
                        assertEquals(shape(harmless.files().get("plan.txt")), shape(r.files().get("plan.txt")),
                                what + ": plan.txt has other lines or fields than for a harmless value");
                        if (r.err().contains("warning[NETC048]")) {
                            // A refused annotation value leaves its Ingress out (with its TLS files), as ingress-nginx does.
                            assertTrue(r.files().keySet().size() < harmless.files().keySet().size(), what);
                        } else {
                            assertEquals(harmless.files().keySet().size(), r.files().keySet().size(), what);
                        }
                    } else {
                        assertEquals(Netc.EXIT_INPUT_ERRORS, r.exit(), what + "\n" + r.err());
                        assertTrue(r.files().isEmpty(), what);
                        assertTrue(r.err().contains(": error[NETC"), what + "\n" + r.err());
                    }
                    Run json = compile(in, "--format", "json");
                    checkJson(json, r, in, what);
                    checkConvert(in, what);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> hostileFileNames() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String h : HOSTILE) {
            if (h.contains("/") || h.contains("\u0000") || h.getBytes(StandardCharsets.UTF_8).length > 200) continue;
            tests.add(DynamicTest.dynamicTest(Text.quote(h), () -> {
                // An error in the file, so its name is printed.
                Path in = write(h + ".yaml", manifest(Map.of("nodeName", "bad\nname")));
                Run r = compile(in);
                assertEquals(Netc.EXIT_INPUT_ERRORS, r.exit(), r.err());
                checkClean(r, in);
                checkJson(compile(in, "--format", "json"), r, in, Text.quote(h));
                // and a file that compiles: its name is in netc-manifest.json
                Path ok = write(h + ".yaml", manifest(Map.of()));
                Run accepted = compile(ok);
                assertEquals(0, accepted.exit(), accepted.err());
                checkClean(accepted, ok);
                JsonNode manifest = new ObjectMapper().readTree(accepted.files().get("netc-manifest.json"));
                assertTrue(manifest.get("inputs").findValuesAsText("path").stream().anyMatch(p -> p.endsWith(h + ".yaml")),
                        manifest.toString());
            }));
        }
        return tests.stream();
    }

    @Test
    void hostileCommandLineArgumentsAreEscaped() throws IOException {
        Path in = write("in.yaml", manifest(Map.of()));
        for (String h : HOSTILE) {
            List<CliRunner> runs = List.of(
                    CliRunner.run("explain", "-i", in.toString(), h, "10.244.1.10", "80/TCP"),
                    CliRunner.run("explain", "-i", in.toString(), "app/web-0", "10.244.1.10", h),
                    CliRunner.run("compile", in.toString(), "-o", tmp.resolve("o").toString(), "--backend", h),
                    CliRunner.run("compile", in.toString(), "-o", tmp.resolve("o").toString(), "--" + h),
                    CliRunner.run("convert", "--to", h, in.toString()),
                    CliRunner.run("fmt", tmp.resolve(h.replace("/", "_").replace("\u0000", "_")).toString()));
            for (CliRunner r : runs) {
                assertFalse(r.exit() == 0, Text.quote(h));
                assertPrintable("stdout", r.out(), false);
                assertPrintable("stderr", r.err(), false);
            }
        }
    }

    @Test
    void explainEchoesHostileNamesEscaped() throws IOException {
        for (String h : HOSTILE) {
            Path in = write("in.yaml", manifest(Map.of("sliceTargetRef", h)));
            CliRunner r = CliRunner.run("explain", "-i", in.toString(), "10.244.1.20", "10.244.1.10", "80/TCP");
            assertEquals(0, r.exit(), r.err());
            assertPrintable("stdout", r.out(), false);
            assertPrintable("stderr", r.err(), false);
        }
    }

    @Test
    void fmtPrintsHostileStringsEscaped() throws IOException {
        for (String h : HOSTILE) {
            String literal = dslQuoted(h);
            Path in = write("in.netc", "ingress-class nginx {\n  controller " + literal + "\n}\n");
            CliRunner r = CliRunner.run("fmt", in.toString());
            assertPrintable("stdout", r.out(), false);
            assertPrintable("stderr", r.err(), false);
            assertEquals(0, r.exit(), Text.quote(h) + "\n" + r.err());
            // what fmt prints reads back as the same value: both convert to the same YAML
            Path again = write("again.netc", r.out());
            CliRunner before = CliRunner.run("convert", "--to", "yaml", in.toString());
            CliRunner after = CliRunner.run("convert", "--to", "yaml", again.toString());
            assertEquals(0, after.exit(), after.err());
            assertPrintable("stdout", after.out(), false);
            assertEquals(before.out(), after.out(), Text.quote(h));
            assertTrue(after.out().contains("controller: "), after.out());
        }
    }

    /** A DSL string literal as a person might write it: the escapes the DSL has, every other character raw. */
    static String dslQuoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t") + "\"";
    }

    void checkConvert(Path in, String what) {
        for (String to : List.of("dsl", "yaml")) {
            CliRunner r = CliRunner.run("convert", "--to", to, in.toString());
            assertPrintable(what + ": convert --to " + to + " stdout", r.out(), false);
            assertPrintable(what + ": convert --to " + to + " stderr", r.err(), false);
            checkDiagnosticLines(r.err(), in, what + ": convert");
        }
    }

    static void checkClean(Run r, Path in) {
        assertPrintable("stdout", r.out(), false);
        assertPrintable("stderr", r.err(), false);
        checkDiagnosticLines(r.err(), in, "compile");
        for (Map.Entry<String, String> e : r.files().entrySet()) {
            if (e.getKey().endsWith(".crt") || e.getKey().endsWith(".key")) continue; // PEM bytes of a Secret
            assertPrintable(e.getKey(), e.getValue(), !e.getKey().equals("plan.txt"));
        }
    }

    static final Pattern DIAGNOSTIC = Pattern.compile("(.+?)(?::(\\d+):(\\d+))?: (error|warning|note)\\[NETC\\d{3}\\]: (.*)");
    static final Pattern SUMMARY = Pattern.compile("netc: \\d+ errors?, \\d+ warnings?(, \\d+ notes?( \\(shown with -v\\))?)?");

    /** Each line of stderr is a diagnostic about the input file, or the summary line. */
    static void checkDiagnosticLines(String err, Path in, String what) {
        String file = Text.fileName(in.toString());
        for (String line : err.split("\n", -1)) {
            if (line.isEmpty() || SUMMARY.matcher(line).matches() || line.startsWith("netc: wrote ")) continue;
            Matcher m = DIAGNOSTIC.matcher(line);
            if (!m.matches()) fail(what + ": not a diagnostic line: " + line);
            if (!m.group(1).equals(file)) fail(what + ": a diagnostic about another file: " + line + "\n(expected " + file + ")");
        }
    }

    /** The JSON diagnostics: valid JSON, printable, the same diagnostics as the text run. */
    static void checkJson(Run json, Run text, Path in, String what) throws IOException {
        assertEquals(text.exit(), json.exit(), what);
        assertPrintable(what + ": json stdout", json.out(), false);
        JsonNode root = new ObjectMapper().readTree(json.out());
        List<String> rendered = new ArrayList<>();
        for (JsonNode d : root.get("diagnostics")) {
            assertEquals(in.toString(), d.get("file").asText(), what);
            assertTrue(Text.printable(d.get("message").asText()), what + ": " + d);
            String pos = d.get("line").asInt() <= 0 ? Text.fileName(d.get("file").asText())
                    : Text.fileName(d.get("file").asText()) + ":" + d.get("line").asInt() + ":" + d.get("column").asInt();
            rendered.add(pos + ": " + d.get("severity").asText() + "[" + d.get("code").asText() + "]: " + d.get("message").asText());
        }
        List<String> lines = text.err().lines().filter(l -> DIAGNOSTIC.matcher(l).matches()).toList();
        assertEquals(lines, rendered, what);
    }

    /**
     * Each line's first field and number of fields: what a reader of plan.txt relies on. A value that adds a line
     * or a field changes the shape.
     */
    /**
     * The lines' indents, first fields and field counts. What the ingress controller serves ({@code ingress-host}
     * blocks) is left out: a refused value leaves its Ingress or path unserved, which is a decision, not an escape;
     * the same values are in the model's {@code ingress} lines, which stay.
     */
    static List<String> shape(String plan) {
        List<String> shape = new ArrayList<>();
        boolean served = false;
        for (String line : plan.split("\n", -1)) {
            if (line.isEmpty()) continue; // blank lines only part blocks
            if (!line.startsWith(" ")) served = line.startsWith("ingress-host ") || line.startsWith("ingress-default ");
            if (served) continue;
            String trimmed = line.strip();
            String[] fields = trimmed.isEmpty() ? new String[0] : trimmed.split(" +");
            int indent = line.length() - line.stripLeading().length();
            shape.add(indent + ":" + (fields.length == 0 ? "" : fields[0]) + ":" + fields.length);
        }
        return shape;
    }

    /** No control, format, separator or other escaped character; {@code \n} ends lines; tabs only where allowed. */
    static void assertPrintable(String what, String text, boolean tabs) {
        for (String line : text.split("\n", -1)) {
            String l = tabs ? line.replace("\t", "") : line;
            if (!Text.printable(l)) {
                int bad = l.codePoints().filter(Text::unsafe).findFirst().orElseThrow();
                fail(what + ": raw U+" + String.format("%04X", bad) + " in line " + Text.quote(line, 200));
            }
        }
    }
}
