package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server's defaulting, field by field, for every field netc reads: what an absent field, a null, an empty
 * list and an empty string each become (or that the API refuses them). The facts are the Kubernetes API's
 * documented defaults: core/v1 and networking/v1 SetDefaults_* (Service type ClusterIP, sessionAffinity None and
 * its 10800 s timeout, port protocol TCP, targetPort 0 or "" = port, externalTrafficPolicy Cluster,
 * internalTrafficPolicy Cluster, allocateLoadBalancerNodePorts true, NetworkPolicy policyTypes when len == 0:
 * Ingress, plus Egress when there are egress rules), the Service registry's ipFamilyPolicy (SingleStack, or
 * RequireDualStack for a headless Service without selector), the v1 to internal conversions (an empty podCIDRs is
 * [podCIDR], an empty podIPs is [podIP]), and the discovery/v1 EndpointConditions contract (ready and serving
 * nil = true, terminating nil = false). Plain-string fields are defaulted on "" too; pointer fields (NetworkPolicy
 * and EndpointSlice port protocol, internalTrafficPolicy, ipFamilyPolicy) are refused when "".
 */
class ApiDefaultsTest {
    private static final String NP = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n"
            + "  podSelector: {}\n";
    private static final String SVC = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n";
    private static final String PORT = "  ports: [{port: 80}]\n";
    private static final String SLICE = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s-1\n"
            + "  labels: {kubernetes.io/service-name: s}\naddressType: IPv4\n";

    record Case(String name, String yaml, Function<Cluster, Object> read, Object expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case policy(String name, String spec, Function<NetworkPolicy, Object> f, Object expected) {
        return new Case(name, NP + spec, c -> f.apply(c.networkPolicies().get(0)), expected);
    }

    private static Case service(String name, String spec, Function<Service, Object> f, Object expected) {
        return new Case(name, SVC + spec, c -> f.apply(c.services().get(0)), expected);
    }

    private static Case endpoint(String name, String conditions, Object expected) {
        return new Case(name, SLICE + "endpoints:\n  - addresses: [10.244.1.5]\n" + conditions,
                c -> {
                    EndpointSlice.Endpoint e = c.endpointSlices().get(0).endpoints().get(0);
                    return List.of(e.ready(), e.serving(), e.terminating());
                }, expected);
    }

    private static final Function<NetworkPolicy, Object> TYPES = p -> List.of(p.ingressIsolation(), p.egressIsolation());
    private static final Function<Service, Object> TARGET = s -> s.ports().get(0).targetPort();
    private static final Function<Service, Object> PROTO = s -> s.ports().get(0).protocol();

    static Stream<Case> cases() {
        String egressRule = "  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]\n";
        return Stream.of(
                // NetworkPolicy policyTypes: len == 0 is defaulted, however it is written.
                policy("policyTypes absent", "", TYPES, List.of(true, false)),
                policy("policyTypes null", "  policyTypes: null\n", TYPES, List.of(true, false)),
                policy("policyTypes []", "  policyTypes: []\n", TYPES, List.of(true, false)),
                policy("policyTypes absent, egress rules", egressRule, TYPES, List.of(true, true)),
                policy("policyTypes [], egress rules", "  policyTypes: []\n" + egressRule, TYPES, List.of(true, true)),
                policy("policyTypes [], egress []", "  policyTypes: []\n  egress: []\n", TYPES, List.of(true, false)),
                policy("policyTypes [Egress]", "  policyTypes: [Egress]\n", TYPES, List.of(false, true)),
                policy("port protocol absent", "  ingress: [{ports: [{port: 80}]}]\n",
                        p -> p.ingress().get(0).ports().get(0).protocol(), Protocol.TCP),
                policy("from [] = from absent (every source)", "  ingress: [{from: []}]\n",
                        p -> p.ingress().get(0).peers(), List.of()),
                // Service
                service("type absent", PORT, Service::type, Service.Type.ClusterIP),
                service("type \"\"", "  type: \"\"\n" + PORT, Service::type, Service.Type.ClusterIP),
                service("sessionAffinity absent", PORT, Service::sessionAffinity, Service.SessionAffinity.None),
                service("sessionAffinity \"\"", "  sessionAffinity: \"\"\n" + PORT, Service::sessionAffinity,
                        Service.SessionAffinity.None),
                service("ClientIP timeout absent", "  sessionAffinity: ClientIP\n" + PORT,
                        Service::affinityTimeoutSeconds, 10800),
                service("port protocol absent", PORT, PROTO, Protocol.TCP),
                service("port protocol \"\"", "  ports: [{port: 80, protocol: \"\"}]\n", PROTO, Protocol.TCP),
                service("targetPort absent", PORT, TARGET, PortRef.of(80)),
                service("targetPort 0", "  ports: [{port: 80, targetPort: 0}]\n", TARGET, PortRef.of(80)),
                service("targetPort \"\"", "  ports: [{port: 80, targetPort: \"\"}]\n", TARGET, PortRef.of(80)),
                service("ipFamilyPolicy absent", PORT, Service::ipFamilyPolicy, Service.IpFamilyPolicy.SingleStack),
                service("ipFamilyPolicy headless with selector", "  clusterIP: None\n  selector: {a: b}\n" + PORT,
                        Service::ipFamilyPolicy, Service.IpFamilyPolicy.SingleStack),
                service("ipFamilyPolicy headless without selector", "  clusterIP: None\n" + PORT,
                        Service::ipFamilyPolicy, Service.IpFamilyPolicy.RequireDualStack),
                service("ipFamilies [] = absent", "  ipFamilies: []\n" + PORT, Service::ipFamilies, List.of()),
                service("internalTrafficPolicy absent", PORT, Service::internalTrafficPolicy,
                        Service.TrafficPolicy.Cluster),
                service("externalTrafficPolicy absent", "  type: NodePort\n" + PORT, Service::externalTrafficPolicy,
                        Service.TrafficPolicy.Cluster),
                service("externalTrafficPolicy \"\"", "  type: NodePort\n  externalTrafficPolicy: \"\"\n" + PORT,
                        Service::externalTrafficPolicy, Service.TrafficPolicy.Cluster),
                service("allocateLoadBalancerNodePorts absent", "  type: LoadBalancer\n" + PORT,
                        Service::allocateLoadBalancerNodePorts, true),
                service("publishNotReadyAddresses absent", PORT, Service::publishNotReadyAddresses, false),
                service("clusterIPs [] = absent", "  clusterIPs: []\n" + PORT, Service::clusterIPs, List.of()),
                // EndpointSlice conditions
                endpoint("conditions absent", "", List.of(true, true, false)),
                endpoint("conditions {}", "    conditions: {}\n", List.of(true, true, false)),
                endpoint("ready false, serving nil", "    conditions: {ready: false}\n", List.of(false, true, false)),
                endpoint("terminating, ready/serving nil", "    conditions: {terminating: true}\n",
                        List.of(true, true, true)),
                new Case("EndpointSlice port protocol absent", SLICE + "ports: [{port: 80}]\n",
                        c -> c.endpointSlices().get(0).ports().get(0).protocol(), Protocol.TCP),
                new Case("Endpoints port protocol \"\"", "apiVersion: v1\nkind: Endpoints\nmetadata: {name: s}\n"
                        + "subsets: [{addresses: [{ip: 10.244.1.5}], ports: [{port: 80, protocol: \"\"}]}]\n",
                        c -> c.endpointSlices().get(0).ports().get(0).protocol(), Protocol.TCP),
                // Node, Pod
                new Case("podCIDRs [] = [podCIDR]", "apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"
                        + "spec: {podCIDR: 10.244.3.0/24, podCIDRs: []}\n",
                        c -> c.nodes().get(0).podCIDRs().stream().map(Object::toString).toList(), List.of("10.244.3.0/24")),
                new Case("podIPs [] = [podIP]", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                        + "spec: {containers: [{name: c, ports: [{containerPort: 80, protocol: \"\"}]}]}\n"
                        + "status: {podIP: 10.244.1.7, podIPs: []}\n",
                        c -> c.pods().get(0).ips().stream().map(Object::toString).toList(), List.of("10.244.1.7")),
                new Case("container port protocol \"\"", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                        + "spec: {containers: [{name: c, ports: [{containerPort: 80, protocol: \"\"}]}]}\n",
                        c -> c.pods().get(0).ports().get(0).protocol(), Protocol.TCP),
                new Case("hostNetwork absent", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n",
                        c -> c.pods().get(0).hostNetwork(), false),
                // Workloads
                new Case("replicas absent", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                        + "spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}}}\n",
                        c -> c.workloads().get(0).replicas(), 1),
                new Case("Job parallelism absent", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                        + "spec: {template: {metadata: {labels: {a: b}}}}\n",
                        c -> c.workloads().get(0).replicas(), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaultsAsTheApiServer(Case c) {
        Diagnostics d = new Diagnostics();
        Cluster cluster = new YamlFrontEnd().apply(List.of(new InputSource("d.yaml",
                c.yaml().getBytes(StandardCharsets.UTF_8))), d);
        assertEquals(List.of(), d.sorted().stream().map(Diagnostic::render).toList(), c.name());
        assertEquals(c.expected(), c.read().apply(cluster), c.name());
    }

    record Refused(String name, String yaml, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Where the API server refuses what it does not default: the same error as any other wrong value. */
    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("NetworkPolicy port protocol \"\"", NP + "  ingress: [{ports: [{port: 80, protocol: \"\"}]}]\n",
                        "d.yaml:6:43: error[NETC014]: unknown protocol \"\" (allowed: TCP, UDP, SCTP)"),
                new Refused("EndpointSlice port protocol \"\"", SLICE + "ports: [{port: 80, protocol: \"\"}]\n",
                        "d.yaml:7:30: error[NETC014]: unknown protocol \"\" (allowed: TCP, UDP, SCTP)"),
                new Refused("internalTrafficPolicy \"\"", SVC + "  internalTrafficPolicy: \"\"\n" + PORT,
                        "d.yaml:5:26: error[NETC014]: unknown internalTrafficPolicy \"\" (allowed: Cluster, Local)"),
                new Refused("podCIDRs[0] differs from podCIDR", "apiVersion: v1\nkind: Node\nmetadata: {name: n}\n"
                        + "spec: {podCIDR: 10.244.3.0/24, podCIDRs: [10.244.4.0/24]}\n",
                        "d.yaml:4:17: error[NETC043]: podCIDR \"10.244.3.0/24\" differs from podCIDRs[0] \"10.244.4.0/24\""),
                new Refused("Ingress pathType absent (no default in networking.k8s.io/v1)",
                        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  rules:\n"
                        + "  - http: {paths: [{path: /, backend: {service: {name: s, port: {number: 80}}}}]}\n",
                        "d.yaml:6:20: error[NETC009]: spec.rules[0].http.paths[0].pathType is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedAsTheApiServer(Refused c) {
        Diagnostics d = new Diagnostics();
        new YamlFrontEnd().apply(List.of(new InputSource("d.yaml", c.yaml().getBytes(StandardCharsets.UTF_8))), d);
        assertEquals(List.of(c.expected()), d.sorted().stream().map(Diagnostic::render).toList(), c.name());
    }

}
