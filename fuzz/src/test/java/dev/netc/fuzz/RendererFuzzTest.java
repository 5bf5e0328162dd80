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
import dev.netc.ir.plan.NetworkPlan;
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
 * chosen string with a syntax character (; { } " ' whitespace #) raw, and (nft) no name over 255 bytes.
 */
class RendererFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NFT_NAME = Pattern.compile("(?m)^\\s*(?:chain|set|map|table \\S+)\\s+(\\S+)\\s*\\{");
    private static final Pattern SYNTAX = Pattern.compile("[;{}\"'\\s#\\\\$]");

    @FuzzTest(maxDuration = "30s")
    void render(FuzzedDataProvider data) {
        List<String> chosen = new ArrayList<>();
        String ns = pick(data, chosen, "app", "a-b", "a", "n".repeat(63));
        String svc = pick(data, chosen, "web", "b-c", "c", "s".repeat(63));
        String port = pick(data, chosen, "http", "x-http", "p".repeat(15));
        String pod = pick(data, chosen, "web-0", "x".repeat(63) + "." + "y".repeat(63) + "." + "z".repeat(63) + "." + "w".repeat(61));
        String host = pick(data, chosen, "shop.example.com", "*.example.com");
        String path = pick(data, chosen, "/", "/api", "/a/b");
        String secret = pick(data, chosen, "tls", "a-b");
        int svcPort = data.consumeInt(1, 65535);
        boolean v6 = data.consumeBoolean();

        ArrayNode items = JSON.createArrayNode();
        ObjectNode cluster = items.addObject();
        cluster.put("apiVersion", "netc.dev/v1alpha1").put("kind", "Cluster").putObject("metadata").put("name", "lab");
        ObjectNode spec = cluster.putObject("spec");
        spec.putArray("serviceCIDRs").add("10.96.0.0/12").add("fd00:96::/108");
        spec.putArray("clusterCIDRs").add("10.244.0.0/16").add("fd00:244::/56");
        ObjectNode node = spec.putArray("nodes").addObject().put("name", "n1");
        node.putArray("addresses").add("192.168.77.11").add("fd00:77::11");
        node.putArray("podCIDRs").add("10.244.1.0/24").add("fd00:244:0:1::/64");

        ObjectNode p = object(items, "v1", "Pod", pod, ns);
        ((ObjectNode) p.get("metadata")).putObject("labels").put("app", "web");
        ObjectNode ps = p.putObject("spec").put("nodeName", "n1");
        ps.putArray("containers").addObject().put("name", "c").put("image", "x").putArray("ports").addObject().put("name", port).put("containerPort", 8080);
        ObjectNode status = p.putObject("status").put("podIP", v6 ? "fd00:244:0:1::10" : "10.244.1.10");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");

        ObjectNode s = object(items, "v1", "Service", svc, ns);
        ObjectNode ss = s.putObject("spec").put("type", data.consumeBoolean() ? "NodePort" : "ClusterIP");
        ss.putObject("selector").put("app", "web");
        ss.putArray("ports").addObject().put("name", port).put("port", svcPort).put("targetPort", port);

        ObjectNode ic = object(items, "networking.k8s.io/v1", "IngressClass", "nginx", null);
        ic.putObject("spec").put("controller", "k8s.io/ingress-nginx");
        ObjectNode ing = object(items, "networking.k8s.io/v1", "Ingress", svc, ns);
        ObjectNode is = ing.putObject("spec").put("ingressClassName", "nginx");
        if (data.consumeBoolean()) {
            ObjectNode tls = is.putArray("tls").addObject().put("secretName", secret);
            tls.putArray("hosts").add(host);
            ObjectNode sec = object(items, "v1", "Secret", secret, ns).put("type", "kubernetes.io/tls");
            sec.putObject("data").put("tls.crt", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==")
                    .put("tls.key", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==");
        }
        ObjectNode rule = is.putArray("rules").addObject().put("host", host);
        ObjectNode pathNode = rule.putObject("http").putArray("paths").addObject().put("path", path).put("pathType", "Prefix");
        pathNode.putObject("backend").putObject("service").put("name", svc).putObject("port").put("name", port);

        ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.set("items", items);
        byte[] input = list.toString().getBytes(StandardCharsets.UTF_8);
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("in.json", input)));
        Checks.diagnosticsAreClean(r);
        if (r.plan().isEmpty()) return;
        NetworkPlan plan = r.plan().get();
        for (Artifact a : new NginxBackend().emit(plan, Set.of())) check(a, chosen, false);
        for (Artifact a : new NftablesBackend().emit(plan, Set.of())) check(a, chosen, true);
    }

    private static void check(Artifact a, List<String> chosen, boolean nft) {
        if (a.path().endsWith(".crt") || a.path().endsWith(".key")) return;
        String text = a.text();
        Checks.noRawControls(a.path(), text, true);
        for (String c : chosen) {
            // A string of one or two characters (a lone backslash or ';') is in every config netc writes: only a
            // longer one, which could carry syntax of its own, tells an injection from the template.
            if (c.length() > 2 && SYNTAX.matcher(c).find() && text.contains(c)) {
                throw new AssertionError(a.path() + " holds the chosen string raw: " + c);
            }
        }
        if (nft) {
            Matcher m = NFT_NAME.matcher(text);
            while (m.find()) {
                int bytes = m.group(1).getBytes(StandardCharsets.UTF_8).length;
                if (bytes > 255) throw new AssertionError(a.path() + ": nft name of " + bytes + " bytes: " + m.group(1).substring(0, 60) + "...");
            }
        }
    }

    /** A string from the fuzzer, or (often) one of the valid shapes, so that valid models are reached. */
    private static String pick(FuzzedDataProvider data, List<String> chosen, String... valid) {
        String s = data.consumeBoolean() ? data.pickValue(valid) : data.consumeString(80);
        chosen.add(s);
        return s;
    }

    private static ObjectNode object(ArrayNode items, String apiVersion, String kind, String name, String ns) {
        ObjectNode o = items.addObject().put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode md = o.putObject("metadata").put("name", name);
        if (ns != null) md.put("namespace", ns);
        return o;
    }
}
