package dev.netc.compiler.frontend;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The field names the Kubernetes API defines at each level that netc decodes (API reference, Kubernetes 1.33),
 * for kubectl-strict field checking: a key at such a level that is neither one of these nor read by the decoder
 * is an unknown field (NETC080, with did-you-mean among these names). A level is a {@link Type}: its fields, and
 * for some of them the type of the level below. A field without a type below is not checked further (its contents
 * are user data, such as labels and annotations, or parts netc does not decode, such as a container's resources or
 * any status): only the levels netc reads are checked, so nothing the API accepts is ever called unknown there.
 */
final class KnownFields {
    /** One level of an object: its field names, and the types of the levels below that are checked. */
    record Type(Set<String> fields, Map<String, Type> children) {
        Type {
            fields = Set.copyOf(fields);
            children = Map.copyOf(children);
        }

        Optional<Type> child(String key) {
            return Optional.ofNullable(children.get(key));
        }

        Type childOrNull(String key) {
            return children.get(key);
        }
    }

    private KnownFields() {
    }

    /** A level: plain field names, and {@code name, type} pairs for fields whose level below is checked. */
    private static Type type(List<String> plain, Object... typed) {
        Set<String> fields = new TreeSet<>(plain);
        Map<String, Type> children = new TreeMap<>();
        for (int i = 0; i < typed.length; i += 2) {
            fields.add((String) typed[i]);
            children.put((String) typed[i], (Type) typed[i + 1]);
        }
        return new Type(fields, children);
    }

    static final Type OBJECT_META = type(List.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields"));

    static final Type LABEL_SELECTOR_REQUIREMENT = type(List.of("key", "operator", "values"));
    static final Type LABEL_SELECTOR = type(List.of("matchLabels"),
            "matchExpressions", LABEL_SELECTOR_REQUIREMENT);

    static final Type CONTAINER_PORT = type(List.of("name", "hostPort", "containerPort", "protocol", "hostIP"));
    static final Type CONTAINER = type(List.of("name", "image", "command", "args", "workingDir", "envFrom", "env",
            "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe",
            "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy",
            "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"),
            "ports", CONTAINER_PORT);
    static final Type POD_SPEC = type(List.of("volumes", "ephemeralContainers", "restartPolicy",
            "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
            "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName", "hostNetwork",
            "hostPID", "hostIPC", "shareProcessNamespace", "securityContext", "imagePullSecrets", "hostname",
            "subdomain", "affinity", "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority",
            "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
            "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
            "resourceClaims", "resources"),
            "containers", CONTAINER, "initContainers", CONTAINER);
    static final Type POD_TEMPLATE = type(List.of(), "metadata", OBJECT_META, "spec", POD_SPEC);

    private static final List<String> TOP = List.of("apiVersion", "kind");

    /** A kind's top level: apiVersion, kind, metadata, a status (not checked), and what else it has. */
    private static Type object(Object... typed) {
        Object[] all = new Object[typed.length + 2];
        all[0] = "metadata";
        all[1] = OBJECT_META;
        System.arraycopy(typed, 0, all, 2, typed.length);
        return type(append(TOP, "status"), all);
    }

    private static List<String> append(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    private static Type workload(String... specFields) {
        return object("spec", type(List.of(specFields), "selector", LABEL_SELECTOR, "template", POD_TEMPLATE));
    }

    /** A ReplicationController: its selector is a plain label map, not a LabelSelector. */
    private static Type replicationController() {
        return object("spec", type(List.of("replicas", "minReadySeconds", "selector"), "template", POD_TEMPLATE));
    }

    static final Type SERVICE_PORT = type(List.of("name", "protocol", "appProtocol", "port", "targetPort", "nodePort"));
    static final Type SERVICE = object("spec", type(List.of("selector", "clusterIP", "clusterIPs", "type",
            "externalIPs", "sessionAffinity", "loadBalancerIP", "loadBalancerSourceRanges", "externalName",
            "externalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "ipFamilies", "ipFamilyPolicy",
            "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy", "trafficDistribution"),
            "ports", SERVICE_PORT,
            "sessionAffinityConfig", type(List.of(), "clientIP", type(List.of("timeoutSeconds")))));

    static final Type POLICY_PORT = type(List.of("protocol", "port", "endPort"));
    static final Type POLICY_PEER = type(List.of(), "podSelector", LABEL_SELECTOR, "namespaceSelector",
            LABEL_SELECTOR, "ipBlock", type(List.of("cidr", "except")));
    static final Type NETWORK_POLICY = object("spec", type(List.of("policyTypes"), "podSelector", LABEL_SELECTOR,
            "ingress", type(List.of(), "from", POLICY_PEER, "ports", POLICY_PORT),
            "egress", type(List.of(), "to", POLICY_PEER, "ports", POLICY_PORT)));

    static final Type INGRESS_BACKEND = type(List.of("resource"), "service", type(List.of("name"),
            "port", type(List.of("name", "number"))));
    static final Type INGRESS = object("spec", type(List.of("ingressClassName"),
            "defaultBackend", INGRESS_BACKEND,
            "tls", type(List.of("hosts", "secretName")),
            "rules", type(List.of("host"), "http", type(List.of(),
                    "paths", type(List.of("path", "pathType"), "backend", INGRESS_BACKEND)))));

    static final Type OBJECT_REFERENCE = type(List.of("kind", "namespace", "name", "uid", "apiVersion",
            "resourceVersion", "fieldPath"));
    static final Type ENDPOINT_SLICE = type(append(TOP, "addressType"), "metadata", OBJECT_META,
            "endpoints", type(List.of("addresses", "hostname", "nodeName", "zone", "hints", "deprecatedTopology"),
                    "conditions", type(List.of("ready", "serving", "terminating")),
                    "targetRef", OBJECT_REFERENCE),
            "ports", type(List.of("name", "protocol", "port", "appProtocol")));
    static final Type ENDPOINT_ADDRESS = type(List.of("ip", "hostname", "nodeName"), "targetRef", OBJECT_REFERENCE);
    static final Type ENDPOINTS = type(TOP, "metadata", OBJECT_META, "subsets", type(List.of(),
            "addresses", ENDPOINT_ADDRESS, "notReadyAddresses", ENDPOINT_ADDRESS,
            "ports", type(List.of("name", "port", "protocol", "appProtocol"))));

    static final Type PROFILE = type(TOP, "metadata", OBJECT_META, "spec", type(List.of("serviceCIDRs",
            "clusterCIDRs", "dnsDomain"),
            "nodes", type(List.of("name", "addresses", "podCIDRs", "labels")),
            "proxy", type(List.of("masqueradeAll", "nodePortAddresses")),
            "ingress", type(List.of("httpPort", "httpsPort")),
            "podNetwork", type(List.of("mode", "vni", "port", "mtu")),
            "dns", type(List.of("ttl", "pods", "endpointPodNames", "ignoreEmptyService", "serviceIP"))));

    static final Type ADMIN_NAMESPACED_PODS = type(List.of(), "namespaceSelector", LABEL_SELECTOR,
            "podSelector", LABEL_SELECTOR);
    static final Type ADMIN_PORT = type(List.of("namedPort"),
            "portNumber", type(List.of("protocol", "port")),
            "portRange", type(List.of("protocol", "start", "end")));
    static final Type ADMIN_INGRESS_PEER = type(List.of(), "namespaces", LABEL_SELECTOR, "pods",
            ADMIN_NAMESPACED_PODS);
    static final Type ADMIN_EGRESS_PEER = type(List.of("networks", "domainNames"), "namespaces", LABEL_SELECTOR,
            "pods", ADMIN_NAMESPACED_PODS, "nodes", LABEL_SELECTOR);

    private static Type adminPolicy(boolean baseline) {
        Type ingressRule = type(List.of("name", "action"), "from", ADMIN_INGRESS_PEER, "ports", ADMIN_PORT);
        Type egressRule = type(List.of("name", "action"), "to", ADMIN_EGRESS_PEER, "ports", ADMIN_PORT);
        return object("spec", type(baseline ? List.of() : List.of("priority"),
                "subject", type(List.of(), "namespaces", LABEL_SELECTOR, "pods", ADMIN_NAMESPACED_PODS),
                "ingress", ingressRule, "egress", egressRule));
    }

    private static final Map<String, Type> KINDS = Map.ofEntries(
            Map.entry("Namespace", object("spec", type(List.of("finalizers")))),
            Map.entry("Node", object("spec", type(List.of("podCIDR", "podCIDRs", "providerID", "unschedulable",
                    "taints", "configSource", "externalID")))),
            Map.entry("Pod", object("spec", POD_SPEC)),
            Map.entry("Secret", type(append(TOP, "data", "stringData", "type", "immutable"),
                    "metadata", OBJECT_META)),
            Map.entry("IngressClass", object("spec", type(List.of("controller", "parameters")))),
            Map.entry("List", type(append(TOP, "metadata", "items"))),
            Map.entry("Service", SERVICE),
            Map.entry("EndpointSlice", ENDPOINT_SLICE),
            Map.entry("Endpoints", ENDPOINTS),
            Map.entry("NetworkPolicy", NETWORK_POLICY),
            Map.entry("Ingress", INGRESS),
            Map.entry("Deployment", workload("replicas", "strategy", "minReadySeconds", "revisionHistoryLimit",
                    "paused", "progressDeadlineSeconds")),
            Map.entry("StatefulSet", workload("replicas", "volumeClaimTemplates", "serviceName",
                    "podManagementPolicy", "updateStrategy", "revisionHistoryLimit", "minReadySeconds",
                    "persistentVolumeClaimRetentionPolicy", "ordinals")),
            Map.entry("DaemonSet", workload("updateStrategy", "minReadySeconds", "revisionHistoryLimit")),
            Map.entry("ReplicaSet", workload("replicas", "minReadySeconds")),
            Map.entry("ReplicationController", replicationController()),
            Map.entry("Job", workload("parallelism", "completions", "activeDeadlineSeconds", "podFailurePolicy",
                    "successPolicy", "backoffLimit", "backoffLimitPerIndex", "maxFailedIndexes", "manualSelector",
                    "ttlSecondsAfterFinished", "completionMode", "suspend", "podReplacementPolicy", "managedBy")),
            Map.entry("Cluster", PROFILE),
            Map.entry("AdminNetworkPolicy", adminPolicy(false)),
            Map.entry("BaselineAdminNetworkPolicy", adminPolicy(true)));

    /** The top level of a kind netc reads; empty for kinds it does not check. */
    static Optional<Type> of(String kind) {
        return Optional.ofNullable(KINDS.get(kind));
    }
}
