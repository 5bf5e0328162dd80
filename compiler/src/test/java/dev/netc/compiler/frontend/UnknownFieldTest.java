package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputLoader;
import dev.netc.compiler.InputSource;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Severity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kubectl-strict field checking: a misspelled field at a level netc decodes is a warning at the key with
 * did-you-mean (NETC080); fields the API defines but netc does not read are not.
 */
class UnknownFieldTest {
    private static List<Diagnostic> unknownFields(String yaml) {
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("in.yaml",
                yaml.getBytes(StandardCharsets.UTF_8))));
        return r.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.NETC080).toList();
    }

    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
              %s: {app: web}
            spec:
              %s: {app: web}
              %s: ClusterIP
              ports:
                - name: http
                  port: 80
                  %s: 8080
                  %s: TCP
              sessionAffinity: ClientIP
              sessionAffinityConfig:
                %s: {timeoutSeconds: 60}
            """;

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec:
              %s: 2
              selector:
                %s: {app: web}
              template:
                metadata:
                  %s: {app: web}
                spec:
                  %s: n1
                  containers:
                    - name: web
                      image: nginx
                      %s:
                        - {name: http, %s: 8080}
            """;

    private static final String POLICY = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec:
              %s: {matchLabels: {app: web}}
              ingress:
                - %s:
                    - %s: {}
                      podSelector:
                        matchExpressions:
                          - {key: app, %s: In, values: [web]}
                  ports:
                    - {port: 80, %s: TCP}
              %s: [Ingress]
            """;

    private static final String INGRESS = """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              %s: nginx
              rules:
                - %s: shop.example.com
                  http:
                    paths:
                      - path: /
                        %s: Prefix
                        backend:
                          service:
                            name: web
                            port: {%s: 80}
            """;

    private static final String SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: web-1
              namespace: shop
              labels: {kubernetes.io/service-name: web}
            %s: IPv4
            endpoints:
              - addresses: [10.244.1.10]
                %s: {ready: true}
              - addresses: [10.244.1.11]
                conditions: {%s: true}
            ports:
              - {name: http, %s: 8080}
            """;

    private static final String OTHER = """
            apiVersion: v1
            kind: Namespace
            %s: {name: shop}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            spec:
              %s: 10.244.1.0/24
            ---
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              %s: [10.96.0.0/12]
              nodes:
                - name: n1
                  %s: [192.168.77.11]
              proxy: {%s: true}
            """;

    /**
     * Each row: the template, the index of the slot misspelled (the others are written right), the misspelling,
     * what is meant, and where the misspelled key is (line:column).
     */
    @ParameterizedTest(name = "{0} {2} -> {3}")
    @CsvSource({
            "SERVICE, 0, lables, labels, 6:3",
            "SERVICE, 1, selecter, selector, 8:3",
            "SERVICE, 2, tpye, type, 9:3",
            "SERVICE, 3, targetPrt, targetPort, 13:7",
            "SERVICE, 4, protocl, protocol, 14:7",
            "SERVICE, 5, clientIp, clientIP, 17:5",
            "DEPLOYMENT, 0, replica, replicas, 5:3",
            "DEPLOYMENT, 1, matchLabel, matchLabels, 7:5",
            "DEPLOYMENT, 2, label, labels, 10:7",
            "DEPLOYMENT, 3, nodeNmae, nodeName, 12:7",
            "DEPLOYMENT, 4, port, ports, 16:11",
            "DEPLOYMENT, 5, containerPrt, containerPort, 17:28",
            "POLICY, 0, podSelecter, podSelector, 5:3",
            "POLICY, 1, form, from, 7:7",
            "POLICY, 2, namespaceSelecter, namespaceSelector, 8:11",
            "POLICY, 3, operater, operator, 11:28",
            "POLICY, 4, protcol, protocol, 13:22",
            "POLICY, 5, policyType, policyTypes, 14:3",
            "INGRESS, 0, ingresClassName, ingressClassName, 5:3",
            "INGRESS, 1, hots, host, 7:7",
            "INGRESS, 2, pathtype, pathType, 11:13",
            "INGRESS, 3, numbr, number, 15:24",
            "SLICE, 0, adressType, addressType, 7:1",
            "SLICE, 1, condition, conditions, 10:5",
            "SLICE, 2, redy, ready, 12:18",
            "SLICE, 3, prot, port, 14:18",
            "OTHER, 0, metdata, metadata, 3:1",
            "OTHER, 1, podCidr, podCIDR, 9:3",
            "OTHER, 2, serviceCIDR, serviceCIDRs, 15:3",
            "OTHER, 3, adresses, addresses, 18:7",
            "OTHER, 4, masqueradAll, masqueradeAll, 19:11"})
    void aMisspelledFieldIsWarnedAtItsKeyWithTheFieldMeant(String template, int slot, String typo, String meant,
                                                           String at) {
        String text = switch (template) {
            case "SERVICE" -> SERVICE;
            case "DEPLOYMENT" -> DEPLOYMENT;
            case "POLICY" -> POLICY;
            case "INGRESS" -> INGRESS;
            case "SLICE" -> SLICE;
            case "OTHER" -> OTHER;
            default -> throw new IllegalArgumentException(template);
        };
        String[] right = switch (template) {
            case "SERVICE" -> new String[] {"labels", "selector", "type", "targetPort", "protocol", "clientIP"};
            case "DEPLOYMENT" -> new String[] {"replicas", "matchLabels", "labels", "nodeName", "ports",
                    "containerPort"};
            case "POLICY" -> new String[] {"podSelector", "from", "namespaceSelector", "operator", "protocol",
                    "policyTypes"};
            case "INGRESS" -> new String[] {"ingressClassName", "host", "pathType", "number"};
            case "SLICE" -> new String[] {"addressType", "conditions", "ready", "port"};
            default -> new String[] {"metadata", "podCIDR", "serviceCIDRs", "addresses", "masqueradeAll"};
        };
        assertEquals(List.of(), unknownFields(text.formatted((Object[]) right)), "written right: no warning");
        Object[] args = right.clone();
        args[slot] = typo;
        List<Diagnostic> found = unknownFields(text.formatted(args));
        assertEquals(1, found.size(), found.toString());
        Diagnostic d = found.get(0);
        assertEquals(Severity.WARNING, d.severity());
        assertEquals("in.yaml:" + at, d.pos().toString());
        assertTrue(d.message().startsWith("unknown field \"" + typo + "\", did you mean \"" + meant + "\"? ("),
                d.message());
    }

    @Test
    void theIssuesServiceSaysWhatItMeant() {
        List<Diagnostic> found = unknownFields("""
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selecter: {app: web}
                  ports:
                    - {port: 80, targetPrt: 8080}
                """);
        assertEquals(List.of(
                "in.yaml:5:3: warning[NETC080]: unknown field \"selecter\", did you mean \"selector\"?"
                        + " (spec.selecter is ignored)",
                "in.yaml:7:18: warning[NETC080]: unknown field \"targetPrt\", did you mean \"targetPort\"?"
                        + " (spec.ports[0].targetPrt is ignored)"),
                found.stream().map(Diagnostic::render).toList());
    }

    @Test
    void fieldsOfTheApiThatNetcDoesNotReadAreNotWarned() {
        List<Diagnostic> found = unknownFields("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                  annotations: {anything/goes: "yes", selecter: x}
                  labels: {selecter: x}
                  uid: 7a1c
                  resourceVersion: "42"
                  managedFields: [{manager: kubectl, fieldsV1: {f:spec: {}}}]
                spec:
                  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, typo: 2}}
                  revisionHistoryLimit: 3
                  selector: {matchLabels: {selecter: x}}
                  template:
                    metadata: {labels: {selecter: x}}
                    spec:
                      nodeSelector: {kubernetes.io/os: linux}
                      tolerations: [{key: k, operator: Exists}]
                      affinity: {nodeAffinity: {}}
                      securityContext: {runAsNonRoot: true}
                      volumes: [{name: v, emptyDir: {}}]
                      initContainers: [{name: init, image: busybox, restartPolicy: Always,
                                        ports: [{containerPort: 9000}]}]
                      containers:
                        - name: web
                          image: nginx
                          resources: {limits: {cpu: 100m}, requests: {memory: 1Gi}}
                          env: [{name: A, valueFrom: {fieldRef: {fieldPath: status.podIP}}}]
                          livenessProbe: {httpGet: {path: /, port: 80}}
                          ports: [{containerPort: 80, hostPort: 8080, hostIP: 0.0.0.0}]
                status:
                  replicas: 1
                  whatever: {deep: true}
                """);
        assertEquals(List.of(), found);
    }

    @Test
    void underTheReadKindsStatusOfLiveDumpsIsNotWarned() {
        List<Diagnostic> found = unknownFields("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: shop, ownerReferences: [{kind: ReplicaSet, name: x}]}
                spec: {nodeName: n1, containers: [{name: c, image: i}]}
                status:
                  phase: Running
                  hostIP: 192.168.77.11
                  qosClass: BestEffort
                  podIP: 10.244.1.10
                  podIPs: [{ip: 10.244.1.10}]
                  containerStatuses: [{name: c, ready: true}]
                  conditions: [{type: Ready, status: "True", lastTransitionTime: null}]
                """);
        assertEquals(List.of(), found);
    }

    /**
     * The DSL front end builds the same trees the YAML decoder reads: a key in them that the decoder does not know
     * is a bug of netc's, never the user's. Every .netc file of the repository, the DSL diagnostics corpus too.
     */
    @Test
    void theDslsTreesHaveNoUnknownField() throws java.io.IOException {
        List<java.nio.file.Path> files;
        try (java.util.stream.Stream<java.nio.file.Path> a = java.nio.file.Files.walk(java.nio.file.Path.of("..",
                "samples-dsl"));
             java.util.stream.Stream<java.nio.file.Path> b = java.nio.file.Files.walk(java.nio.file.Path.of(
                     "src/test/resources"));
             java.util.stream.Stream<java.nio.file.Path> c = java.nio.file.Files.walk(java.nio.file.Path.of("..",
                     "cli/src/test/resources"))) {
            files = java.util.stream.Stream.of(a, b, c).flatMap(s -> s).filter(p -> p.toString().endsWith(".netc"))
                    .sorted().toList();
        }
        assertTrue(files.size() > 15, "files: " + files.size());
        for (java.nio.file.Path f : files) {
            Compiler.Result r = new Compiler().compile(List.of(new InputSource(f.toString(),
                    java.nio.file.Files.readAllBytes(f))));
            assertEquals(List.of(), r.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.NETC080)
                    .map(Diagnostic::render).toList(), f.toString());
        }
    }

    @Test
    void everySampleAndEndToEndManifestCompilesWithoutAnUnknownField() {
        Diagnostics load = new Diagnostics();
        List<InputSource> inputs = new InputLoader(new ByteArrayInputStream(new byte[0])).load(List.of(
                "../samples/minimal", "../samples/shop", "../samples/state-dump", "../samples-dsl/minimal",
                "../samples-dsl/shop", "../samples-dsl/state-dump", "../e2e/src/test/resources"), load);
        assertTrue(inputs.size() > 20, "inputs: " + inputs.size());
        for (InputSource in : inputs) {
            Compiler.Result r = new Compiler().compile(List.of(in));
            List<String> warned = r.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.NETC080)
                    .map(Diagnostic::render).toList();
            assertEquals(List.of(), warned, in.path());
        }
    }
}
