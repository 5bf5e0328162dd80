package dev.netc.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.backends.Artifact;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.nginx.NginxBackend;
import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nginx and nft renderers on models the fuzzer chooses: a cluster whose namespace, Service, port, pod,
 * Ingress, host, path and Secret names (and ports and addresses) come from the fuzzer, compiled; when the
 * model is valid, both backends render it and the output must hold no raw control or format character, no
 * nft name over 255 bytes, and no chosen string may change the output's structure.
 *
 * <p>Structure is judged against a twin: the same model with every syntax character of every chosen string
 * (semicolon, braces, quotes, hash, dollar, backslash and whitespace) replaced by {@code x}. Each output is reduced to its skeleton — words
 * and quoted strings become one token each, the syntax characters outside quotes and every {@code $} stay
 * themselves, comments are dropped — and the two skeletons must be equal. Escaped text (a backslash doubled, a
 * quote escaped inside a quoted string) keeps the skeleton; a chosen string that ends a quoted string, opens a
 * block, ends a directive, starts a comment, splits a word or brings an nginx variable does not. (The check it
 * replaces looked for the chosen string as a substring and took template text, such as a lone backslash or
 * two newlines and a closing brace, for an injection.)
 */
class RendererFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NFT_NAME = Pattern.compile("(?m)^\\s*(?:chain|set|map|table \\S+)\\s+(\\S+)\\s*\\{");
    private static final Pattern SYNTAX = Pattern.compile("[;{}\"'\\s#\\\\$]");

    /** What the fuzzer chose; {@link #harmless()} is the twin with every syntax character made an {@code x}. */
    record Choice(String ns, String svc, String port, String pod, String host, String path, String secret,
                  int svcPort, boolean v6, boolean nodePort, boolean tls) {
        Choice harmless() {
            return new Choice(x(ns), x(svc), x(port), x(pod), x(host), x(path), x(secret), svcPort, v6, nodePort, tls);
        }

        private static String x(String s) {
            return SYNTAX.matcher(s).replaceAll("x");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void render(FuzzedDataProvider data) {
        Choice c = new Choice(
                pick(data, "app", "a-b", "a", "n".repeat(63)),
                pick(data, "web", "b-c", "c", "s".repeat(63)),
                pick(data, "http", "x-http", "p".repeat(15)),
                pick(data, "web-0", "x".repeat(63) + "." + "y".repeat(63) + "." + "z".repeat(63) + "." + "w".repeat(61)),
                pick(data, "shop.example.com", "*.example.com"),
                pick(data, "/", "/api", "/a/b"),
                pick(data, "tls", "a-b"),
                data.consumeInt(1, 65535), data.consumeBoolean(), data.consumeBoolean(), data.consumeBoolean());
        checkModel(c);
    }

    /** Renders the model and checks it; true when it also had a twin to compare with. */
    static boolean checkModel(Choice c) {
        Compiler.Result r = compile(c);
        Checks.diagnosticsAreClean(r);
        if (r.plan().isEmpty()) return false;
        List<Artifact> nginx = new NginxBackend().emit(r.plan().get(), Set.of());
        List<Artifact> nft = new NftablesBackend().emit(r.plan().get(), Set.of());
        for (Artifact a : nginx) check(a, false);
        for (Artifact a : nft) check(a, true);
        if (c.harmless().equals(c)) return false; // nothing chosen holds a syntax character: it is its own twin
        Compiler.Result twin = compile(c.harmless());
        // The twin is a twin only if netc took both inputs alike: a chosen string netc refuses or leaves out
        // with a warning (an Ingress path nginx cannot take) is not in the output, and the structures differ
        // by what was left out.
        if (twin.plan().isEmpty() || !codes(twin).equals(codes(r))) return false;
        sameStructure(nginx, new NginxBackend().emit(twin.plan().get(), Set.of()));
        sameStructure(nft, new NftablesBackend().emit(twin.plan().get(), Set.of()));
        return true;
    }

    private static List<String> codes(Compiler.Result r) {
        return r.diagnostics().stream().map(d -> d.code().name()).toList();
    }

    private static Compiler.Result compile(Choice c) {
        ArrayNode items = JSON.createArrayNode();
        ObjectNode cluster = items.addObject();
        cluster.put("apiVersion", "netc.dev/v1alpha1").put("kind", "Cluster").putObject("metadata").put("name", "lab");
        ObjectNode spec = cluster.putObject("spec");
        spec.putArray("serviceCIDRs").add("10.96.0.0/12").add("fd00:96::/108");
        spec.putArray("clusterCIDRs").add("10.244.0.0/16").add("fd00:244::/56");
        ObjectNode node = spec.putArray("nodes").addObject().put("name", "n1");
        node.putArray("addresses").add("192.168.77.11").add("fd00:77::11");
        node.putArray("podCIDRs").add("10.244.1.0/24").add("fd00:244:0:1::/64");

        ObjectNode p = object(items, "v1", "Pod", c.pod(), c.ns());
        ((ObjectNode) p.get("metadata")).putObject("labels").put("app", "web");
        ObjectNode ps = p.putObject("spec").put("nodeName", "n1");
        ps.putArray("containers").addObject().put("name", "c").put("image", "x").putArray("ports").addObject()
                .put("name", c.port()).put("containerPort", 8080);
        ObjectNode status = p.putObject("status").put("podIP", c.v6() ? "fd00:244:0:1::10" : "10.244.1.10");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");

        ObjectNode s = object(items, "v1", "Service", c.svc(), c.ns());
        ObjectNode ss = s.putObject("spec").put("type", c.nodePort() ? "NodePort" : "ClusterIP");
        ss.putObject("selector").put("app", "web");
        ss.putArray("ports").addObject().put("name", c.port()).put("port", c.svcPort()).put("targetPort", c.port());

        ObjectNode ic = object(items, "networking.k8s.io/v1", "IngressClass", "nginx", null);
        ic.putObject("spec").put("controller", "k8s.io/ingress-nginx");
        ObjectNode ing = object(items, "networking.k8s.io/v1", "Ingress", c.svc(), c.ns());
        ObjectNode is = ing.putObject("spec").put("ingressClassName", "nginx");
        if (c.tls()) {
            ObjectNode tls = is.putArray("tls").addObject().put("secretName", c.secret());
            tls.putArray("hosts").add(c.host());
            ObjectNode sec = object(items, "v1", "Secret", c.secret(), c.ns()).put("type", "kubernetes.io/tls");
            sec.putObject("data").put("tls.crt", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==")
                    .put("tls.key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==");
        }
        ObjectNode rule = is.putArray("rules").addObject().put("host", c.host());
        ObjectNode pathNode = rule.putObject("http").putArray("paths").addObject().put("path", c.path()).put("pathType", "Prefix");
        pathNode.putObject("backend").putObject("service").put("name", c.svc()).putObject("port").put("name", c.port());

        ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.set("items", items);
        return new Compiler().compile(List.of(new InputSource("in.json", list.toString().getBytes(StandardCharsets.UTF_8))));
    }

    private static void check(Artifact a, boolean nft) {
        if (secretFile(a)) return;
        Checks.noRawControls(a.path(), a.text(), true);
        if (nft) {
            Matcher m = NFT_NAME.matcher(a.text());
            while (m.find()) {
                int bytes = m.group(1).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > 255) throw new AssertionError(a.path() + ": nft name of " + bytes + " bytes: " + m.group(1).substring(0, 60) + "...");
            }
        }
    }

    private static boolean secretFile(Artifact a) {
        return a.path().endsWith(".crt") || a.path().endsWith(".key");
    }

    /** The outputs of the model and of its harmless twin: the same files, each with the same skeleton. */
    static void sameStructure(List<Artifact> chosen, List<Artifact> twin) {
        List<Artifact> a = chosen.stream().filter(x -> !secretFile(x)).toList();
        List<Artifact> b = twin.stream().filter(x -> !secretFile(x)).toList();
        if (a.size() != b.size()) throw new AssertionError(a.size() + " files, the harmless twin has " + b.size());
        for (int i = 0; i < a.size(); i++) {
            List<String> sa = skeleton(a.get(i).text());
            List<String> sb = skeleton(b.get(i).text());
            if (!sa.equals(sb)) {
                int k = 0;
                while (k < Math.min(sa.size(), sb.size()) && sa.get(k).equals(sb.get(k))) k++;
                throw new AssertionError(a.get(i).path() + ": a chosen string changes the structure at token " + k
                        + " (" + (k < sa.size() ? sa.get(k) : "end") + " where the twin has "
                        + (k < sb.size() ? sb.get(k) : "end") + ")");
            }
        }
    }

    /**
     * The tokens that give nginx and nft text its structure: {@code w} for a word or a whole quoted string
     * (backslash escapes inside it honoured), semicolons, braces, single quotes and newlines as themselves, and a
     * {@code $} wherever it is (nginx expands variables inside quotes too). Comments ({@code #} to the line's
     * end, outside quotes) are dropped: netc's own comments differ between the twins only inside quotes.
     */
    static List<String> skeleton(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '"') {
                int j = i + 1;
                while (j < n && text.charAt(j) != '"') {
                    if (text.charAt(j) == '$') out.add("$");
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                out.add(j < n ? "w" : "unterminated-string");
                i = j + 1;
            } else if (ch == '#') {
                while (i < n && text.charAt(i) != '\n') i++;
            } else if (ch == '\n' || ch == ';' || ch == '{' || ch == '}' || ch == '\'' || ch == '$') {
                out.add(String.valueOf(ch));
                i++;
            } else if (ch == ' ' || ch == '\t' || ch == '\r') {
                i++;
            } else {
                int j = i;
                while (j < n && " \t\r\n;{}'\"#$".indexOf(text.charAt(j)) < 0) j += text.charAt(j) == '\\' ? 2 : 1;
                out.add("w");
                i = Math.min(j, n);
            }
        }
        return out;
    }

    /** A string from the fuzzer, or (often) one of the valid shapes, so that valid models are reached. */
    private static String pick(FuzzedDataProvider data, String... valid) {
        return data.consumeBoolean() ? data.pickValue(valid) : data.consumeString(80);
    }

    private static ObjectNode object(ArrayNode items, String apiVersion, String kind, String name, String ns) {
        ObjectNode o = items.addObject().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode md = o.putObject("metadata").put("name", name);
        if (ns != null) md.put("namespace", ns);
        return o;
    }
}
