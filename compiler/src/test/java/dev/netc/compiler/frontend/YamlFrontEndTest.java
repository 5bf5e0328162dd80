package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.passes.ResolveNodes;
import dev.netc.compiler.passes.Validate;
import dev.netc.ir.Cidr;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.Severity;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.KubeObject;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.TlsSecret;
import dev.netc.ir.model.Workload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the front end builds from valid input: the model, API defaults and field positions. */
class YamlFrontEndTest {
    private static final String FILE = "every-kind.yaml";

    private static Cluster read(Diagnostics d, InputSource... sources) {
        return new YamlFrontEnd().apply(List.of(sources), d);
    }

    private static Cluster readClean(InputSource... sources) {
        Diagnostics d = new Diagnostics();
        Cluster c = read(d, sources);
        assertEquals(List.of(), d.sorted(), "clean input gives no diagnostic");
        return c;
    }

    private static InputSource src(String name, String text) {
        return new InputSource(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Where {@code token} is written on the one line of {@code text} that contains {@code line}. */
    private static SourcePos posOf(String file, String text, String line, String token) {
        String[] lines = text.split("\n", -1);
        int found = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(line)) {
                assertEquals(-1, found, "line marker must be unique: " + line);
                found = i;
            }
        }
        assertTrue(found >= 0, "no line contains " + line);
        int col = lines[found].indexOf(token);
        assertTrue(col >= 0, token + " not on line " + line);
        return new SourcePos(file, found + 1, col + 1);
    }

    private static <T extends KubeObject> T named(List<T> objects, String name) {
        return objects.stream().filter(o -> o.meta().name().equals(name)).findFirst().orElseThrow();
    }

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static Cidr cidr(String s) {
        return Cidr.parse(s);
    }

    @Test
    void everyKindIsReadWithTheApiServersDefaults() {
        Cluster c = readClean(src(FILE, Manifests.EVERY_KIND));

        ClusterProfile p = c.profile();
        assertEquals("lab", p.meta().name());
        assertEquals(List.of(cidr("10.96.0.0/12"), cidr("fd00:96::/108")), p.serviceCIDRs());
        assertEquals(List.of(cidr("10.244.0.0/16")), p.clusterCIDRs());
        assertEquals("lab.local", p.dnsDomain());
        assertEquals(new ClusterProfile.Proxy(true, List.of(cidr("192.168.77.0/24"))), p.proxy());
        assertEquals(new ClusterProfile.IngressListen(8080, 8443), p.ingress());
        Node n1 = p.nodes().get(0);
        assertEquals("Node", n1.meta().kind());
        assertEquals("n1", n1.name());
        assertEquals(List.of(ip("192.168.77.11")), n1.addresses());
        assertEquals(List.of(cidr("10.244.1.0/24")), n1.podCIDRs());
        assertEquals(Map.of("zone", "a"), n1.meta().labels());

        assertEquals(Map.of("team", "web"), named(c.namespaces(), "shop").meta().labels());
        Node n2 = named(c.nodes(), "n2");
        assertEquals(List.of(ip("192.168.77.12"), ip("203.0.113.2")), n2.addresses(), "InternalIP first");
        assertEquals(List.of(cidr("10.244.2.0/24")), n2.podCIDRs());

        Pod web0 = named(c.pods(), "web-0");
        assertEquals("shop", web0.meta().namespace());
        assertEquals("n1", web0.nodeName());
        assertEquals(List.of(ip("10.244.1.10")), web0.ips());
        assertEquals(List.of("http/8080/TCP", "dns/53/UDP"),
                web0.ports().stream().map(cp -> cp.name() + "/" + cp.port() + "/" + cp.protocol()).toList());
        assertFalse(web0.ready(), "Ready condition False");
        assertFalse(web0.terminating());
        assertEquals(Optional.empty(), web0.owner());
        Pod web1 = named(c.pods(), "web-1");
        assertTrue(web1.ready(), "no status: ready");
        assertTrue(web1.terminating(), "deletionTimestamp set");
        assertTrue(web1.hostNetwork());
        assertEquals("", web1.nodeName());

        Service web = named(c.services(), "web");
        assertEquals(Service.Type.ClusterIP, web.type());
        assertEquals(List.of(), web.clusterIPs());
        assertFalse(web.headless());
        assertEquals(List.of(), web.ipFamilies());
        assertEquals(Service.IpFamilyPolicy.SingleStack, web.ipFamilyPolicy());
        ServicePort only = web.ports().get(0);
        assertEquals(List.of("", "TCP", "80", "80", "0"), List.of(only.name(), only.protocol().name(),
                "" + only.port(), only.targetPort().toString(), "" + only.nodePort()));
        assertEquals(PortRef.of(80), only.targetPort(), "targetPort defaults to port");
        assertEquals(Map.of("app", "web"), web.selector());
        assertEquals(Service.SessionAffinity.None, web.sessionAffinity());
        assertEquals(Service.TrafficPolicy.Cluster, web.externalTrafficPolicy());
        assertEquals(Service.TrafficPolicy.Cluster, web.internalTrafficPolicy());
        assertFalse(web.publishNotReadyAddresses());
        assertEquals("", web.externalName());
        assertTrue(web.allocateLoadBalancerNodePorts());

        Service edge = named(c.services(), "edge");
        assertEquals(Service.Type.LoadBalancer, edge.type());
        assertEquals(List.of(ip("10.96.0.50")), edge.clusterIPs());
        assertEquals(List.of(Family.IPV4), edge.ipFamilies());
        assertEquals(Service.IpFamilyPolicy.PreferDualStack, edge.ipFamilyPolicy());
        assertEquals(Service.SessionAffinity.ClientIP, edge.sessionAffinity());
        assertEquals(Service.DEFAULT_AFFINITY_TIMEOUT, edge.affinityTimeoutSeconds());
        assertEquals(Service.TrafficPolicy.Local, edge.externalTrafficPolicy());
        assertEquals(Service.TrafficPolicy.Local, edge.internalTrafficPolicy());
        assertEquals(List.of(ip("198.51.100.7")), edge.externalIPs());
        assertEquals(List.of(ip("198.51.100.10")), edge.loadBalancerIPs());
        assertEquals(List.of(cidr("203.0.113.0/24")), edge.loadBalancerSourceRanges());
        assertTrue(edge.publishNotReadyAddresses());
        assertFalse(edge.allocateLoadBalancerNodePorts());
        assertEquals(new ServicePort("http", Protocol.TCP, 80, PortRef.of("http"), 30080, edge.ports().get(0).pos()),
                edge.ports().get(0));
        assertEquals(new ServicePort("dns", Protocol.UDP, 53, PortRef.of(5353), 0, edge.ports().get(1).pos()),
                edge.ports().get(1));

        Service db = named(c.services(), "db");
        assertTrue(db.headless());
        assertEquals(List.of(), db.clusterIPs());
        assertEquals(Service.IpFamilyPolicy.RequireDualStack, db.ipFamilyPolicy(), "headless selector-less");
        Service legacy = named(c.services(), "legacy");
        assertEquals(Service.Type.ExternalName, legacy.type());
        assertEquals("db.example.com.", legacy.externalName());

        EndpointSlice slice = named(c.endpointSlices(), "db-1");
        assertEquals("db", slice.serviceName());
        assertEquals(Family.IPV4, slice.addressType());
        List<EndpointSlice.Endpoint> eps = slice.endpoints();
        assertEquals(List.of(true, true, false, "n1", "db-0"), List.of(eps.get(0).ready(), eps.get(0).serving(),
                eps.get(0).terminating(), eps.get(0).nodeName(), eps.get(0).podName()));
        assertEquals(List.of(false, true, false), List.of(eps.get(1).ready(), eps.get(1).serving(),
                eps.get(1).terminating()), "a nil serving is true, whatever ready says (API docs, kube-proxy)");
        assertEquals(List.of(false, true, true), List.of(eps.get(2).ready(), eps.get(2).serving(),
                eps.get(2).terminating()));
        assertEquals(List.of(new EndpointSlice.EndpointPort("", Protocol.TCP, 5432)), slice.ports());

        NetworkPolicy np = named(c.networkPolicies(), "web");
        assertEquals(LabelSelector.ofLabels(Map.of("app", "web")), np.podSelector());
        assertTrue(np.ingressIsolation());
        assertTrue(np.egressIsolation(), "policyTypes absent + egress rules: Egress too");
        NetworkPolicy.Rule rule = np.ingress().get(0);
        NetworkPolicy.Peer both = rule.peers().get(0);
        assertEquals(Optional.of(LabelSelector.ofLabels(Map.of("team", "web"))), both.namespaceSelector());
        assertEquals(Optional.of(new LabelSelector(Map.of(), List.of(new LabelSelector.Requirement("tier",
                LabelSelector.Operator.NotIn, List.of("batch"))))), both.podSelector());
        NetworkPolicy.IpBlock block = rule.peers().get(1).ipBlock().orElseThrow();
        assertEquals(cidr("10.0.0.0/8"), block.cidr());
        assertEquals(List.of(cidr("10.1.0.0/16")), block.except());
        assertEquals(Optional.of(PortRef.of("http")), rule.ports().get(0).port());
        assertEquals(Protocol.TCP, rule.ports().get(0).protocol(), "protocol defaults to TCP");
        assertEquals(List.of(Protocol.UDP, 5010), List.of(rule.ports().get(1).protocol(), rule.ports().get(1).endPort()));
        assertEquals(Optional.of(LabelSelector.EVERYTHING), np.egress().get(0).peers().get(0).podSelector());
        NetworkPolicy deny = named(c.networkPolicies(), "deny");
        assertTrue(deny.ingressIsolation(), "policyTypes absent: Ingress always");
        assertFalse(deny.egressIsolation(), "no egress rules: no Egress");

        assertEquals("k8s.io/ingress-nginx", named(c.ingressClasses(), "nginx").controller());
        assertTrue(named(c.ingressClasses(), "nginx").isDefault());
        Ingress in = named(c.ingresses(), "shop");
        assertEquals(Optional.of("nginx"), in.ingressClassName(), "from the kubernetes.io/ingress.class annotation");
        assertEquals("web", in.defaultBackend().orElseThrow().serviceName());
        assertEquals(PortRef.of(80), in.defaultBackend().orElseThrow().port());
        assertEquals(List.of("shop.example.com"), in.tls().get(0).hosts());
        assertEquals("shop-tls", in.tls().get(0).secretName());
        assertEquals("*.shop.example.com", in.rules().get(0).host());
        Ingress.Path cart = in.rules().get(0).paths().get(0);
        assertEquals(List.of("/cart", Ingress.PathType.Prefix, "web", PortRef.of("http")),
                List.of(cart.path(), cart.pathType(), cart.backend().serviceName(), cart.backend().port()));
        assertEquals("", in.rules().get(1).host());
        assertEquals(Ingress.PathType.ImplementationSpecific, in.rules().get(1).paths().get(0).pathType());

        TlsSecret tls = named(c.secrets(), "shop-tls");
        assertEquals("-----BEGIN CERTIFICATE-----\n", tls.certificatePem(), "data is base64-decoded");
        assertEquals("-----BEGIN PRIVATE KEY-----\n", tls.privateKeyPem(), "stringData is taken as written");
        assertFalse(tls.toString().contains("PRIVATE KEY"));

        Workload deploy = c.workloads().stream().filter(w -> w.workloadKind() == Workload.Kind.Deployment)
                .findFirst().orElseThrow();
        assertEquals(1, deploy.replicas(), "replicas default 1");
        assertEquals(LabelSelector.ofLabels(Map.of("app", "web")), deploy.selector());
        assertEquals(Map.of("app", "web", "tier", "front"), deploy.template().labels());
        assertEquals(Map.of("zone", "a"), deploy.template().nodeSelector());
        assertEquals(List.of("http"), deploy.template().ports().stream().map(ContainerPort::name).toList());
        Function<Workload.Kind, Workload> kind = k -> c.workloads().stream().filter(w -> w.workloadKind() == k)
                .findFirst().orElseThrow();
        assertEquals(3, kind.apply(Workload.Kind.StatefulSet).replicas());
        assertEquals("n2", kind.apply(Workload.Kind.StatefulSet).template().nodeName());
        assertEquals(0, kind.apply(Workload.Kind.DaemonSet).replicas());
        assertTrue(kind.apply(Workload.Kind.DaemonSet).template().hostNetwork());
        assertEquals(0, kind.apply(Workload.Kind.ReplicaSet).replicas());
        assertEquals(2, kind.apply(Workload.Kind.Job).replicas(), "Job: parallelism");
        assertEquals(LabelSelector.ofLabels(Map.of("job", "migrate")), kind.apply(Workload.Kind.Job).selector());
    }

    @Test
    void endpointsBecomeOneSlicePerSubsetAndFamily() {
        Cluster c = readClean(src(FILE, Manifests.EVERY_KIND));
        List<EndpointSlice> slices = c.endpointSlices().stream()
                .filter(s -> s.meta().kind().equals("Endpoints")).toList();
        assertEquals(3, slices.size(), "subset 0: IPv4 + IPv6; subset 1: IPv4");
        for (EndpointSlice s : slices) {
            assertEquals("legacy-db", s.serviceName());
            assertEquals("legacy-db", s.meta().name());
        }
        EndpointSlice v4 = slices.stream().filter(s -> s.addressType() == Family.IPV4
                && s.ports().get(0).port() == 5432).findFirst().orElseThrow();
        assertEquals(List.of(List.of(ip("192.168.50.10")), List.of(ip("192.168.50.11"))),
                v4.endpoints().stream().map(EndpointSlice.Endpoint::addresses).toList());
        assertEquals(List.of(true, false), v4.endpoints().stream().map(EndpointSlice.Endpoint::ready).toList());
        assertEquals(List.of(true, false), v4.endpoints().stream().map(EndpointSlice.Endpoint::serving).toList());
        assertEquals("n1", v4.endpoints().get(0).nodeName());
        assertEquals("old-0", v4.endpoints().get(0).podName());
        assertEquals(List.of(new EndpointSlice.EndpointPort("pg", Protocol.TCP, 5432)), v4.ports());
        EndpointSlice v6 = slices.stream().filter(s -> s.addressType() == Family.IPV6).findFirst().orElseThrow();
        assertEquals(List.of(ip("fd00:50::10")), v6.endpoints().get(0).addresses());
        assertEquals(v4.ports(), v6.ports(), "a subset's ports go with each of its families");
        EndpointSlice second = slices.stream().filter(s -> s.ports().get(0).port() == 6432).findFirst().orElseThrow();
        assertEquals(List.of(ip("192.168.60.10")), second.endpoints().get(0).addresses());
    }

    @Test
    void fieldPositionsPointAtTheValues() {
        String t = Manifests.EVERY_KIND;
        Cluster c = readClean(src(FILE, t));
        Service web = named(c.services(), "web");
        assertEquals(posOf(FILE, t, "    - port: 80", "80"), web.meta().at("spec.ports[0].port"));
        assertEquals(posOf(FILE, t, "    - port: 80", "port"), web.ports().get(0).pos(), "ServicePort.pos");
        Service edge = named(c.services(), "edge");
        String edgePort = "{name: http, port: 80, targetPort: http, nodePort: 30080}";
        assertEquals(posOf(FILE, t, edgePort, "http, nodePort"), edge.meta().at("spec.ports[0].targetPort"));
        assertEquals(posOf(FILE, t, edgePort, "30080"), edge.meta().at("spec.ports[0].nodePort"));
        assertEquals(posOf(FILE, t, "clusterIP: 10.96.0.50", "10.96"), edge.meta().at("spec.clusterIP"));
        assertEquals(posOf(FILE, t, "type: LoadBalancer", "LoadBalancer"), edge.meta().at("spec.type"));
        assertEquals(posOf(FILE, t, "  name: edge", "edge"), edge.meta().at("metadata.name"));

        NetworkPolicy np = named(c.networkPolicies(), "web");
        assertEquals(posOf(FILE, t, "except: [10.1.0.0/16]", "10.1.0.0/16"),
                np.meta().at("spec.ingress[0].from[1].ipBlock.except[0]"));
        assertEquals(posOf(FILE, t, "- namespaceSelector: {matchLabels: {team: web}}", "namespaceSelector"),
                np.ingress().get(0).peers().get(0).pos(), "Peer.pos");
        assertEquals(posOf(FILE, t, "- ipBlock: {cidr: 10.0.0.0/8", "ipBlock"), np.ingress().get(0).peers().get(1).pos());
        assertEquals(posOf(FILE, t, "{protocol: UDP, port: 5000, endPort: 5010}", "5010"),
                np.meta().at("spec.ingress[0].ports[1].endPort"));
        SourcePos firstFrom = np.ingress().get(0).pos();
        assertEquals("from", t.split("\n")[firstFrom.line() - 1].substring(firstFrom.column() - 1).substring(0, 4),
                "Rule.pos is the rule item's first key");

        Node n1 = c.profile().nodes().get(0);
        assertEquals(posOf(FILE, t, "- name: n1", "n1"), n1.meta().at("metadata.name"));
        assertEquals(posOf(FILE, t, "addresses: [192.168.77.11]", "192.168"), n1.meta().at("status.addresses[0].address"));
        assertEquals(posOf(FILE, t, "podCIDRs: [10.244.1.0/24]", "10.244"), n1.meta().at("spec.podCIDRs[0]"));
        Node n2 = named(c.nodes(), "n2");
        assertEquals(posOf(FILE, t, "podCIDR: 10.244.2.0/24", "10.244"), n2.meta().at("spec.podCIDRs[0]"));

        Ingress in = named(c.ingresses(), "shop");
        assertEquals(posOf(FILE, t, "- path: /cart", "/cart"), in.meta().at("spec.rules[0].http.paths[0].path"));
        assertEquals(posOf(FILE, t, "- host: \"*.shop.example.com\"", "host"), in.rules().get(0).pos());
    }

    @Test
    void kindListIsUnwrapped() {
        String list = """
                apiVersion: v1
                kind: List
                metadata: {resourceVersion: ""}
                items:
                  - apiVersion: v1
                    kind: Namespace
                    metadata: {name: shop}
                  - apiVersion: v1
                    kind: Service
                    metadata: {name: web, namespace: shop}
                    spec:
                      ports: [{port: 80}]
                  - apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: settings}
                """;
        Diagnostics d = new Diagnostics();
        Cluster c = read(d, src("list.yaml", list));
        assertEquals(List.of("shop"), c.namespaces().stream().map(n -> n.meta().name()).toList());
        assertEquals(List.of("shop/web"), c.services().stream().map(s -> s.meta().qualifiedName()).toList());
        assertEquals(List.of("list.yaml:14:11: note[NETC010]: kind ConfigMap (v1) is not used by netc: skipped"),
                d.sorted().stream().map(Diagnostic::render).toList());
    }

    @Test
    void jsonInputIsReadLikeYaml() {
        String json = """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
                   "spec": {"type": "NodePort", "selector": {"app": "web"},
                            "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 30080}],
                            "clusterIP": "10.96.0.10"}},
                  {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "web-0", "namespace": "shop", "labels": {"app": "web"}},
                   "spec": {"containers": [{"name": "web", "ports": [{"name": "http", "containerPort": 8080}]}]},
                   "status": {"podIP": "10.244.0.5", "conditions": [{"type": "Ready", "status": "True"}]}}
                ]}
                """;
        Cluster c = readClean(src("state.json", json));
        Service web = c.services().get(0);
        assertEquals(Service.Type.NodePort, web.type());
        assertEquals(List.of(ip("10.96.0.10")), web.clusterIPs());
        assertEquals(new ServicePort("http", Protocol.TCP, 80, PortRef.of("http"), 30080, web.ports().get(0).pos()),
                web.ports().get(0));
        assertEquals(posOf("state.json", json, "\"nodePort\": 30080", "30080"), web.meta().at("spec.ports[0].nodePort"));
        Pod pod = c.pods().get(0);
        assertEquals(List.of(ip("10.244.0.5")), pod.ips());
        assertTrue(pod.ready());
        Diagnostics d = new Diagnostics();
        new Validate().apply(c, d);
        assertFalse(d.hasErrors(), d.sorted().toString());
    }

    @Test
    void theApisOwnListKindsGiveTheirItemsTheirKind() {
        // What GET /api/v1/namespaces/shop/services returns: items without kind or apiVersion.
        String json = """
                {"apiVersion": "v1", "kind": "ServiceList", "metadata": {"resourceVersion": "42"},
                 "items": [{"metadata": {"name": "web", "namespace": "shop"}, "spec": {"ports": [{"port": 80}]}},
                           {"metadata": {"name": "db", "namespace": "shop"}, "spec": {"clusterIP": "None"}}]}
                """;
        Cluster c = readClean(src("services.json", json));
        // A string's position is its opening quote, as for any token.
        assertEquals(List.of("shop/db", "shop/web"), c.services().stream().map(s -> s.meta().qualifiedName()).toList());
        assertEquals(posOf("services.json", json, "\"name\": \"web\"", "\"web\""), named(c.services(), "web")
                .meta().at("metadata.name"));
    }

    @Test
    void tabIndentedJsonOnStandardInputIsReadAsJson() {
        String json = "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Namespace\",\n\t\"metadata\": {\n"
                + "\t\t\"name\": \"shop\"\n\t}\n}\n";
        Cluster c = readClean(src("-", json));
        assertEquals(List.of("shop"), c.namespaces().stream().map(n -> n.meta().name()).toList());
        assertEquals(new SourcePos("-", 5, 11), c.namespaces().get(0).meta().at("metadata.name"));
        // A YAML flow mapping that is not JSON is still YAML.
        Cluster flow = readClean(src("-", "{apiVersion: v1, kind: Namespace, metadata: {name: ops}}\n"));
        assertEquals(List.of("ops"), flow.namespaces().stream().map(n -> n.meta().name()).toList());
        // Broken as JSON and as YAML: JSON's message, since it looked like JSON.
        Diagnostics d = new Diagnostics();
        read(d, src("-", "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Namespace\"\n\t\"metadata\": {}\n}\n"));
        assertEquals(List.of("-:4:2: error[NETC001]: malformed JSON: unexpected character '\"': was expecting comma"
                + " to separate Object entries"), d.sorted().stream().map(Diagnostic::render).toList());
    }

    @Test
    void documentOrderDoesNotShowInTheCluster() {
        List<String> docs = Arrays.stream(Manifests.EVERY_KIND.split("(?m)^---\n")).toList();
        List<InputSource> sources = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) sources.add(src(String.format("doc-%02d.yaml", i), docs.get(i)));
        Cluster expected = readClean(sources.toArray(InputSource[]::new));
        Random random = new Random(7);
        for (int round = 0; round < 5; round++) {
            List<InputSource> shuffled = new ArrayList<>(sources);
            Collections.shuffle(shuffled, random);
            assertEquals(expected, readClean(shuffled.toArray(InputSource[]::new)), "inputs in another order");
        }
        // Within one file, positions change with the order but the model's content and order do not.
        List<String> reversed = new ArrayList<>(docs);
        Collections.reverse(reversed);
        Cluster a = readClean(src(FILE, String.join("---\n", docs)));
        Cluster b = readClean(src(FILE, String.join("---\n", reversed)));
        assertEquals(ids(a), ids(b));
        assertEquals(a.services().stream().map(Service::ports).map(ps -> ps.stream().map(p -> p.port()).toList()).toList(),
                b.services().stream().map(Service::ports).map(ps -> ps.stream().map(p -> p.port()).toList()).toList());
    }

    private static List<String> ids(Cluster c) {
        List<String> out = new ArrayList<>();
        for (List<? extends KubeObject> l : List.of(c.namespaces(), c.nodes(), c.pods(), c.workloads(), c.services(),
                c.endpointSlices(), c.networkPolicies(), c.ingresses(), c.ingressClasses(), c.secrets()))
            l.forEach(o -> out.add(o.meta().id()));
        return out;
    }

    @Test
    void unknownKindGivesExactlyOneNoteAndNoError() {
        String text = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                data: {level: debug}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                """;
        Diagnostics d = new Diagnostics();
        Cluster c = read(d, src("cm.yaml", text));
        assertEquals(1, c.namespaces().size());
        List<Diagnostic> ds = d.sorted();
        assertEquals(1, ds.size());
        assertEquals(Severity.NOTE, ds.get(0).severity());
        assertEquals(DiagnosticCode.NETC010, ds.get(0).code());
        assertFalse(d.hasErrors());
    }

    @Test
    void withoutAProfileTheDefaultsApply() {
        Cluster c = readClean(src("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"));
        assertEquals(ClusterProfile.defaults(), c.profile());
    }

    @Test
    void emptyDocumentsAndCommentsAreIgnored() {
        String text = "# nothing here\n---\n---\n# still nothing\n---\napiVersion: v1\nkind: Namespace\n"
                + "metadata: {name: shop}\n---\n";
        Cluster c = readClean(src("sparse.yaml", text));
        assertEquals(1, c.namespaces().size());
    }

    @Test
    void everyKindPassesValidationCleanlyWithOrWithoutResolvedNodes() {
        Diagnostics d = new Diagnostics();
        Cluster c = read(d, src(FILE, Manifests.EVERY_KIND));
        new Validate().apply(c, d);
        assertEquals(List.of(), d.sorted());
        Diagnostics d2 = new Diagnostics();
        Cluster resolved = new ResolveNodes().apply(c, d2);
        assertSame(resolved, new Validate().apply(resolved, d2), "Validate returns the cluster unchanged");
        assertEquals(List.of(), d2.sorted());
    }
    @Test
    void theSameObjectIsReadOnceWhateverItsLayoutFileOrListAndOthersOfItsNameAreKept() {
        // kubectl's List, a second file in another layout (flow, other key order, an alias) and an API list.
        InputSource list = new InputSource("a.yaml", """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Service
                  metadata: {name: web, namespace: shop}
                  spec: {selector: {app: web}, ports: [{port: 80}]}
                - apiVersion: v1
                  kind: Service
                  metadata: {name: db, namespace: shop}
                  spec: {selector: {app: db}, ports: [{port: 5432}]}
                """.getBytes(StandardCharsets.UTF_8));
        InputSource other = new InputSource("b.yaml", """
                kind: Service
                spec:
                  ports: [{port: 80}]
                  selector: &s {app: web}
                metadata: {namespace: shop, name: web}
                apiVersion: v1
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: shop}
                spec: {selector: {app: db}, ports: [{port: 5433}]}
                """.getBytes(StandardCharsets.UTF_8));
        InputSource api = new InputSource("c.json", """
                {"apiVersion": "v1", "kind": "ServiceList", "items": [
                  {"metadata": {"name": "db", "namespace": "shop"},
                   "spec": {"selector": {"app": "db"}, "ports": [{"port": 5433}]}},
                  {"metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}]}
                """.getBytes(StandardCharsets.UTF_8));
        Diagnostics d = new Diagnostics();
        Cluster c = read(d, list, other, api);
        assertEquals(List.of(
                "b.yaml:1:1: note[NETC077]: Service identical to the one at a.yaml:4:3: read once",
                "c.json:2:3: note[NETC077]: Service identical to the one at b.yaml:8:1: read once",
                "c.json:4:3: note[NETC077]: Service identical to the one at a.yaml:4:3: read once"),
                d.sorted().stream().map(Diagnostic::toString).toList());
        // Two Services shop/db that differ are both kept (Validate reports them, NETC013).
        assertEquals(List.of("shop/db", "shop/db", "shop/web"),
                c.services().stream().map(x -> x.meta().qualifiedName()).sorted().toList());
    }
}
