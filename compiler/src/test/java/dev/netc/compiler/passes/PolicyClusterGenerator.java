package dev.netc.compiler.passes;

import dev.netc.compiler.Compiler;
import dev.netc.compiler.InputSource;
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A deterministic synthetic cluster for the policy passes: {@code namespaces} namespaces of the same shape, each
 * with {@code podsPerNamespace} pods (apps web, api, db with named container ports), three Services and five
 * NetworkPolicies (default deny, podSelector peers, namespaceSelector peers matching a fixed fraction of the
 * namespaces, ipBlocks with excepts, named ports in both directions), and (with {@code admin}) one
 * AdminNetworkPolicy and the baseline policy. Pods are spread over {@code nodes} nodes.
 */
final class PolicyClusterGenerator {
    private PolicyClusterGenerator() {
    }

    static String yaml(int namespaces, int podsPerNamespace, int nodes, boolean admin) {
        StringBuilder b = new StringBuilder();
        b.append("apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: gen}\nspec:\n")
                .append("  serviceCIDRs: [10.96.0.0/12]\n  clusterCIDRs: [10.0.0.0/8]\n  nodes:\n");
        for (int n = 0; n < nodes; n++) {
            // node n: pods in 10.(64+n).0.0/16
            b.append("    - {name: n").append(n).append(", addresses: [192.168.").append(n / 250).append('.')
                    .append(1 + n % 250).append("], podCIDRs: [10.").append(64 + n).append(".0.0/16]}\n");
        }
        int[] next = new int[nodes];
        // kube-system with two DNS pods: a fixed part every cluster has
        b.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n");
        for (int d = 0; d < 2; d++) pod(b, "kube-system", "coredns-" + d, "dns", "dns", 53, d % nodes, next);
        for (int i = 0; i < namespaces; i++) {
            String ns = "ns-" + i;
            b.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ").append(ns).append(", labels: {team: t")
                    .append(i % 4).append(", env: ").append(i % 2 == 0 ? "prod" : "dev").append("}}\n");
            for (int j = 0; j < podsPerNamespace; j++) {
                String app = switch (j % 3) {
                    case 0 -> "web";
                    case 1 -> "api";
                    default -> "db";
                };
                String portName = app.equals("db") ? "sql" : "http";
                int port = switch (app) {
                    case "web" -> 8080;
                    case "api" -> 9090;
                    default -> 5432;
                };
                pod(b, ns, app + "-" + j, app, portName, port, (i * podsPerNamespace + j) % nodes, next);
            }
            for (String app : List.of("web", "api", "db")) {
                b.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(app).append(", namespace: ")
                        .append(ns).append("}\nspec:\n  selector: {app: ").append(app).append("}\n  ports: [{port: ")
                        .append(app.equals("db") ? "5432, targetPort: sql" : "80, targetPort: http").append("}]\n");
            }
            policy(b, ns, "default-deny", """
                      podSelector: {}
                      policyTypes: [Ingress, Egress]
                    """);
            policy(b, ns, "web-ingress", """
                      podSelector: {matchLabels: {app: web}}
                      ingress:
                        - from: [{podSelector: {matchLabels: {app: api}}}]
                          ports: [{port: http}]
                        - from: [{namespaceSelector: {matchLabels: {team: t0}}, podSelector: {matchLabels: {app: api}}}]
                          ports: [{port: 8443}]
                        - from: [{ipBlock: {cidr: 172.16.0.0/12, except: [172.16.%d.0/24]}}]
                          ports: [{port: 443}]
                    """.formatted(i % 256));
            policy(b, ns, "api-egress", """
                      podSelector: {matchLabels: {app: api}}
                      policyTypes: [Egress]
                      egress:
                        - to: [{podSelector: {matchLabels: {app: db}}}]
                          ports: [{port: sql}]
                        - to: [{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: web}}}]
                          ports: [{port: http}]
                        - to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.64.0.0/10]}}]
                          ports: [{port: 443}, {port: 8000, endPort: 8100}]
                    """);
            policy(b, ns, "dns", """
                      podSelector: {}
                      policyTypes: [Egress]
                      egress:
                        - to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]
                          ports: [{port: 53, protocol: UDP}, {port: dns, protocol: TCP}]
                    """);
            policy(b, ns, "db-ingress", """
                      podSelector: {matchLabels: {app: db}}
                      ingress:
                        - from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [api, web]}]}}]
                          ports: [{port: 5432}]
                        - from: [{namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: [t3]}]}, podSelector: {matchLabels: {app: api}}}]
                          ports: [{port: sql}, {port: 6432}]
                    """);
        }
        if (admin) b.append("""
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: prod-guard}
                spec:
                  priority: 10
                  subject: {namespaces: {matchLabels: {env: prod}}}
                  ingress:
                    - {name: deny-t3, action: Deny, from: [{namespaces: {matchLabels: {team: t3}}}]}
                    - {name: pass-t1-api, action: Pass, from: [{pods: {namespaceSelector: {matchLabels: {team: t1}}, podSelector: {matchLabels: {app: api}}}}], ports: [{namedPort: http}]}
                  egress:
                    - {name: docs, action: Allow, to: [{networks: [192.0.2.0/24]}], ports: [{portNumber: {port: 443, protocol: TCP}}]}
                    - {name: prod-db, action: Allow, to: [{pods: {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: db}}}}], ports: [{namedPort: sql}]}
                    - {name: no-nodes, action: Deny, to: [{nodes: {matchLabels: {}}}]}
                ---
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: {namespaces: {}}
                  ingress:
                    - {name: deny-other-teams, action: Deny, from: [{namespaces: {matchExpressions: [{key: team, operator: Exists}]}}]}
                """);
        return b.toString();
    }

    private static void pod(StringBuilder b, String ns, String name, String app, String portName, int port, int node,
                            int[] next) {
        int k = next[node]++;
        b.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: ").append(name).append(", namespace: ").append(ns)
                .append(", labels: {app: ").append(app).append("}}\nspec:\n  nodeName: n").append(node)
                .append("\n  containers: [{name: c, image: x, ports: [{name: ").append(portName).append(", containerPort: ")
                .append(port).append(app.equals("dns") ? ", protocol: TCP" : "").append("}]}]\nstatus: {podIP: 10.")
                .append(64 + node).append('.').append(k / 250).append('.').append(1 + k % 250).append("}\n");
    }

    private static void policy(StringBuilder b, String ns, String name, String spec) {
        b.append("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ").append(name)
                .append(", namespace: ").append(ns).append("}\nspec:\n").append(spec);
    }

    /** The compiled plan of the generated cluster (every pass of the pipeline). */
    static NetworkPlan compile(int namespaces, int podsPerNamespace, int nodes) {
        return compile(namespaces, podsPerNamespace, nodes, true);
    }

    /** The same, with or without the two admin policies. */
    static NetworkPlan compile(int namespaces, int podsPerNamespace, int nodes, boolean admin) {
        Compiler.Result r = new Compiler().compile(List.of(new InputSource("gen.yaml",
                yaml(namespaces, podsPerNamespace, nodes, admin).getBytes(StandardCharsets.UTF_8))));
        return r.plan().orElseThrow(() -> new AssertionError(r.diagnostics()));
    }
}
