package dev.netc.bench;

import static dev.netc.bench.Yaml.l;
import static dev.netc.bench.Yaml.m;

import dev.netc.bench.ClusterModel.App;
import dev.netc.bench.ClusterModel.Ns;
import dev.netc.bench.ClusterModel.Type;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the synthetic cluster of {@link ClusterModel} in one of two forms, byte for byte the same for a given S:
 * <ul>
 * <li>{@code live}: what {@code kubectl get … -o yaml} prints for it (Nodes with pod CIDRs and addresses,
 * Namespaces, Pods with IPs, node names and owner references, Services with ClusterIPs and NodePorts,
 * EndpointSlices, NetworkPolicies, Ingresses and the IngressClass, the admin policies), as {@code kind: List}
 * documents of at most {@value #CHUNK} items (kubectl's default page), plus a cluster profile with the ranges;
 * <li>{@code gitops}: what a repository holds for it (a cluster profile listing the nodes, Namespaces, Deployments
 * and StatefulSets with replicas, Services, NetworkPolicies, Ingresses): netc places the replicas and allocates
 * pod CIDRs, pod IPs, ClusterIPs and NodePorts.
 * </ul>
 * Usage: {@code GenCluster S live|gitops DIR} (DIR must be absent or empty).
 */
public final class GenCluster {
    static final int CHUNK = 500;
    private static final String CREATED = "2026-11-01T00:00:00Z";

    private final ClusterModel model;
    private final Path dir;
    private int resourceVersion = 1000;

    private GenCluster(ClusterModel model, Path dir) {
        this.model = model;
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[1].equals("live") || args[1].equals("gitops"))) {
            System.err.println("usage: gen-cluster S live|gitops DIR");
            System.exit(2);
        }
        BigDecimal s = new BigDecimal(args[0]);
        Path dir = Path.of(args[2]);
        generate(s, args[1], dir);
        ClusterModel c = ClusterModel.of(s);
        System.err.printf("gen-cluster: S=%s %s: %d nodes, %d namespaces, %d services, %d pods -> %s%n", s.toPlainString(),
                args[1], c.nodes(), c.namespaces().size(), c.namespaces().stream().mapToInt(n -> n.apps().size()).sum(),
                c.pods(), dir);
    }

    /** Writes the form ({@code live} or {@code gitops}) of scale s into dir, which must be absent or empty. */
    public static void generate(BigDecimal s, String form, Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) throw new IOException(dir + " is not empty");
            }
        }
        Files.createDirectories(dir);
        GenCluster g = new GenCluster(ClusterModel.of(s), dir);
        switch (form) {
            case "live" -> g.live();
            case "gitops" -> g.gitops();
            default -> throw new IllegalArgumentException("form must be live or gitops: " + form);
        }
    }

    // ---------------------------------------------------------------- live state

    private void live() throws IOException {
        write("cluster.yaml", List.of(profile(false)), false);
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (int n = 0; n < model.nodes(); n++) nodes.add(liveNode(n));
        write("nodes.yaml", nodes, true);
        List<Map<String, Object>> namespaces = new ArrayList<>();
        for (Ns ns : model.namespaces()) namespaces.add(liveNamespace(ns));
        write("namespaces.yaml", namespaces, true);
        write("cluster-wide.yaml", clusterWide(true), true);

        int pod = 0;
        int nodePorts = 0;
        int lbs = 0;
        for (Ns ns : model.namespaces()) {
            List<Map<String, Object>> pods = new ArrayList<>();
            List<Map<String, Object>> services = new ArrayList<>();
            List<Map<String, Object>> slices = new ArrayList<>();
            for (App a : ns.apps()) {
                List<Map<String, Object>> endpoints = new ArrayList<>();
                for (int r = 0; r < a.replicas(); r++, pod++) {
                    int node = pod % model.nodes();
                    int slot = pod / model.nodes();
                    boolean ready = pod % 97 != 96;
                    String ip = ClusterModel.podIp(node, slot);
                    Map<String, Object> p = livePod(ns, a, r, node, ip, ready);
                    pods.add(p);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> meta = (Map<String, Object>) p.get("metadata");
                    endpoints.add(m("addresses", l(ip),
                            "conditions", m("ready", ready, "serving", ready, "terminating", false),
                            "nodeName", ClusterModel.nodeName(node),
                            "targetRef", m("kind", "Pod", "name", meta.get("name"), "namespace", ns.name(), "uid", meta.get("uid")),
                            "zone", ClusterModel.ZONES[node % 3]));
                }
                int[] ports = new int[3];
                if (a.type() != Type.ClusterIP) {
                    for (int i = 0; i < 3; i++) ports[i] = 30000 + (nodePorts++ % 2768);
                }
                services.add(liveService(ns, a, ports, a.type() == Type.LoadBalancer ? ClusterModel.lbIp(lbs++) : null));
                for (int i = 0; i < endpoints.size(); i += 100) {
                    slices.add(liveSlice(ns, a, i / 100, endpoints.subList(i, Math.min(endpoints.size(), i + 100))));
                }
            }
            String d = "namespaces/" + ns.name() + "/";
            write(d + "pods.yaml", pods, true);
            write(d + "services.yaml", services, true);
            write(d + "endpointslices.yaml", slices, true);
            write(d + "networkpolicies.yaml", policies(ns, true), true);
            write(d + "ingresses.yaml", ingresses(ns, true), true);
        }
    }

    private Map<String, Object> meta(String kind, String ns, String name, Map<String, Object> labels, boolean live,
                                     Object... extra) {
        Map<String, Object> md = m();
        if (live) md.put("creationTimestamp", CREATED);
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i].equals("generateName") && live) md.put("generateName", extra[i + 1]);
        }
        if (labels != null && !labels.isEmpty()) md.put("labels", labels);
        md.put("name", name);
        if (ns != null) md.put("namespace", ns);
        for (int i = 0; i < extra.length; i += 2) {
            if (extra[i].equals("ownerReferences") && live) md.put("ownerReferences", extra[i + 1]);
        }
        if (live) {
            md.put("resourceVersion", Integer.toString(resourceVersion++));
            md.put("uid", ClusterModel.uid(kind + "/" + ns + "/" + name));
        }
        return md;
    }

    private Map<String, Object> liveNode(int n) {
        String name = ClusterModel.nodeName(n);
        Map<String, Object> labels = m("beta.kubernetes.io/arch", "amd64", "beta.kubernetes.io/os", "linux",
                "kubernetes.io/arch", "amd64", "kubernetes.io/hostname", name, "kubernetes.io/os", "linux",
                "node.kubernetes.io/instance-type", "m5.xlarge", "topology.kubernetes.io/zone", ClusterModel.ZONES[n % 3]);
        String cidr = ClusterModel.podCidr(n);
        return m("apiVersion", "v1", "kind", "Node", "metadata", meta("Node", null, name, labels, true),
                "spec", m("podCIDR", cidr, "podCIDRs", l(cidr)),
                "status", m("addresses", l(m("address", ClusterModel.nodeAddress(n), "type", "InternalIP"),
                                m("address", name, "type", "Hostname")),
                        "conditions", l(m("lastHeartbeatTime", CREATED, "lastTransitionTime", CREATED,
                                "message", "kubelet is posting ready status", "reason", "KubeletReady",
                                "status", "True", "type", "Ready"))));
    }

    private Map<String, Object> liveNamespace(Ns ns) {
        Map<String, Object> labels = m("env", ns.env(), "kubernetes.io/metadata.name", ns.name(), "team", ns.team());
        return m("apiVersion", "v1", "kind", "Namespace", "metadata", meta("Namespace", null, ns.name(), labels, true),
                "spec", m("finalizers", l("kubernetes")), "status", m("phase", "Active"));
    }

    private Map<String, Object> livePod(Ns ns, App a, int r, int node, String ip, boolean ready) {
        String hash = ClusterModel.suffix(ns.name() + "/" + a.name() + "/template", 10);
        Map<String, Object> labels;
        String name;
        String generateName;
        Map<String, Object> owner;
        if (a.stateful()) {
            name = a.name() + "-" + r;
            generateName = a.name() + "-";
            labels = m("app", a.name(), "apps.kubernetes.io/pod-index", Integer.toString(r),
                    "controller-revision-hash", a.name() + "-" + hash,
                    "statefulset.kubernetes.io/pod-name", name, "tier", a.tier(), "version", a.version());
            owner = m("apiVersion", "apps/v1", "blockOwnerDeletion", true, "controller", true, "kind", "StatefulSet",
                    "name", a.name(), "uid", ClusterModel.uid("StatefulSet/" + ns.name() + "/" + a.name()));
        } else {
            String rs = a.name() + "-" + hash;
            generateName = rs + "-";
            name = rs + "-" + ClusterModel.suffix(ns.name() + "/" + rs + "/" + r, 5);
            labels = m("app", a.name(), "pod-template-hash", hash, "tier", a.tier(), "version", a.version());
            owner = m("apiVersion", "apps/v1", "blockOwnerDeletion", true, "controller", true, "kind", "ReplicaSet",
                    "name", rs, "uid", ClusterModel.uid("ReplicaSet/" + ns.name() + "/" + rs));
        }
        String status = ready ? "True" : "False";
        return m("apiVersion", "v1", "kind", "Pod",
                "metadata", meta("Pod", ns.name(), name, labels, true, "generateName", generateName, "ownerReferences", l(owner)),
                "spec", m("containers", l(container(a, true)), "dnsPolicy", "ClusterFirst",
                        "enableServiceLinks", true, "nodeName", ClusterModel.nodeName(node),
                        "restartPolicy", "Always", "schedulerName", "default-scheduler",
                        "serviceAccountName", "default", "terminationGracePeriodSeconds", 30),
                "status", m("conditions", l(
                                m("lastTransitionTime", CREATED, "status", "True", "type", "PodScheduled"),
                                m("lastTransitionTime", CREATED, "status", status, "type", "Ready")),
                        "hostIP", ClusterModel.nodeAddress(node), "hostIPs", l(m("ip", ClusterModel.nodeAddress(node))),
                        "phase", "Running", "podIP", ip, "podIPs", l(m("ip", ip)), "qosClass", "BestEffort",
                        "startTime", CREATED));
    }

    private static Map<String, Object> container(App a, boolean live) {
        List<Object> ports = new ArrayList<>();
        ports.add(port("http", 8080, live));
        if (a.grpc()) ports.add(port("grpc", 9090, live));
        if (a.metrics()) ports.add(port("metrics", 9100, live));
        if (a.data()) ports.add(port("db", 5432, live));
        return m("image", "registry.example.com/" + ClusterModel.WORDS[a.index() % ClusterModel.WORDS.length] + ":1."
                        + (a.index() % 10) + ".0",
                "imagePullPolicy", live ? "IfNotPresent" : null, "name", a.name(), "ports", ports,
                "resources", live ? m() : null,
                "terminationMessagePath", live ? "/dev/termination-log" : null,
                "terminationMessagePolicy", live ? "File" : null);
    }

    private static Map<String, Object> port(String name, int number, boolean live) {
        return live ? m("containerPort", number, "name", name, "protocol", "TCP") : m("name", name, "containerPort", number);
    }

    private Map<String, Object> liveService(Ns ns, App a, int[] nodePorts, String lbIp) {
        List<Object> ports = new ArrayList<>();
        int i = 0;
        for (Object[] p : servicePorts(a)) {
            ports.add(m("name", p[0], "nodePort", a.type() == Type.ClusterIP ? null : nodePorts[i++], "port", p[1],
                    "protocol", "TCP", "targetPort", p[2]));
        }
        String ip = a.headless() ? "None" : ClusterModel.clusterIp(a.global());
        boolean external = a.type() != Type.ClusterIP;
        Map<String, Object> spec = m(
                "allocateLoadBalancerNodePorts", a.type() == Type.LoadBalancer ? Boolean.TRUE : null,
                "clusterIP", ip, "clusterIPs", l(ip),
                "externalTrafficPolicy", external ? (a.localExternal() ? "Local" : "Cluster") : null,
                "healthCheckNodePort", a.type() == Type.LoadBalancer && a.localExternal() ? nodePorts[2] : null,
                "internalTrafficPolicy", a.localInternal() ? "Local" : "Cluster",
                "ipFamilies", l("IPv4"), "ipFamilyPolicy", "SingleStack", "ports", ports,
                "selector", m("app", a.name()), "sessionAffinity", a.affinity() ? "ClientIP" : "None",
                "sessionAffinityConfig", a.affinity() ? m("clientIP", m("timeoutSeconds", 10800)) : null,
                "type", a.type().name());
        Map<String, Object> lb = lbIp == null ? m() : m("ingress", l(m("ip", lbIp, "ipMode", "VIP")));
        return m("apiVersion", "v1", "kind", "Service",
                "metadata", meta("Service", ns.name(), a.name(), m("app", a.name()), true),
                "spec", spec, "status", m("loadBalancer", lb));
    }

    /** {name, port, targetPort}: http by name, grpc by name, db by number. */
    private static List<Object[]> servicePorts(App a) {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[] {"http", 80, "http"});
        if (a.grpc()) out.add(new Object[] {"grpc", 9090, "grpc"});
        if (a.data()) out.add(new Object[] {"db", 5432, 5432});
        return out;
    }

    private Map<String, Object> liveSlice(Ns ns, App a, int k, List<Map<String, Object>> endpoints) {
        String name = a.name() + "-" + ClusterModel.suffix(ns.name() + "/" + a.name() + "/slice/" + k, 5);
        Map<String, Object> labels = m("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io",
                "kubernetes.io/service-name", a.name());
        Map<String, Object> owner = m("apiVersion", "v1", "blockOwnerDeletion", true, "controller", true,
                "kind", "Service", "name", a.name(), "uid", ClusterModel.uid("Service/" + ns.name() + "/" + a.name()));
        List<Object> ports = new ArrayList<>();
        ports.add(m("name", "http", "port", 8080, "protocol", "TCP"));
        if (a.grpc()) ports.add(m("name", "grpc", "port", 9090, "protocol", "TCP"));
        if (a.data()) ports.add(m("name", "db", "port", 5432, "protocol", "TCP"));
        return m("addressType", "IPv4", "apiVersion", "discovery.k8s.io/v1", "endpoints", new ArrayList<Object>(endpoints),
                "kind", "EndpointSlice",
                "metadata", meta("EndpointSlice", ns.name(), name, labels, true, "generateName", a.name() + "-",
                        "ownerReferences", l(owner)),
                "ports", ports);
    }

    // ---------------------------------------------------------------- GitOps

    private void gitops() throws IOException {
        write("cluster.yaml", List.of(profile(true)), false);
        write("cluster-wide.yaml", clusterWide(false), false);
        for (Ns ns : model.namespaces()) {
            String d = "apps/" + ns.name() + "/";
            write(d + "namespace.yaml", List.of(m("apiVersion", "v1", "kind", "Namespace",
                    "metadata", meta("Namespace", null, ns.name(), m("env", ns.env(), "team", ns.team()), false))), false);
            List<Map<String, Object>> docs = new ArrayList<>();
            for (App a : ns.apps()) {
                docs.add(workload(ns, a));
                docs.add(gitopsService(ns, a));
            }
            write(d + "workloads.yaml", docs, false);
            write(d + "networkpolicies.yaml", policies(ns, false), false);
            write(d + "ingresses.yaml", ingresses(ns, false), false);
        }
    }

    private Map<String, Object> workload(Ns ns, App a) {
        Map<String, Object> podLabels = m("app", a.name(), "tier", a.tier(), "version", a.version());
        Map<String, Object> podSpec = m("containers", l(container(a, false)),
                "nodeSelector", a.zoneSelector() == null ? null : m("topology.kubernetes.io/zone", a.zoneSelector()));
        return m("apiVersion", "apps/v1", "kind", a.stateful() ? "StatefulSet" : "Deployment",
                "metadata", meta("", ns.name(), a.name(), m("app", a.name()), false),
                "spec", m("replicas", a.replicas(), "selector", m("matchLabels", m("app", a.name())),
                        "serviceName", a.stateful() ? a.name() : null,
                        "template", m("metadata", m("labels", podLabels), "spec", podSpec)));
    }

    private Map<String, Object> gitopsService(Ns ns, App a) {
        List<Object> ports = new ArrayList<>();
        for (Object[] p : servicePorts(a)) ports.add(m("name", p[0], "port", p[1], "targetPort", p[2]));
        Map<String, Object> spec = m("type", a.type() == Type.ClusterIP ? null : a.type().name(),
                "clusterIP", a.headless() ? "None" : null,
                "externalTrafficPolicy", a.localExternal() ? "Local" : null,
                "internalTrafficPolicy", a.localInternal() ? "Local" : null,
                "sessionAffinity", a.affinity() ? "ClientIP" : null,
                "selector", m("app", a.name()), "ports", ports);
        return m("apiVersion", "v1", "kind", "Service", "metadata", meta("", ns.name(), a.name(), m("app", a.name()), false),
                "spec", spec);
    }

    // ---------------------------------------------------------------- both forms

    private Map<String, Object> profile(boolean withNodes) {
        Map<String, Object> spec = m("serviceCIDRs", l("10.96.0.0/12"), "clusterCIDRs", l("10.128.0.0/9"),
                "dnsDomain", "cluster.local");
        if (withNodes) {
            List<Object> nodes = new ArrayList<>();
            for (int n = 0; n < model.nodes(); n++) {
                nodes.add(m("name", ClusterModel.nodeName(n), "addresses", l(ClusterModel.nodeAddress(n)),
                        "labels", m("topology.kubernetes.io/zone", ClusterModel.ZONES[n % 3])));
            }
            spec.put("nodes", nodes);
        }
        return m("apiVersion", "netc.dev/v1alpha1", "kind", "Cluster", "metadata", m("name", "bench"), "spec", spec);
    }

    /** The IngressClass, the AdminNetworkPolicies and the BaselineAdminNetworkPolicy. */
    private List<Map<String, Object>> clusterWide(boolean live) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> classMeta = meta("IngressClass", null, "nginx", m("app.kubernetes.io/name", "ingress-nginx"), live);
        classMeta.put("annotations", m("ingressclass.kubernetes.io/is-default-class", "true"));
        out.add(m("apiVersion", "networking.k8s.io/v1", "kind", "IngressClass", "metadata", classMeta,
                "spec", m("controller", "k8s.io/ingress-nginx")));
        String anp = "policy.networking.k8s.io/v1alpha1";
        for (int k = 0; k < model.adminPolicies(); k++) {
            Map<String, Object> subject = k % 2 == 0
                    ? m("namespaces", m("matchLabels", m("env", ClusterModel.ENVS[k % 3])))
                    : m("pods", m("namespaceSelector", m("matchLabels", m("team", "team-" + (k % 10))),
                            "podSelector", m("matchLabels", m("tier", "data"))));
            List<Object> ingress = l(
                    m("name", "deny-dev-db", "action", "Deny",
                            "from", l(m("namespaces", m("matchLabels", m("env", "dev")))),
                            "ports", l(m("portNumber", m("protocol", "TCP", "port", 5432)))),
                    m("name", "pass-monitoring", "action", "Pass",
                            "from", l(m("namespaces", m("matchLabels", m("kubernetes.io/metadata.name", "ns-0000"))))),
                    m("name", "allow-same-team-http", "action", "Allow",
                            "from", l(m("pods", m("namespaceSelector", m("matchLabels", m("team", "team-" + (k % 10))),
                                    "podSelector", m("matchExpressions", l(m("key", "tier", "operator", "In",
                                            "values", l("frontend", "backend"))))))),
                            "ports", l(m("namedPort", "http"))));
            List<Object> egress = l(
                    m("name", "allow-dns", "action", "Allow", "to", l(m("networks", l("10.96.0.10/32"))),
                            "ports", l(m("portNumber", m("protocol", "UDP", "port", 53)),
                                    m("portNumber", m("protocol", "TCP", "port", 53)))),
                    m("name", "deny-metadata", "action", "Deny", "to", l(m("networks", l("169.254.169.254/32")))),
                    m("name", "allow-zone-a-nodes", "action", "Allow",
                            "to", l(m("nodes", m("matchLabels", m("topology.kubernetes.io/zone", "zone-a")))),
                            "ports", l(m("portRange", m("protocol", "TCP", "start", 10250, "end", 10259)))));
            out.add(m("apiVersion", anp, "kind", "AdminNetworkPolicy",
                    "metadata", meta("AdminNetworkPolicy", null, "anp-%03d".formatted(k), null, live),
                    "spec", m("priority", 10 + k % 990, "subject", subject, "ingress", ingress, "egress", egress)));
        }
        out.add(m("apiVersion", anp, "kind", "BaselineAdminNetworkPolicy",
                "metadata", meta("BaselineAdminNetworkPolicy", null, "default", null, live),
                "spec", m("subject", m("namespaces", m("matchLabels", m("env", "dev"))),
                        "ingress", l(m("name", "deny-other-teams", "action", "Deny",
                                "from", l(m("namespaces", m("matchExpressions", l(m("key", "env", "operator", "NotIn",
                                        "values", l("dev")))))))))));
        return out;
    }

    private List<Map<String, Object>> policies(Ns ns, boolean live) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<App> apps = ns.apps();
        boolean denyAll = ns.index() % 2 == 1;
        for (int i = 0; i < ns.policies(); i++) {
            App a = apps.get((i * 7) % apps.size());
            String name;
            Map<String, Object> spec;
            Map<String, Object> self = m("matchLabels", m("app", a.name()));
            if (i == 0) {
                name = denyAll ? "default-deny-all" : "default-deny-ingress";
                spec = m("podSelector", m(), "policyTypes", denyAll ? l("Ingress", "Egress") : l("Ingress"));
            } else if (i == 1 && !denyAll) {
                name = "allow-same-namespace";
                spec = m("podSelector", m(), "ingress", l(m("from", l(m("podSelector", m())))));
            } else if (i == 1) {
                name = "allow-dns";
                spec = m("podSelector", m(), "policyTypes", l("Egress"), "egress", l(m(
                        "to", l(m("ipBlock", m("cidr", "10.96.0.10/32"))),
                        "ports", l(m("port", 53, "protocol", "UDP"), m("port", 53, "protocol", "TCP")))));
            } else {
                int t = (i - 2) % 8;
                switch (t) {
                    case 0 -> {
                        name = "allow-frontend";
                        spec = m("podSelector", self, "ingress", l(m(
                                "from", l(m("podSelector", m("matchLabels", m("tier", "frontend")))),
                                "ports", l(m("port", "http", "protocol", "TCP")))));
                    }
                    case 1 -> {
                        name = "allow-team";
                        spec = m("podSelector", self, "ingress", l(m(
                                "from", l(m("namespaceSelector", m("matchLabels", m("team", ns.team())))),
                                "ports", l(m("port", 8080, "protocol", "TCP")))));
                    }
                    case 2 -> {
                        name = "allow-prod-backends";
                        spec = m("podSelector", self, "ingress", l(m(
                                "from", l(m("namespaceSelector", m("matchLabels", m("env", "prod")),
                                        "podSelector", m("matchLabels", m("tier", "backend")))),
                                "ports", l(m("port", "grpc", "protocol", "TCP"), m("port", "http", "protocol", "TCP")))));
                    }
                    case 3 -> {
                        name = "allow-external";
                        spec = m("podSelector", self, "ingress", l(m(
                                "from", l(m("ipBlock", m("cidr", "192.0.2.0/24", "except", l("192.0.2.128/25"))),
                                        m("ipBlock", m("cidr", "198.51.100.0/24"))),
                                "ports", l(m("port", 8080, "protocol", "TCP")))));
                    }
                    case 4 -> {
                        name = "egress-data-and-web";
                        spec = m("podSelector", self, "policyTypes", l("Egress"), "egress", l(
                                m("to", l(m("podSelector", m("matchExpressions", l(m("key", "tier", "operator", "In",
                                                "values", l("data")))))),
                                        "ports", l(m("port", 5432, "protocol", "TCP"))),
                                m("to", l(m("ipBlock", m("cidr", "0.0.0.0/0",
                                                "except", l("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")))),
                                        "ports", l(m("port", 443, "protocol", "TCP")))));
                    }
                    case 5 -> {
                        name = "tier-range";
                        spec = m("podSelector", m("matchExpressions", l(
                                        m("key", "tier", "operator", "In", "values", l("backend", "data")),
                                        m("key", "version", "operator", "NotIn", "values", l("v2")))),
                                "ingress", l(m(
                                        "from", l(m("podSelector", m("matchExpressions", l(m("key", "app", "operator", "Exists"))))),
                                        "ports", l(m("endPort", 9100, "port", 9000, "protocol", "TCP")))));
                    }
                    case 6 -> {
                        name = "allow-monitoring";
                        spec = m("podSelector", m("matchLabels", m("version", a.version())), "ingress", l(m(
                                "from", l(m("namespaceSelector", m("matchLabels", m("kubernetes.io/metadata.name", "ns-0000"))),
                                        m("namespaceSelector", m("matchExpressions", l(m("key", "env", "operator", "In",
                                                "values", l("prod", "staging")))),
                                                "podSelector", m("matchLabels", m("app", "worker-0")))),
                                "ports", l(m("port", "metrics", "protocol", "TCP")))));
                    }
                    default -> {
                        name = "allow-cross-team";
                        int other = (ns.index() + 1) % model.namespaces().size();
                        spec = m("podSelector", self, "policyTypes", l("Ingress", "Egress"),
                                "ingress", l(m(
                                        "from", l(m("namespaceSelector", m("matchLabels",
                                                        m("team", model.namespaces().get(other).team())),
                                                "podSelector", self)),
                                        "ports", l(m("port", "http", "protocol", "TCP"), m("port", "grpc", "protocol", "TCP")))),
                                "egress", l(m(
                                        "to", l(m("namespaceSelector", m("matchLabels",
                                                        m("kubernetes.io/metadata.name", model.namespaces().get(other).name())),
                                                "podSelector", self)),
                                        "ports", l(m("port", 80, "protocol", "TCP"), m("port", 8080, "protocol", "TCP")))));
                    }
                }
                name = name + "-" + a.name() + "-" + i;
            }
            if (live && !spec.containsKey("policyTypes")) spec.put("policyTypes", l("Ingress"));
            out.add(m("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
                    "metadata", meta("NetworkPolicy", ns.name(), name, null, live), "spec", spec));
        }
        return out;
    }

    private List<Map<String, Object>> ingresses(Ns ns, boolean live) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<App> served = ns.apps().stream().filter(a -> !a.headless()).toList();
        List<App> front = served.stream().filter(a -> a.tier().equals("frontend")).toList();
        if (front.isEmpty()) front = served;
        for (int i = 0; i < ns.ingresses() && !served.isEmpty(); i++) {
            App a = front.get(i % front.size());
            App b = served.get((a.index() + i + 1) % served.size());
            List<Object> paths = l(
                    m("backend", m("service", m("name", a.name(), "port", m("name", "http"))), "path", "/", "pathType", "Prefix"),
                    m("backend", m("service", m("name", b.name(), "port", m("number", 80))), "path", "/api", "pathType", "Prefix"),
                    i % 4 == 0 ? m("backend", m("service", m("name", a.name(), "port", m("number", 80))),
                            "path", "/healthz", "pathType", "Exact") : null);
            Map<String, Object> spec = m("ingressClassName", "nginx",
                    "rules", l(m("host", "shop-" + i + "." + ns.name() + ".example.com", "http", m("paths", paths))));
            Map<String, Object> md = meta("Ingress", ns.name(), "shop-" + i, m("app", a.name()), live);
            if (i % 5 == 1) md.put("annotations", m("nginx.ingress.kubernetes.io/proxy-body-size", "8m"));
            out.add(m("apiVersion", "networking.k8s.io/v1", "kind", "Ingress", "metadata", md, "spec", spec,
                    "status", live ? m("loadBalancer", m("ingress", l(m("ip", ClusterModel.lbIp(60000 + ns.index()))))) : null));
        }
        return out;
    }

    // ---------------------------------------------------------------- output

    /** One file: in live form, {@code kind: List} documents of at most CHUNK items; else one document per object. */
    private void write(String relative, List<Map<String, Object>> objects, boolean asLists) throws IOException {
        Path f = dir.resolve(relative);
        Files.createDirectories(f.getParent());
        StringBuilder out = new StringBuilder(1 << 16);
        if (asLists && objects.isEmpty()) {
            Yaml.document(out, m("apiVersion", "v1", "items", l(), "kind", "List", "metadata", m("resourceVersion", "")), true);
        } else if (asLists) {
            for (int i = 0; i < objects.size(); i += CHUNK) {
                if (i > 0) out.append("---\n");
                Yaml.document(out, m("apiVersion", "v1",
                        "items", new ArrayList<Object>(objects.subList(i, Math.min(objects.size(), i + CHUNK))),
                        "kind", "List", "metadata", m("resourceVersion", "")), true);
            }
        } else {
            for (int i = 0; i < objects.size(); i++) {
                if (i > 0) out.append("---\n");
                Yaml.document(out, objects.get(i), false);
            }
        }
        try {
            Files.writeString(f, out, StandardCharsets.UTF_8);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
