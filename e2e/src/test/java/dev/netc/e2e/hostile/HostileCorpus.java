package dev.netc.e2e.hostile;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import com.github.difflib.patch.PatchFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Generates the hostile-input corpus: one folder per case under {@code cases/} with the input files, and
 * {@code INDEX.tsv} saying per case what is expected, which extra checks apply, which strings must never reach an
 * output raw, and what the case attacks. The whole corpus is written under {@code target/} at test time
 * ({@link #materialize}); the repository ({@code e2e/src/test/resources/hostile}) holds only its small committed
 * form ({@link #committed}).
 *
 * <p>Deterministic: the only randomness is a {@link Random} with a fixed seed, and the cases come out in a
 * fixed order. {@link HostileCorpusTest} checks that the committed corpus is exactly the committed form of
 * what this class writes.
 * Regenerate with {@code NETC_REGENERATE_CORPUS=1 mvn -B -ntp -q -pl e2e -am test -Dtest=HostileCorpusTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>Expectations: {@code reject} (exit 1 required), {@code accept} (exit 0 required), {@code either} (exit 0 or
 * 1; whichever it is, the matching checks apply), {@code refuse} (applier tampering: {@code netc apply} exits 5).
 */
public final class HostileCorpus {
    static final long SEED = 0x6e657463L; // "netc"
    /** The committed form of the corpus (see {@link #committed}). */
    static final Path DIR = Path.of("src", "test", "resources", "hostile");
    /** Where the whole corpus is written at test time, one folder per content hash (see {@link #materialize}). */
    static final Path GENERATED = Path.of("target", "hostile-corpus");
    /** A case whose files together are larger than this is not committed, only generated at test time. */
    static final int COMMIT_LIMIT = 64 * 1024;
    /** The base world, committed once; world-derived case files are committed as a unified diff against it. */
    static final String WORLD_FILE = "world.yaml";
    static final String DIFF_SUFFIX = ".diff";

    /** One case: its files (relative path to bytes) and its index row. */
    record Case(String id, String expect, String checks, List<String> forbid, String attacks, Map<String, byte[]> files) {
    }

    private final List<Case> cases = new ArrayList<>();
    private final Random random = new Random(SEED);

    public static void main(String[] args) throws IOException {
        write(args.length > 0 ? Path.of(args[0]) : DIR);
    }

    /** Replaces {@code dir} with the committed form of the corpus. */
    public static void write(Path dir) throws IOException {
        writeTree(dir, committed(generate()));
    }

    private static void writeTree(Path dir, Map<String, byte[]> files) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    /**
     * The whole corpus (every case, big ones included) written under {@link #GENERATED}, in a folder named by
     * the SHA-256 of its content: written once to a temporary sibling and renamed into place, so test classes
     * running at the same time, or a stale earlier corpus, never see a half-written one. Returns that folder.
     */
    public static Path materialize() throws IOException {
        Map<String, byte[]> all = generate();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(Long.toString(e.getValue().length).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(e.getValue());
        }
        Path dir = GENERATED.resolve(HexFormat.of().formatHex(sha.digest()).substring(0, 16));
        if (Files.isDirectory(dir)) return dir;
        Files.createDirectories(GENERATED);
        Path tmp = Files.createTempDirectory(GENERATED, "tmp-");
        writeTree(tmp, all);
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(dir)) throw e;
            writeTree(tmp, Map.of());
            Files.delete(tmp);
        }
        return dir;
    }

    /**
     * What of {@code all} (the output of {@link #generate}) is committed: {@code INDEX.tsv} (every case), the
     * base world as {@value #WORLD_FILE}, and the files of every case of at most {@link #COMMIT_LIMIT} bytes, each
     * either as it is or, where that is less than half its size and applies back to exactly its bytes, as a
     * unified diff against the base world ({@code name.diff}). Cases above the limit have no committed file.
     */
    public static Map<String, byte[]> committed(Map<String, byte[]> all) {
        byte[] world = world().getBytes(StandardCharsets.UTF_8);
        Map<String, Long> caseSize = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            if (e.getKey().startsWith("cases/")) caseSize.merge(caseDir(e.getKey()), (long) e.getValue().length, Long::sum);
        }
        Map<String, byte[]> out = new TreeMap<>();
        out.put(WORLD_FILE, world);
        for (Map.Entry<String, byte[]> e : all.entrySet()) {
            String path = e.getKey();
            if (!path.startsWith("cases/")) {
                out.put(path, e.getValue());
                continue;
            }
            if (caseSize.get(caseDir(path)) > COMMIT_LIMIT) continue;
            byte[] diff = diffAgainstWorld(world, e.getValue(), path);
            if (diff.length * 2 < e.getValue().length && appliesBack(world, diff, e.getValue())) {
                out.put(path + DIFF_SUFFIX, diff);
            } else {
                out.put(path, e.getValue());
            }
        }
        return out;
    }

    private static boolean appliesBack(byte[] world, byte[] diff, byte[] file) {
        try {
            return Arrays.equals(applyToWorld(world, diff), file);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String caseDir(String path) {
        int second = path.indexOf('/', "cases/".length());
        return path.substring(0, second);
    }

    /** Lines of {@code bytes} split at LF only (CRs stay in the lines), read as ISO-8859-1 so every byte survives. */
    private static List<String> lines(byte[] bytes) {
        return Arrays.asList(new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1));
    }

    static byte[] diffAgainstWorld(byte[] world, byte[] file, String path) {
        List<String> a = lines(world);
        Patch<String> patch = DiffUtils.diff(a, lines(file));
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(WORLD_FILE, path, a, patch, 1);
        return (String.join("\n", unified) + "\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The file a committed {@code .diff} stands for: the diff applied to the base world. */
    static byte[] applyToWorld(byte[] world, byte[] diff) {
        List<String> d = lines(diff);
        Patch<String> patch = UnifiedDiffUtils.parseUnifiedDiff(d.subList(0, d.size() - 1));
        try {
            return String.join("\n", DiffUtils.patch(lines(world), patch)).getBytes(StandardCharsets.ISO_8859_1);
        } catch (PatchFailedException e) {
            throw new IllegalStateException("a corpus diff does not apply to " + WORLD_FILE, e);
        }
    }

    /** The whole corpus as relative path to content, sorted. */
    public static Map<String, byte[]> generate() {
        HostileCorpus c = new HostileCorpus();
        c.yamlStructure();
        c.apiRules();
        c.injection();
        c.dsl();
        c.issueFindings();
        c.applierTampering();
        Map<String, byte[]> out = new TreeMap<>();
        StringBuilder index = new StringBuilder("# id\texpect\tchecks\tforbid (\\uXXXX-escaped, | between)\tattacks\n");
        for (Case k : c.cases) {
            for (Map.Entry<String, byte[]> f : k.files.entrySet()) out.put("cases/" + k.id + "/" + f.getKey(), f.getValue());
            index.append(k.id).append('\t').append(k.expect).append('\t').append(k.checks.isEmpty() ? "-" : k.checks).append('\t')
                    .append(k.forbid.isEmpty() ? "-" : String.join("|", k.forbid.stream().map(HostileCorpus::escape).toList()))
                    .append('\t').append(escape(k.attacks)).append('\n');
        }
        out.put("INDEX.tsv", index.toString().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** Printable ASCII stays; everything else, the backslash, '|' and tab become {@code \\uXXXX}. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '|') b.append(ch);
            else b.append(String.format("\\u%04x", (int) ch));
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 5 < s.length() + 0 && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                b.append(s.charAt(i));
            }
        }
        return b.toString();
    }

    private void add(String id, String expect, String checks, List<String> forbid, String attacks, Map<String, byte[]> files) {
        if (cases.stream().anyMatch(c -> c.id.equals(id))) throw new IllegalStateException("duplicate case " + id);
        cases.add(new Case(id, expect, checks, forbid, attacks, files));
    }

    private void yaml(String id, String expect, String checks, String attacks, String text) {
        add(id, expect, checks, List.of(), attacks, Map.of("in.yaml", text.getBytes(StandardCharsets.UTF_8)));
    }

    private void raw(String id, String expect, String name, String attacks, byte[] bytes) {
        add(id, expect, "", List.of(), attacks, Map.of(name, bytes));
    }

    // ------------------------------------------------------------------------------------------------------
    // The base world: a dual-stack one-node cluster with one object of every kind netc reads. Every value
    // that a case changes is a placeholder @@NAME@@ holding raw YAML.

    static final String BASE = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: @@CLUSTER_NAME@@}
            spec:
              serviceCIDRs: [@@SERVICE_CIDR@@, "fd00:96::/108"]
              clusterCIDRs: [@@CLUSTER_CIDR@@, "fd00:244::/56"]
              dnsDomain: @@DNS_DOMAIN@@
              nodes:
                - name: @@NODE_NAME@@
                  addresses: [@@NODE_ADDRESS@@, "fd00:77::11"]
                  podCIDRs: [@@POD_CIDR@@, "fd00:244:0:1::/64"]
                  labels: {@@NODE_LABEL_KEY@@: @@NODE_LABEL_VALUE@@}
              proxy: {masqueradeAll: @@MASQ_ALL@@, nodePortAddresses: []}
              ingress: {httpPort: @@HTTP_PORT@@, httpsPort: @@HTTPS_PORT@@}
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: @@NS@@
              labels: {@@NS_LABEL_KEY@@: @@NS_LABEL_VALUE@@}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: @@POD_NAME@@
              namespace: @@NS@@
              labels: {app: @@APP@@, @@POD_LABEL_KEY@@: @@POD_LABEL_VALUE@@}
              annotations: {@@ANNOTATION_KEY@@: @@ANNOTATION_VALUE@@}
            spec:
              nodeName: @@POD_NODE@@
              containers:
                - name: @@CONTAINER_NAME@@
                  image: @@IMAGE@@
                  ports: [{name: @@PORT_NAME@@, containerPort: @@CONTAINER_PORT@@, protocol: @@PROTOCOL@@}]
            status:
              podIP: @@POD_IP@@
              podIPs: [{ip: @@POD_IP@@}, {ip: "fd00:244:0:1::10"}]
              conditions: [{type: Ready, status: @@READY@@}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: @@DEP_NAME@@, namespace: @@NS@@}
            spec:
              replicas: @@REPLICAS@@
              selector: {matchLabels: {app: @@DEP_APP@@}}
              template:
                metadata: {labels: {app: @@DEP_APP@@}}
                spec:
                  containers: [{name: c, image: x, ports: [{name: @@DEP_PORT_NAME@@, containerPort: 9090}]}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: @@SVC_NAME@@, namespace: @@NS@@}
            spec:
              type: @@SVC_TYPE@@
              ipFamilyPolicy: @@IP_FAMILY_POLICY@@
              selector: {app: @@SVC_SELECTOR@@}
              externalIPs: [@@EXTERNAL_IP@@]
              sessionAffinity: @@AFFINITY@@
              ports:
                - {name: @@SVC_PORT_NAME@@, port: @@SVC_PORT@@, targetPort: @@TARGET_PORT@@, protocol: @@PROTOCOL@@, nodePort: @@NODE_PORT@@}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: @@EXT_SVC_NAME@@, namespace: @@NS@@}
            spec:
              ports: [{name: @@EPS_PORT_NAME@@, port: 443, targetPort: 8443}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: @@EPS_NAME@@
              namespace: @@NS@@
              labels: {kubernetes.io/service-name: @@EPS_SERVICE@@}
            addressType: @@ADDRESS_TYPE@@
            ports: [{name: @@EPS_PORT_NAME@@, port: @@EPS_PORT@@, protocol: TCP}]
            endpoints:
              - addresses: [@@EP_ADDRESS@@]
                conditions: {ready: true}
                nodeName: @@EP_NODE@@
                hostname: @@EP_HOSTNAME@@
                targetRef: {kind: Pod, name: @@TARGETREF_NAME@@, namespace: @@NS@@}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: @@NP_NAME@@, namespace: @@NS@@}
            spec:
              podSelector: {matchLabels: {app: @@NP_POD_APP@@}}
              policyTypes: @@POLICY_TYPES@@
              ingress:
                - from:
                    - namespaceSelector: {matchLabels: {@@NP_NS_KEY@@: @@NP_NS_VALUE@@}}
                    - ipBlock: {cidr: @@NP_CIDR@@, except: [@@NP_EXCEPT@@]}
                    - podSelector: {matchExpressions: [{key: app, operator: @@NP_OPERATOR@@, values: [@@NP_VALUE@@]}]}
                  ports: [{port: @@NP_PORT@@, endPort: @@NP_END_PORT@@, protocol: TCP}]
              egress:
                - to: [{ipBlock: {cidr: "0.0.0.0/0"}}]
                  ports: [{port: 53, protocol: UDP}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: @@IC_NAME@@
              annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
            spec: {controller: @@IC_CONTROLLER@@}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: @@ING_NAME@@
              namespace: @@NS@@
              annotations:
                kubernetes.io/ingress.class: @@ING_CLASS_ANNOTATION@@
                nginx.ingress.kubernetes.io/rewrite-target: @@REWRITE@@
                nginx.ingress.kubernetes.io/proxy-body-size: @@BODY_SIZE@@
                nginx.ingress.kubernetes.io/whitelist-source-range: @@WHITELIST@@
                nginx.ingress.kubernetes.io/backend-protocol: @@BACKEND_PROTOCOL@@
                nginx.ingress.kubernetes.io/ssl-redirect: @@SSL_REDIRECT@@
                nginx.ingress.kubernetes.io/configuration-snippet: @@SNIPPET@@
            spec:
              ingressClassName: @@ING_CLASS@@
              tls: [{hosts: [@@TLS_HOST@@], secretName: @@SECRET_NAME@@}]
              rules:
                - host: @@HOST@@
                  http:
                    paths:
                      - path: @@PATH@@
                        pathType: @@PATH_TYPE@@
                        backend: {service: {name: @@BACKEND_SVC@@, port: {name: @@BACKEND_PORT_NAME@@}}}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: @@SECRET_NAME@@, namespace: @@NS@@}
            type: @@SECRET_TYPE@@
            data: {tls.crt: @@CRT@@, tls.key: @@KEY@@}
            """;

    static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        String[] kv = {
            "CLUSTER_NAME", "lab", "SERVICE_CIDR", "10.96.0.0/12", "CLUSTER_CIDR", "10.244.0.0/16", "DNS_DOMAIN", "cluster.local",
            "NODE_NAME", "n1", "NODE_ADDRESS", "192.168.77.11", "POD_CIDR", "10.244.1.0/24", "NODE_LABEL_KEY", "zone",
            "NODE_LABEL_VALUE", "a", "MASQ_ALL", "false", "HTTP_PORT", "80", "HTTPS_PORT", "443",
            "NS", "app", "NS_LABEL_KEY", "team", "NS_LABEL_VALUE", "web",
            "POD_NAME", "web-0", "APP", "web", "POD_LABEL_KEY", "tier", "POD_LABEL_VALUE", "front",
            "ANNOTATION_KEY", "note", "ANNOTATION_VALUE", "hello", "POD_NODE", "n1", "CONTAINER_NAME", "web", "IMAGE", "nginx",
            "PORT_NAME", "http", "CONTAINER_PORT", "8080", "PROTOCOL", "TCP", "POD_IP", "10.244.1.10", "READY", "\"True\"",
            "DEP_NAME", "api", "REPLICAS", "2", "DEP_APP", "api", "DEP_PORT_NAME", "metrics",
            "SVC_NAME", "web", "SVC_TYPE", "NodePort", "IP_FAMILY_POLICY", "PreferDualStack", "SVC_SELECTOR", "web",
            "EXTERNAL_IP", "192.168.77.100", "AFFINITY", "None", "SVC_PORT_NAME", "http", "SVC_PORT", "80",
            "TARGET_PORT", "http", "NODE_PORT", "30080",
            "EXT_SVC_NAME", "psp", "EPS_PORT_NAME", "https", "EPS_NAME", "psp-1", "EPS_SERVICE", "psp", "ADDRESS_TYPE", "IPv4",
            "EPS_PORT", "8443", "EP_ADDRESS", "192.168.50.10", "EP_NODE", "n1", "EP_HOSTNAME", "gw", "TARGETREF_NAME", "gw-0",
            "NP_NAME", "web-in", "NP_POD_APP", "web", "POLICY_TYPES", "[Ingress, Egress]", "NP_NS_KEY", "team",
            "NP_NS_VALUE", "web", "NP_CIDR", "192.168.0.0/16", "NP_EXCEPT", "192.168.9.0/24", "NP_OPERATOR", "In",
            "NP_VALUE", "api", "NP_PORT", "8080", "NP_END_PORT", "8090",
            "IC_NAME", "nginx", "IC_CONTROLLER", "k8s.io/ingress-nginx",
            "ING_NAME", "web", "ING_CLASS_ANNOTATION", "nginx", "REWRITE", "/", "BODY_SIZE", "8m", "WHITELIST", "\"10.0.0.0/8\"",
            "BACKEND_PROTOCOL", "HTTP", "SSL_REDIRECT", "\"true\"", "SNIPPET", "\"\"", "ING_CLASS", "nginx",
            "TLS_HOST", "shop.example.com", "SECRET_NAME", "shop-tls", "HOST", "shop.example.com", "PATH", "/",
            "PATH_TYPE", "Prefix", "BACKEND_SVC", "web", "BACKEND_PORT_NAME", "http", "SECRET_TYPE", "kubernetes.io/tls",
            "CRT", Pem.CRT, "KEY", Pem.KEY,
        };
        for (int i = 0; i < kv.length; i += 2) d.put(kv[i], kv[i + 1]);
        return d;
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("@@([A-Z_]+)@@");

    /** The base world with {@code overrides} (raw YAML values) in place of the defaults. */
    static String world(Map<String, String> overrides) {
        Matcher m = PLACEHOLDER.matcher(BASE);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            if (!DEFAULTS.containsKey(key)) throw new IllegalStateException("no default for " + key);
            m.appendReplacement(b, Matcher.quoteReplacement(overrides.getOrDefault(key, DEFAULTS.get(key))));
        }
        m.appendTail(b);
        for (String k : overrides.keySet()) if (!DEFAULTS.containsKey(k)) throw new IllegalStateException("unknown field " + k);
        return b.toString();
    }

    static String world() {
        return world(Map.of());
    }

    /** A YAML double-quoted scalar carrying {@code s} exactly. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f) || ch == 0x2028 || ch == 0x2029 || ch == 0xfeff) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }

    // ------------------------------------------------------------------------------------------------------

    private void yamlStructure() {
        String w = world();
        yaml("yaml-anchor", "reject", "", "alias with no anchor before it", "a: *x\nb: &x {kind: Pod}\n");
        yaml("yaml-alias-in-world", "accept", "", "alias inside a real object (expanded, as kubectl does)", w.replace("name: web-0\n", "name: &n web-0\n").replace("image: nginx", "image: *n"));
        yaml("yaml-merge-key", "accept", "", "merge key in a real object (merged, as kubectl does)", w.replace("name: web-0\n", "<<: {name: web-0}\n"));
        yaml("yaml-billion-laughs", "reject", "", "exponential aliases", billionLaughs());
        yaml("yaml-tag-python", "reject", "", "language tag", "apiVersion: v1\nkind: !!python/object:os.system Pod\nmetadata: {name: p}\n");
        yaml("yaml-tag-custom", "reject", "", "local tag", "apiVersion: v1\nkind: Pod\nmetadata: !secret {name: p}\n");
        yaml("yaml-tag-binary", "reject", "", "binary tag", "apiVersion: v1\nkind: Pod\nmetadata: {name: !!binary aGVsbG8=}\n");
        yaml("yaml-tag-directive", "reject", "", "TAG directive", "%TAG ! tag:evil.com,2000:\n---\napiVersion: v1\nkind: !x Pod\n");
        yaml("yaml-version-directive", "either", "", "YAML 1.1 directive", "%YAML 1.1\n---\n" + w);
        yaml("yaml-dup-key-top", "reject", "", "duplicate top-level key", "apiVersion: v1\nkind: Pod\nkind: Service\nmetadata: {name: p}\n");
        yaml("yaml-dup-key-nested", "reject", "", "duplicate nested key", w.replace("name: web-0\n", "name: web-0\n  name: web-1\n"));
        yaml("yaml-dup-key-flow", "reject", "", "duplicate key in a flow mapping", w.replace("{app: web, tier", "{app: web, app: db, tier"));
        yaml("yaml-tab-indent", "reject", "", "tab indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n");
        yaml("yaml-unclosed-quote", "reject", "", "unterminated quoted scalar", "apiVersion: v1\nkind: Pod\nmetadata: {name: \"p}\n");
        yaml("yaml-unclosed-flow", "reject", "", "unterminated flow mapping", "apiVersion: v1\nkind: Pod\nmetadata: {name: p\n");
        yaml("yaml-unclosed-seq", "reject", "", "unterminated flow sequence", "apiVersion: v1\nkind: Pod\nspec: {containers: [\n");
        yaml("yaml-bad-indent", "reject", "", "inconsistent indentation", "apiVersion: v1\nkind: Pod\nmetadata:\n    name: p\n  namespace: x\n");
        yaml("yaml-complex-key", "reject", "", "complex mapping key", "? [a, b]\n: c\napiVersion: v1\nkind: Pod\n");
        yaml("yaml-scalar-doc", "reject", "", "document is a scalar", "just a string\n");
        yaml("yaml-seq-doc", "reject", "", "document is a sequence", "- a\n- b\n");
        yaml("yaml-no-kind", "reject", "", "no kind", "apiVersion: v1\nmetadata: {name: p}\n");
        yaml("yaml-no-apiversion", "reject", "", "no apiVersion", "kind: Pod\nmetadata: {name: p}\n");
        yaml("yaml-kind-number", "reject", "", "kind is a number", "apiVersion: v1\nkind: 5\nmetadata: {name: p}\n");
        yaml("yaml-kind-list", "reject", "", "kind is a list", "apiVersion: v1\nkind: [Pod]\nmetadata: {name: p}\n");
        yaml("yaml-kind-null", "reject", "", "kind is null", "apiVersion: v1\nkind: ~\nmetadata: {name: p}\n");
        yaml("yaml-list-items-scalar", "reject", "", "List with scalar items", "apiVersion: v1\nkind: List\nitems: 5\n");
        yaml("yaml-list-items-bad", "reject", "", "List with non-object items", "apiVersion: v1\nkind: List\nitems: [1, [2], {a: b}]\n");
        yaml("yaml-list-nested", "either", "", "List inside a List", "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: List\n    items: []\n");
        yaml("yaml-empty", "either", "", "empty file", "");
        yaml("yaml-only-comments", "either", "", "only comments", "# nothing\n# here\n");
        yaml("yaml-only-separators", "either", "", "only document separators", "---\n---\n---\n...\n");
        yaml("yaml-many-empty-docs", "either", "", "20000 empty documents", "---\n".repeat(20000));
        yaml("yaml-deep-nesting", "reject", "", "nesting 200 deep", "apiVersion: v1\nkind: Pod\nmetadata: " + "{a: ".repeat(200) + "1" + "}".repeat(200) + "\n");
        yaml("yaml-deep-seq", "reject", "", "sequence nesting 500 deep", "apiVersion: v1\nkind: Pod\nx: " + "[".repeat(500) + "]".repeat(500) + "\n");
        yaml("yaml-deep-block", "reject", "", "block nesting 100 deep", deepBlock(100));
        yaml("yaml-long-key", "reject", "", "a 100 000 character key", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, " + "k".repeat(100_000) + ": v}\n");
        yaml("yaml-many-keys", "either", "", "20 000 annotations", manyAnnotations(20_000));
        yaml("yaml-too-many-nodes", "reject", "", "200 000 nodes in one document", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nx: [" + "1,".repeat(200_000) + "1]\n");
        yaml("yaml-document-too-large", "reject", "", "a 4.5 MB document", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n" + annotationLines(90_000, 40));
        yaml("yaml-crlf", "either", "", "CRLF line endings", w.replace("\n", "\r\n"));
        yaml("yaml-cr-only", "either", "", "old Mac line endings", w.replace("\n", "\r"));
        raw("yaml-bom", "either", "in.yaml", "byte order mark", concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, w.getBytes(StandardCharsets.UTF_8)));
        raw("yaml-utf16", "either", "in.yaml", "UTF-16 with BOM", concat(new byte[] {(byte) 0xff, (byte) 0xfe}, "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n".getBytes(StandardCharsets.UTF_16LE)));
        raw("yaml-invalid-utf8", "reject", "in.yaml", "invalid UTF-8 bytes", concat("apiVersion: v1\nkind: Pod\nmetadata: {name: \"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff, '"', '}', '\n'}));
        raw("yaml-overlong-utf8", "reject", "in.yaml", "overlong UTF-8 encoding of '/'", concat("apiVersion: v1\nkind: Pod\nmetadata: {name: \"a".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xc0, (byte) 0xaf, '"', '}', '\n'}));
        raw("yaml-nul-byte", "reject", "in.yaml", "NUL byte in the stream", "apiVersion: v1\nkind: Pod\nmetadata: {name: p\0q}\n".getBytes(StandardCharsets.UTF_8));
        raw("yaml-binary-garbage", "reject", "in.yaml", "random bytes", randomBytes(4096));
        raw("yaml-lone-surrogate", "reject", "in.yaml", "encoded surrogate half", concat("apiVersion: v1\nkind: Pod\nmetadata: {name: \"".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}', '\n'}));
        yaml("yaml-escaped-nul", "either", "", "escaped NUL in a quoted scalar", w.replace("image: nginx", "image: \"ngi\\0nx\""));
        yaml("yaml-block-scalar-name", "either", "", "a folded block scalar as a name", w.replace("name: web-0\n", "name: >\n    web-0\n    injected\n"));
        yaml("yaml-literal-scalar-host", "either", "", "a literal block scalar as a host", w.replace("- host: shop.example.com", "- host: |\n                shop.example.com\n                evil.example.com"));
        yaml("yaml-json-bad", "reject", "", "malformed JSON in a .yaml", "{\"apiVersion\": \"v1\", \"kind\": \"Pod\",, }\n");
        add("json-trailing-comma", "reject", "", List.of(), "malformed JSON", Map.of("in.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",},}".getBytes(StandardCharsets.UTF_8)));
        add("json-dup-key", "reject", "", List.of(), "duplicate key in JSON", Map.of("in.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"kind\":\"Service\",\"metadata\":{\"name\":\"p\"}}".getBytes(StandardCharsets.UTF_8)));
        add("json-deep", "reject", "", List.of(), "JSON nested 10 000 deep", Map.of("in.json", ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8)));
        add("json-huge-number", "reject", "", List.of(), "a 5000-digit port", Map.of("in.json", ("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"spec\":{\"ports\":[{\"port\":" + "9".repeat(5000) + "}]}}").getBytes(StandardCharsets.UTF_8)));
        add("json-truncated", "reject", "", List.of(), "truncated JSON", Map.of("in.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"na".getBytes(StandardCharsets.UTF_8)));
        add("json-not-object", "reject", "", List.of(), "JSON array of numbers", Map.of("in.json", "[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        add("json-nan", "reject", "", List.of(), "NaN as a port", Map.of("in.json", "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"spec\":{\"ports\":[{\"port\":NaN}]}}".getBytes(StandardCharsets.UTF_8)));
        add("json-escaped-newline-name", "reject", "", List.of(), "\\n escape in a JSON name", Map.of("in.json", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\\nb\"}}".getBytes(StandardCharsets.UTF_8)));
        add("ext-unknown-file", "either", "", List.of(), "a file with an extension netc does not read", Map.of("in.yaml", w.getBytes(StandardCharsets.UTF_8), "notes.txt", "kind: Pod\n{{{".getBytes(StandardCharsets.UTF_8)));
        // Identical objects in two files are one object (a note), as when one chart is rendered twice; a difference is NETC013.
        add("two-files-dup-object", "accept", "", List.of(), "the same objects in two files", Map.of("a.yaml", w.getBytes(StandardCharsets.UTF_8), "b.yaml", w.getBytes(StandardCharsets.UTF_8)));
        add("two-files-dup-object-differing", "reject", "", List.of(), "the same object names in two files, one replica count apart", Map.of("a.yaml", w.getBytes(StandardCharsets.UTF_8),
                "b.yaml", w.replaceFirst("replicas: 2", "replicas: 3").getBytes(StandardCharsets.UTF_8)));
        add("two-cluster-profiles", "reject", "", List.of(), "two cluster profiles", Map.of("a.yaml", w.getBytes(StandardCharsets.UTF_8),
                "b.yaml", "apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: other}\nspec: {}\n".getBytes(StandardCharsets.UTF_8)));
        yaml("yaml-1-1-booleans", "either", "", "YAML 1.1 yes/no/on booleans", w.replace("masqueradeAll: false", "masqueradeAll: no").replace("status: \"True\"", "status: yes"));
        yaml("yaml-octal-port", "either", "", "octal and hex ports", w.replace("port: 80,", "port: 0o120,").replace("containerPort: 8080", "containerPort: 0x1f90"));
        yaml("yaml-float-port", "reject", "", "float port", w.replace("port: 80,", "port: 80.5,"));
        yaml("yaml-inf-port", "reject", "", "infinite port", w.replace("port: 80,", "port: .inf,"));
        yaml("yaml-nan-replicas", "reject", "", "NaN replicas", w.replace("replicas: 2", "replicas: .nan"));
        yaml("yaml-timestamp-name", "either", "", "a timestamp as a name", w.replace("name: web-0\n", "name: 2001-12-14t21:59:43.10-05:00\n"));
        yaml("yaml-huge-int", "reject", "", "a 400-digit integer", w.replace("replicas: 2", "replicas: " + "9".repeat(400)));
        yaml("yaml-negative-zero", "either", "", "-0 replicas", w.replace("replicas: 2", "replicas: -0"));
    }

    private static String billionLaughs() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: Pod\na0: &a0 [lol]\n");
        for (int i = 1; i < 10; i++) {
            b.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            b.append("]\n");
        }
        return b.toString();
    }

    private static String deepBlock(int depth) {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata:\n");
        for (int i = 0; i < depth; i++) b.append("  ".repeat(i + 1)).append("k").append(i).append(":\n");
        b.append("  ".repeat(depth + 1)).append("v: 1\n");
        return b.toString();
    }

    private static String manyAnnotations(int n) {
        return world().replace("annotations: {note: hello}", "annotations:\n" + annotationLines(n, 4).replace("\n    ", "\n    ").indent(2).stripTrailing());
    }

    private static String annotationLines(int n, int valueLength) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append("    k").append(i).append(": ").append("v".repeat(valueLength)).append('\n');
        return b.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    // ------------------------------------------------------------------------------------------------------
    // API rules: every field with wrong types and out-of-range values.

    private void apiRules() {
        List<String[]> wrongTypes = List.of(new String[] {"list", "[a, b]"}, new String[] {"map", "{a: b}"});
        for (String field : DEFAULTS.keySet()) {
            if (field.equals("CRT") || field.equals("KEY")) continue;
            for (String[] wt : wrongTypes) {
                // null and booleans are plausible for a few fields; everything else must be refused or be harmless
                yaml("api-" + slug(field) + "-" + wt[0], "either", "", field + " as " + wt[0], world(Map.of(field, wt[1])));
            }
        }
        String[][] values = {
            {"SVC_PORT", "0"}, {"SVC_PORT", "65536"}, {"SVC_PORT", "99999999999"}, {"CONTAINER_PORT", "70000"},
            {"NODE_PORT", "80"}, {"NODE_PORT", "40000"}, {"NP_PORT", "0"}, {"NP_END_PORT", "7000"}, {"NP_END_PORT", "70000"},
            {"TARGET_PORT", "nosuchport"}, {"TARGET_PORT", "\"-bad-\""}, {"TARGET_PORT", "0"},
            {"PORT_NAME", "HTTP"}, {"PORT_NAME", "a-very-long-port-name"}, {"PORT_NAME", "1234"}, {"SVC_PORT_NAME", "a--b"},
            {"PROTOCOL", "ICMP"}, {"PROTOCOL", "tcp"}, {"SVC_TYPE", "Loadbalancer"}, {"SVC_TYPE", "ExternalName"},
            {"IP_FAMILY_POLICY", "TripleStack"}, {"AFFINITY", "Random"}, {"ADDRESS_TYPE", "FQDN"}, {"ADDRESS_TYPE", "IPv5"},
            {"POD_IP", "10.244.1.300"}, {"POD_IP", "10.245.0.1"}, {"POD_IP", "::ffff:10.244.1.10"}, {"POD_IP", "010.244.001.010"},
            {"EP_ADDRESS", "not-an-ip"}, {"EP_ADDRESS", "fd00::1"}, {"EXTERNAL_IP", "10.96.0.10"}, {"EXTERNAL_IP", "1.2.3.4/32"},
            {"SERVICE_CIDR", "10.96.0.0/33"}, {"SERVICE_CIDR", "10.96.0.1/12"}, {"SERVICE_CIDR", "10.244.0.0/16"},
            {"CLUSTER_CIDR", "10.244.0.0"}, {"POD_CIDR", "10.244.1.0/16"}, {"POD_CIDR", "10.250.0.0/24"},
            {"NP_CIDR", "192.168.0.0/40"}, {"NP_EXCEPT", "10.0.0.0/8"}, {"NP_EXCEPT", "192.168.0.0/16"}, {"NP_OPERATOR", "Like"},
            {"NP_OPERATOR", "Exists"}, {"NP_VALUE", "\"\""}, {"NP_NS_KEY", "\"a/b/c\""}, {"NP_NS_KEY", "\"-x\""},
            {"NP_NS_VALUE", "\"x y\""}, {"POD_LABEL_KEY", "\"example.com/\""}, {"POD_LABEL_VALUE", "\"" + "v".repeat(64) + "\""},
            {"POLICY_TYPES", "[Ingress, Ingress]"}, {"POLICY_TYPES", "[Sideways]"}, {"POLICY_TYPES", "Ingress"},
            {"REPLICAS", "-3"}, {"REPLICAS", "100000"}, {"NS", "Upper"}, {"NS", "a.b"}, {"NS", "\"" + "n".repeat(64) + "\""},
            {"POD_NAME", "\"" + "p".repeat(254) + "\""}, {"POD_NAME", "-web"}, {"SVC_NAME", "1web"}, {"SVC_NAME", "web.x"},
            {"DNS_DOMAIN", "\"cluster..local\""}, {"DNS_DOMAIN", "\"a b\""}, {"HTTP_PORT", "0"}, {"HTTPS_PORT", "70000"},
            {"HOST", "\"Shop.Example.com\""}, {"HOST", "\"" + "h".repeat(64) + ".example.com\""}, {"HOST", "\"1.2.3.4\""},
            {"HOST", "\"*\""}, {"PATH", "relative"}, {"PATH", "\"\""}, {"PATH_TYPE", "Regex"}, {"PATH_TYPE", "ImplementationSpecific"},
            {"BACKEND_SVC", "nosuch"}, {"BACKEND_PORT_NAME", "nosuch"}, {"SECRET_NAME", "nosuch-secret"}, {"SECRET_TYPE", "Opaque"},
            {"CRT", "\"bm90IGJhc2U2NA==\""}, {"CRT", "\"!!!notbase64\""}, {"KEY", "\"\""}, {"IC_CONTROLLER", "example.com/other"},
            {"ING_CLASS", "nosuch"}, {"REWRITE", "\"/$1\""}, {"BODY_SIZE", "\"8 m\""}, {"BODY_SIZE", "\"99999999999999g\""},
            {"WHITELIST", "\"10.0.0.0/33\""}, {"BACKEND_PROTOCOL", "GRPC"}, {"SSL_REDIRECT", "\"maybe\""},
            {"SNIPPET", "\"return 200 pwned;\""}, {"NODE_ADDRESS", "\"\""}, {"EP_NODE", "nosuch"}, {"POD_NODE", "nosuch"},
            {"READY", "\"Maybe\""}, {"EPS_SERVICE", "nosuch"}, {"EPS_PORT", "0"}, {"MASQ_ALL", "\"sometimes\""},
        };
        for (int i = 0; i < values.length; i++) {
            String[] v = values[i];
            yaml("api-value-" + String.format("%03d", i) + "-" + slug(v[0]), "either", "", v[0] + " = " + v[1], world(Map.of(v[0], v[1])));
        }
        for (String doc : List.of("Cluster", "Namespace", "Pod", "Deployment", "Service", "EndpointSlice", "NetworkPolicy", "IngressClass", "Ingress", "Secret")) {
            String w = world();
            yaml("api-no-metadata-" + doc.toLowerCase(), "reject", "", doc + " without metadata",
                    w.replaceFirst("(?s)(kind: " + doc + "\n)metadata: \\{[^\n]*\\}\n", "$1").replaceFirst("(?s)(kind: " + doc + "\n)metadata:\n(  [^\n]*\n)+", "$1"));
            yaml("api-no-spec-" + doc.toLowerCase(), "either", "", doc + " without spec",
                    w.replaceFirst("(?s)(kind: " + doc + "\n(?:metadata[^\n]*\n(?:  [^\n]*\n)*))spec:[^\n]*\n(?:  [^\n]*\n)*", "$1"));
            yaml("api-bad-apiversion-" + doc.toLowerCase(), "reject", "", doc + " with an unsupported apiVersion",
                    w.replaceFirst("apiVersion: [^\n]*\n(kind: " + doc + "\n)", "apiVersion: example.com/v9\n$1")
                            .replaceFirst("apiVersion: [^\n]*\n(kind: " + doc + "\n)", "apiVersion: v2\n$1"));
        }
    }

    static String slug(String field) {
        return field.toLowerCase().replace('_', '-');
    }

    // ------------------------------------------------------------------------------------------------------
    // Injection into every string field.

    /** Hostile strings; each is reported in the index with the raw parts that must never reach an output. */
    static final String[][] PAYLOADS = {
        {"newline", "a\nFORGED -A INPUT -j ACCEPT"},
        {"cr", "a\rFORGED"},
        {"nel", "a\u0085FORGED"},
        {"line-separator", "a\u2028FORGED"},
        {"rlo", "a\u202eFORGED"},
        {"csi", "a\u009b2JFORGED"},
        {"esc", "a\u001b[2JFORGED"},
        {"nul", "a\u0000FORGED"},
        {"zwsp", "a\u200bFORGED"},
        {"brace", "a;}FORGED{"},
        {"quote", "a\" FORGED \""},
        {"dollar", "$(FORGED)"},
        {"dotdot", "../../FORGED"},
        {"long", "a".repeat(300)},
    };

    /** Fields the injection cases target (every string field of the base world). */
    static final List<String> STRING_FIELDS = List.of("CLUSTER_NAME", "DNS_DOMAIN", "NODE_NAME", "NODE_LABEL_KEY", "NODE_LABEL_VALUE",
            "NS", "NS_LABEL_KEY", "NS_LABEL_VALUE", "POD_NAME", "APP", "POD_LABEL_KEY", "POD_LABEL_VALUE", "ANNOTATION_KEY",
            "ANNOTATION_VALUE", "POD_NODE", "CONTAINER_NAME", "IMAGE", "PORT_NAME", "DEP_NAME", "DEP_PORT_NAME", "SVC_NAME",
            "SVC_PORT_NAME", "TARGET_PORT", "EXT_SVC_NAME", "EPS_PORT_NAME", "EPS_NAME", "EP_NODE", "EP_HOSTNAME", "TARGETREF_NAME",
            "NP_NAME", "NP_NS_KEY", "NP_NS_VALUE", "NP_VALUE", "IC_NAME", "IC_CONTROLLER", "ING_NAME", "ING_CLASS_ANNOTATION",
            "REWRITE", "BODY_SIZE", "WHITELIST", "SNIPPET", "ING_CLASS", "TLS_HOST", "SECRET_NAME", "HOST", "PATH",
            "BACKEND_SVC", "BACKEND_PORT_NAME");

    /** What must never appear raw in any output: the part of the payload from its first special character on. */
    static List<String> forbidden(String payload) {
        for (int i = 0; i < payload.length(); i++) {
            char ch = payload.charAt(i);
            if (!(Character.isLetterOrDigit(ch) || ch == '-' || ch == '.' || ch == '_') || ch > 0x7e) {
                return List.of(payload.substring(i));
            }
        }
        return List.of();
    }

    private void injection() {
        for (String field : STRING_FIELDS) {
            for (String[] p : PAYLOADS) {
                String id = "inject-" + slug(field) + "-" + p[0];
                String text = world(Map.of(field, quoted(p[1])));
                add(id, "either", "", forbidden(p[1]), "string " + p[0] + " in " + field, Map.of("in.yaml", text.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // The intent DSL.

    static final String DSL_BASE = """
            cluster lab {
              service-cidrs 10.96.0.0/12
              cluster-cidrs 10.244.0.0/16
              node n1 {
                addresses 192.168.77.11
                pod-cidrs 10.244.1.0/24
              }
            }

            in app {
              deployment @@NAME@@ {
                replicas 2
                selector app=@@LABEL@@
                pod-labels app=@@LABEL@@
                port @@PORT_NAME@@ 8080
              }

              service web {
                selector app=@@LABEL@@
                port http 80 -> @@PORT_NAME@@
              }

              ingress web {
                host @@HOST@@ {
                  path @@PATH@@ Prefix -> web http
                }
              }
            }
            """;

    static String dslWorld(Map<String, String> o) {
        String t = DSL_BASE;
        for (String k : List.of("NAME", "LABEL", "PORT_NAME", "HOST", "PATH")) {
            String def = switch (k) {
                case "NAME" -> "web";
                case "LABEL" -> "web";
                case "PORT_NAME" -> "http";
                case "HOST" -> "shop.example.com";
                default -> "\"/\"";
            };
            t = t.replace("@@" + k + "@@", o.getOrDefault(k, def));
        }
        return t;
    }

    private void dslCase(String id, String expect, List<String> forbid, String attacks, String text) {
        add(id, expect, "", forbid, attacks, Map.of("in.netc", text.getBytes(StandardCharsets.UTF_8)));
    }

    private void dsl() {
        String w = dslWorld(Map.of());
        dslCase("dsl-baseline", "accept", List.of(), "the DSL base world itself", w);
        dslCase("dsl-unclosed-brace", "reject", List.of(), "missing closing brace", w.substring(0, w.lastIndexOf('}')));
        dslCase("dsl-extra-brace", "reject", List.of(), "extra closing brace", w + "}\n");
        dslCase("dsl-unterminated-string", "reject", List.of(), "unterminated string", w.replace("\"/\"", "\"/abc"));
        dslCase("dsl-unknown-keyword", "reject", List.of(), "misspelled keyword", w.replace("replicas 2", "replcas 2"));
        dslCase("dsl-keyword-as-name", "either", List.of(), "a keyword as a name", dslWorld(Map.of("NAME", "service")));
        dslCase("dsl-dup-setting", "reject", List.of(), "setting given twice", w.replace("replicas 2", "replicas 2\n    replicas 3"));
        dslCase("dsl-huge-number", "reject", List.of(), "a 500-digit replica count", w.replace("replicas 2", "replicas " + "9".repeat(500)));
        dslCase("dsl-negative", "reject", List.of(), "negative replicas", w.replace("replicas 2", "replicas -2"));
        dslCase("dsl-port-range", "reject", List.of(), "port 70000", w.replace("port http 80", "port http 70000"));
        dslCase("dsl-deep-braces", "reject", List.of(), "10 000 nested braces", "in app {\n" + "{".repeat(10_000) + "}".repeat(10_000) + "\n}\n");
        dslCase("dsl-deep-blocks", "reject", List.of(), "2 000 nested in-blocks", "in a {\n".repeat(2000) + "}\n".repeat(2000));
        dslCase("dsl-only-garbage", "reject", List.of(), "punctuation soup", "{{}}->,,==\"\"''@@##\n");
        dslCase("dsl-binary", "reject", List.of(), "random bytes", new String(randomBytes(2048), StandardCharsets.ISO_8859_1));
        dslCase("dsl-empty", "either", List.of(), "empty file", "");
        dslCase("dsl-comment-only", "either", List.of(), "only a comment", "# nothing here\n");
        dslCase("dsl-comment-newline-forge", "either", List.of("\nFORGED"), "a comment with a CR that a terminal would show as a new line",
                w.replace("in app {", "# note\rFORGED error[NETC001]: forged\nin app {"));
        dslCase("dsl-crlf", "either", List.of(), "CRLF line endings", w.replace("\n", "\r\n"));
        dslCase("dsl-tabs", "either", List.of(), "tab indentation", w.replace("  ", "\t"));
        dslCase("dsl-bom", "either", List.of(), "byte order mark", "\ufeff" + w);
        dslCase("dsl-yaml-in-dsl", "reject", List.of(), "YAML in a .netc file", world());
        dslCase("dsl-arrow-only", "reject", List.of(), "dangling arrow", w.replace("-> @@".isEmpty() ? "" : "port http 80 -> http", "port http 80 ->"));
        dslCase("dsl-many-errors", "reject", List.of(), "500 bad lines", "in app {\n" + "  bogus line here\n".repeat(500) + "}\n");
        dslCase("dsl-long-line", "reject", List.of(), "a 200 000 character identifier", "in app {\n  service " + "s".repeat(200_000) + " { port 80 }\n}\n");
        for (String[] p : PAYLOADS) {
            for (String field : List.of("NAME", "LABEL", "PORT_NAME", "HOST", "PATH")) {
                String value = field.equals("PATH") || field.equals("LABEL") ? "\"" + p[1].replace("\"", "\\\"") + "\"" : p[1];
                dslCase("dsl-inject-" + field.toLowerCase().replace('_', '-') + "-" + p[0], "either", forbidden(p[1]),
                        "string " + p[0] + " in DSL " + field, dslWorld(Map.of(field, value)));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // The findings of issue 12, each as a case with the outcome the issue requires.

    private void issueFindings() {
        // 1. nginx upstream names must be injective across namespaces and within one
        yaml("issue-upstream-collision-namespaces", "accept", "distinct-upstreams=2", "Services a-b/c and a/b-c port 80 (same upstream name)",
                twoServices("a-b", "c", "80", "a", "b-c", "80", "one.example.com", "two.example.com"));
        yaml("issue-upstream-collision-ports", "accept", "distinct-upstreams=2", "Service web port x-http vs web-x port http",
                twoServices("app", "web", "x-http", "app", "web-x", "http", "one.example.com", "two.example.com"));
        // 2. TLS files
        yaml("issue-tls-file-collision", "accept", "distinct-certs=2", "Secrets a-b/c and a/b-c write the same files", twoTls());
        // 3. policyTypes: [] is defaulted like an absent field
        yaml("issue-policytypes-empty", "accept", "same-nodes-as=issue-policytypes-absent", "policyTypes: [] isolates like an absent field",
                world(Map.of("POLICY_TYPES", "[]")));
        yaml("issue-policytypes-absent", "accept", "", "twin of issue-policytypes-empty",
                world().replace("  policyTypes: [Ingress, Egress]\n", ""));
        yaml("issue-policytypes-empty-ingress-only", "accept", "same-nodes-as=issue-policytypes-ingress", "policyTypes: [] without egress rules",
                noEgress(world(Map.of("POLICY_TYPES", "[]"))));
        yaml("issue-policytypes-ingress", "accept", "", "twin: policyTypes [Ingress] without egress rules",
                noEgress(world(Map.of("POLICY_TYPES", "[Ingress]"))));
        // 4. hangs
        yaml("issue-hang-v4-whole-space", "reject", "", "cluster CIDR 0.0.0.0/0 and a node podCIDR covering it, a second node to allocate",
                secondNode(world(Map.of("CLUSTER_CIDR", "0.0.0.0/0", "POD_CIDR", "0.0.0.0/0", "SERVICE_CIDR", "10.96.0.0/12")), "10.244.0.0/16"));
        yaml("issue-hang-v6-whole-cidr", "reject", "", "IPv6 podCIDR covering the whole cluster CIDR, a second node to allocate",
                secondNode(world().replace("\"fd00:244::/56\"]\n  dnsDomain", "\"fd00::/8\"]\n  dnsDomain").replace("\"fd00:244:0:1::/64\"", "\"fd00::/8\""), null));
        yaml("issue-hang-v4-cluster-zero", "either", "", "cluster CIDR 0.0.0.0/0, node podCIDR to allocate", secondNode(world(Map.of("CLUSTER_CIDR", "0.0.0.0/0")), null));
        yaml("issue-huge-scalar", "reject", "", "a 5 MB quoted scalar (beyond the 4 MiB document bound)", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"" + "a".repeat(5 * 1024 * 1024) + "\"\n");
        yaml("issue-huge-plain-scalar", "reject", "", "a 4.5 MB plain scalar", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + "b".repeat(4608 * 1024) + "\n");
        // 6. long valid names: nft names over 256 bytes
        yaml("issue-long-pod-name", "accept", "", "a 253-character Pod name", world(Map.of("POD_NAME", longDns(253))));
        yaml("issue-long-names-v6", "accept", "", "63-character namespace, Service and port names with an IPv6 endpoint",
                world(Map.of("NS", "n".repeat(63), "SVC_NAME", "s".repeat(63), "SVC_PORT_NAME", "p".repeat(15), "EXT_SVC_NAME", "e".repeat(63),
                        "EPS_SERVICE", "e".repeat(63), "ADDRESS_TYPE", "IPv6", "EP_ADDRESS", "\"fd00:50::10\"", "EPS_PORT_NAME", "q".repeat(15))));
        yaml("issue-long-names-all", "accept", "", "every name at its maximum length",
                world(Map.of("NS", "n".repeat(63), "POD_NAME", longDns(253), "SVC_NAME", "s".repeat(63), "NP_NAME", longDns(253),
                        "ING_NAME", longDns(253), "SECRET_NAME", longDns(253), "DEP_NAME", "d".repeat(63), "EPS_NAME", longDns(253))));
        // 7. look-alike kinds
        String[][] kinds = {{"NetworkPolcy", "networking.k8s.io/v1"}, {"NetworkP\u043elicy", "networking.k8s.io/v1"}, {"service", "v1"},
            {"Servcie", "v1"}, {"Ingres", "networking.k8s.io/v1"}, {"Deploymnt", "apps/v1"}, {"Endpointslice", "discovery.k8s.io/v1"},
            {"networkpolicy", "networking.k8s.io/v1"}, {"P\u043ed", "v1"}, {"Namespaces", "v1"}};
        for (int i = 0; i < kinds.length; i++) {
            yaml("issue-lookalike-kind-" + i, "reject", "did-you-mean", "kind " + escape(kinds[i][0]),
                    world() + "---\napiVersion: " + kinds[i][1] + "\nkind: " + quoted(kinds[i][0]) + "\nmetadata: {name: deny-all, namespace: app}\nspec: {podSelector: {}}\n");
        }
        yaml("issue-unknown-kind-known-group", "reject", "", "an unknown kind in networking.k8s.io",
                world() + "---\napiVersion: networking.k8s.io/v1\nkind: Frobnicator\nmetadata: {name: x, namespace: app}\n");
        yaml("issue-unknown-kind-foreign-group", "accept", "", "an unknown kind in a foreign group stays a note",
                world() + "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x, namespace: app}\n");
        // 7. special addresses
        String[] special = {"127.0.0.1", "0.0.0.0", "224.0.0.1", "169.254.1.1", "255.255.255.255", "\"::1\"", "\"fe80::1\"", "\"ff02::1\"", "\"::\""};
        for (int i = 0; i < special.length; i++) {
            yaml("issue-special-external-ip-" + i, "reject", "", "externalIPs " + special[i], world(Map.of("EXTERNAL_IP", special[i])));
            String ep = special[i].contains(":") ? world(Map.of("EP_ADDRESS", special[i], "ADDRESS_TYPE", "IPv6")) : world(Map.of("EP_ADDRESS", special[i]));
            yaml("issue-special-endpoint-" + i, "reject", "", "endpoint address " + special[i], ep);
        }
        // 7. nginx-refused configs
        yaml("issue-ssl-redirect-false", "accept", "nginx-has=listen 443", "ssl-redirect false on a TLS host keeps HTTPS", world(Map.of("SSL_REDIRECT", "\"false\"")));
        yaml("issue-same-http-https-port", "reject", "", "httpPort == httpsPort", world(Map.of("HTTPS_PORT", "80")));
        yaml("issue-host-253", "either", "", "a 253-character host", world(Map.of("HOST", longDns(253) + ".com", "TLS_HOST", longDns(253) + ".com")));
        yaml("issue-secret-not-pem", "reject", "", "a TLS Secret that is not PEM", world(Map.of("CRT", "\"aGVsbG8gd29ybGQ=\"", "KEY", "\"aGVsbG8gd29ybGQ=\"")));
        yaml("issue-ipv6-only-ipvs", "accept", "", "an IPv6-only cluster (the IPVS companion files)", ipv6Only());
        // 7. NETC042/043
        yaml("issue-overlapping-podcidrs", "reject", "", "two nodes with overlapping podCIDRs", secondNode(world(), "10.244.1.0/25"));
        yaml("issue-podcidr-outside", "reject", "", "a podCIDR outside the cluster CIDR", world(Map.of("POD_CIDR", "10.250.1.0/24")));
        // iptables and nftables serve node ports on every local address: a warning (IPVS binds them to node addresses).
        yaml("issue-nodeport-addressless", "accept", "warns=NETC042", "NodePort on a node without an address", world().replace("addresses: [192.168.77.11, \"fd00:77::11\"]\n", "addresses: []\n"));
        // 8. forged lines
        yaml("issue-forge-targetref", "either", "", "newline in targetRef.name forging plan.txt", world(Map.of("TARGETREF_NAME", quoted("gw\n  node n9: FORGED"))));
        yaml("issue-forge-ingress-class", "either", "", "newline in kubernetes.io/ingress.class", world(Map.of("ING_CLASS_ANNOTATION", quoted("nginx\nFORGED"))));
        yaml("issue-forge-node-name-diag", "either", "", "newline in a node name forging a diagnostic line", world(Map.of("NODE_NAME", quoted("n1\nin.yaml:1:1: error[NETC001]: FORGED"))));
        yaml("issue-forge-bidi", "either", "", "U+202E, U+0085, U+009B in every label value",
                world(Map.of("NS_LABEL_VALUE", quoted("a\u202eb"), "POD_LABEL_VALUE", quoted("a\u0085b"), "NODE_LABEL_VALUE", quoted("a\u009bb"))));
    }

    private static String noEgress(String w) {
        return w.replace("  egress:\n    - to: [{ipBlock: {cidr: \"0.0.0.0/0\"}}]\n      ports: [{port: 53, protocol: UDP}]\n", "");
    }

    private static String secondNode(String w, String podCidr) {
        String n2 = "    - name: n2\n      addresses: [192.168.77.12]\n" + (podCidr == null ? "" : "      podCIDRs: [" + podCidr + "]\n");
        return w.replace("  proxy: {", n2 + "  proxy: {");
    }

    private static String longDns(int length) {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            if (b.length() > 0) b.append('.');
            b.append("x".repeat(Math.min(63, length - b.length())));
        }
        String s = b.toString();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) + "y" : s;
    }

    private static String ipv6Only() {
        return """
                apiVersion: netc.dev/v1alpha1
                kind: Cluster
                metadata: {name: v6}
                spec:
                  serviceCIDRs: ["fd00:96::/108"]
                  clusterCIDRs: ["fd00:244::/56"]
                  nodes:
                    - {name: n1, addresses: ["fd00:77::11"], podCIDRs: ["fd00:244:0:1::/64"]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web-0, namespace: app, labels: {app: web}}
                spec: {nodeName: n1, containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
                status: {podIP: "fd00:244:0:1::10", conditions: [{type: Ready, status: "True"}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: app}
                spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
                """;
    }

    private static String twoServices(String ns1, String svc1, String port1, String ns2, String svc2, String port2, String host1, String host2) {
        StringBuilder b = new StringBuilder("""
                apiVersion: networking.k8s.io/v1
                kind: IngressClass
                metadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
                spec: {controller: k8s.io/ingress-nginx}
                """);
        String[][] s = {{ns1, svc1, port1, host1, "10.244.0.11"}, {ns2, svc2, port2, host2, "10.244.0.12"}};
        for (String[] x : s) {
            boolean named = !x[2].chars().allMatch(Character::isDigit);
            String port = named ? "{name: " + x[2] + ", port: 80, targetPort: 8080}" : "{port: " + x[2] + ", targetPort: 8080}";
            String ref = named ? "{name: " + x[2] + "}" : "{number: " + x[2] + "}";
            b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ").append(x[1]).append("-pod, namespace: ").append(x[0])
                    .append(", labels: {app: ").append(x[1]).append("}}\nspec: {nodeName: node-1, containers: [{name: c, image: x}]}\nstatus: {podIP: ")
                    .append(x[4]).append(", conditions: [{type: Ready, status: \"True\"}]}\n");
            b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(x[1]).append(", namespace: ").append(x[0])
                    .append("}\nspec: {selector: {app: ").append(x[1]).append("}, ports: [").append(port).append("]}\n");
            b.append("---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: ").append(x[1]).append(", namespace: ").append(x[0])
                    .append("}\nspec:\n  rules:\n    - host: ").append(x[3]).append("\n      http:\n        paths:\n          - {path: /, pathType: Prefix, backend: {service: {name: ")
                    .append(x[1]).append(", port: ").append(ref).append("}}}\n");
        }
        return b.toString();
    }

    private static String twoTls() {
        StringBuilder b = new StringBuilder(twoServices("a-b", "web", "80", "a", "web", "80", "one.example.com", "two.example.com")
                .replace("name: web-pod, namespace: a,", "name: web-pod, namespace: a,"));
        String[][] t = {{"a-b", "c", "one.example.com"}, {"a", "b-c", "two.example.com"}};
        String out = b.toString();
        for (String[] x : t) {
            out = out.replace("namespace: " + x[0] + "}\nspec:\n  rules:\n    - host: " + x[2],
                    "namespace: " + x[0] + "}\nspec:\n  tls: [{hosts: [" + x[2] + "], secretName: " + x[1] + "}]\n  rules:\n    - host: " + x[2]);
            out += "---\napiVersion: v1\nkind: Secret\nmetadata: {name: " + x[1] + ", namespace: " + x[0] + "}\ntype: kubernetes.io/tls\ndata: {tls.crt: "
                    + Pem.CRT + ", tls.key: " + Pem.KEY + "}\n";
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------------
    // Applier tampering: the base world compiled, then changed and the manifest re-hashed (tamper.txt says how).

    private void tamper(String id, String attacks, String... ops) {
        add(id, "refuse", "", List.of(), attacks, Map.of("tamper.txt", (String.join("\n", ops) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    private void applierTampering() {
        String nft = "nodes/n1/nftables.nft";
        String ipt = "nodes/n1/iptables.rules";
        String ip6t = "nodes/n1/ip6tables.rules";
        String ipset = "nodes/n1/ipset.rules";
        String conf = "ingress/nginx.conf";
        tamper("tamper-nft-delete-foreign", "a foreign table deleted", "backend nftables", "append " + nft + " delete table inet filter");
        tamper("tamper-nft-create-foreign", "a foreign table created with policy drop", "backend nftables",
                "append " + nft + " table ip filter {\\n  chain input {\\n    type filter hook input priority 0; policy drop;\\n  }\\n}");
        tamper("tamper-nft-flush-ruleset", "flush ruleset", "backend nftables", "prepend " + nft + " flush ruleset");
        tamper("tamper-nft-add-foreign-table", "add table in another family", "backend nftables", "append " + nft + " add table inet evil");
        tamper("tamper-nft-flush-foreign", "flush a foreign table", "backend nftables", "append " + nft + " flush table inet filter");
        tamper("tamper-nft-rule-foreign", "a rule in a foreign chain", "backend nftables", "append " + nft + " add rule inet filter input accept");
        tamper("tamper-ipt-foreign-rule", "an extra -A INPUT -j ACCEPT", "backend iptables", "before-commit " + ipt + " -A INPUT -j ACCEPT");
        tamper("tamper-ipt-foreign-chain", "a foreign chain", "backend iptables", "before-commit " + ipt + " :EVIL - [0:0]\\n-A EVIL -j ACCEPT");
        tamper("tamper-ipt-forward-accept", "a foreign FORWARD rule", "backend iptables", "before-commit " + ipt + " -I FORWARD 1 -j ACCEPT");
        tamper("tamper-ipt-policy", "a changed built-in chain policy", "backend iptables", "before-commit " + ipt + " :INPUT DROP [0:0]");
        tamper("tamper-ip6t-foreign-rule", "an extra ip6tables INPUT rule", "backend iptables", "before-commit " + ip6t + " -A INPUT -j ACCEPT");
        tamper("tamper-ipset-foreign", "a foreign ipset created", "backend iptables", "append " + ipset + " create evil hash:ip family inet");
        tamper("tamper-nginx-include", "nginx include of a path outside the release", "backend nginx", "before-last-brace " + conf + " include /etc/passwd;");
        tamper("tamper-nginx-error-log", "nginx error_log outside the release", "backend nginx", "prepend " + conf + " error_log /tmp/netc-evil-error.log;");
        tamper("tamper-nginx-pid", "nginx pid file outside the release", "backend nginx", "regex " + conf + " pid [^;]+; pid /tmp/netc-evil.pid;");
        tamper("tamper-nginx-cert-path", "ssl_certificate outside the release", "backend nginx", "regex " + conf + " ssl_certificate [^;]+; ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;");
        tamper("tamper-nginx-dotdot", "../ path in nginx.conf", "backend nginx", "regex " + conf + " ssl_certificate_key [^;]+; ssl_certificate_key ../../../../etc/shadow;");
        tamper("tamper-nginx-access-log", "access_log outside the release", "backend nginx", "before-last-brace " + conf + " access_log /tmp/netc-evil-access.log;");
        tamper("tamper-fifo", "a FIFO instead of the nftables file", "backend nftables", "fifo " + nft);
        tamper("tamper-symlink-out", "a symlink to a file outside OUT", "backend iptables", "symlink " + ipt + " /etc/passwd");
        tamper("tamper-symlink-dev-zero", "a symlink to /dev/zero", "backend nftables", "symlink " + nft + " /dev/zero");
        tamper("tamper-device", "a character device (/dev/zero) in OUT", "backend nftables", "mknod-zero " + nft);
        tamper("tamper-symlink-dir", "the node folder a symlink to elsewhere", "backend nftables", "symlink-dir nodes/n1");
        tamper("tamper-huge-file", "a 300 MB artifact", "backend nftables", "huge " + nft + " 314572800");
        tamper("tamper-manifest-traversal", "an artifact path with ..", "backend nftables", "manifest-path " + nft + " nodes/n1/../../../etc/passwd");
    }
}
