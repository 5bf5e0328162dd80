package dev.netc.compiler.frontend;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.Pass;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.dsl.DslReader;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.IngressClass;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.TlsSecret;
import dev.netc.ir.model.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The YAML/JSON front end: Kubernetes manifests and live state (many documents per file, {@code kind: List})
 * to the cluster model. Values are checked here, where the text and its position are at hand: types,
 * required fields, allowed values, ranges, names, addresses. Cross-object checks are the Validate pass's.
 * {@code .netc} files are read by the DSL front end ({@link DslReader}) into the same object trees.
 */
public final class YamlFrontEnd implements Pass<List<InputSource>, Cluster> {
    /** The apiVersion each kind netc reads is served at. */
    private static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Namespace", "v1"),
            Map.entry("Node", "v1"),
            Map.entry("Pod", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("Endpoints", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("List", "v1"),
            Map.entry("EndpointSlice", "discovery.k8s.io/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("IngressClass", "networking.k8s.io/v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("StatefulSet", "apps/v1"),
            Map.entry("DaemonSet", "apps/v1"),
            Map.entry("ReplicaSet", "apps/v1"),
            Map.entry("Job", "batch/v1"),
            Map.entry("Cluster", "netc.dev/v1alpha1"),
            Map.entry("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"),
            Map.entry("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"));
    private static final String NETC_GROUP = "netc.dev";

    private final Limits limits;

    public YamlFrontEnd() {
        this(Limits.DEFAULT);
    }

    public YamlFrontEnd(Limits limits) {
        this.limits = limits;
    }

    @Override
    public Cluster apply(List<InputSource> inputs, Diagnostics diagnostics) {
        TreeReader reader = new TreeReader(limits);
        Collected objects = new Collected();
        for (InputSource source : inputs) {
            for (YamlNode doc : trees(reader, source, diagnostics)) document(doc, diagnostics, objects, 0);
        }
        return objects.cluster(diagnostics);
    }

    /**
     * The object trees of one input, before decoding: YAML/JSON documents as written, or the Kubernetes objects a
     * {@code .netc} file declares (the DSL front end maps its parse tree to the same trees, so both are decoded,
     * defaulted and checked by the same code below).
     */
    public static List<YamlNode> trees(InputSource source, Diagnostics diagnostics) {
        return trees(new TreeReader(Limits.DEFAULT), source, diagnostics);
    }

    private static List<YamlNode> trees(TreeReader reader, InputSource source, Diagnostics diagnostics) {
        return DslReader.isDsl(source.path()) ? DslReader.read(source, diagnostics) : reader.read(source, diagnostics);
    }

    /** What the input held, by kind; becomes the (sorted) Cluster at the end. */
    private static final class Collected {
        final List<ClusterProfile> profiles = new ArrayList<>();
        final List<Namespace> namespaces = new ArrayList<>();
        final List<Node> nodes = new ArrayList<>();
        final List<Pod> pods = new ArrayList<>();
        final List<Workload> workloads = new ArrayList<>();
        final List<Service> services = new ArrayList<>();
        final List<EndpointSlice> slices = new ArrayList<>();
        final List<NetworkPolicy> policies = new ArrayList<>();
        final List<Ingress> ingresses = new ArrayList<>();
        final List<IngressClass> ingressClasses = new ArrayList<>();
        final List<TlsSecret> secrets = new ArrayList<>();
        final List<AdminNetworkPolicy> adminPolicies = new ArrayList<>();

        Cluster cluster(Diagnostics diagnostics) {
            // The first profile by position wins, so the choice does not depend on argument order.
            profiles.sort(Comparator.comparing(p -> p.meta().pos()));
            ClusterProfile profile = profiles.isEmpty() ? ClusterProfile.defaults() : profiles.get(0);
            for (ClusterProfile extra : profiles.subList(Math.min(1, profiles.size()), profiles.size())) {
                diagnostics.error(DiagnosticCode.NETC031, extra.meta().pos(), "more than one cluster profile: "
                        + Messages.quote(extra.meta().name()) + " (the first is " + Messages.quote(profile.meta().name())
                        + " at " + profile.meta().pos() + ")");
            }
            return new Cluster(profile, namespaces, nodes, pods, workloads, services, slices, policies, ingresses,
                    ingressClasses, secrets, adminPolicies);
        }
    }

    private void document(YamlNode doc, Diagnostics diagnostics, Collected out, int listDepth) {
        if (!(doc instanceof Mapping m)) {
            diagnostics.error(DiagnosticCode.NETC007, doc.pos(), "document is not a Kubernetes object (expected a"
                    + " mapping with apiVersion and kind, got " + doc.describe() + ")");
            return;
        }
        Decoding dc = new Decoding(diagnostics);
        MapVal obj = MapVal.root(dc, m);
        Optional<Val> kindVal = obj.get("kind");
        Optional<Val> versionVal = obj.get("apiVersion");
        if (kindVal.isEmpty() || versionVal.isEmpty()) {
            diagnostics.error(DiagnosticCode.NETC007, m.pos(), "document is not a Kubernetes object (no "
                    + (kindVal.isEmpty() ? "kind" : "apiVersion") + ")");
            return;
        }
        Optional<String> kind = kindVal.get().string();
        Optional<String> version = versionVal.get().string();
        if (kind.isEmpty() || version.isEmpty()) return;
        String expected = API_VERSIONS.get(kind.get());
        if (expected == null && typedList(m, kind.get(), version.get(), kindVal.get(), diagnostics, out, listDepth))
            return;
        if (expected == null || !sameFamily(kind.get(), version.get())) {
            String hint = expected == null ? didYouMean(kind.get()).map(k -> " (did you mean " + k + "?)").orElse("")
                    : "";
            diagnostics.note(DiagnosticCode.NETC010, kindVal.get().pos(), "kind " + Messages.clip(kind.get()) + " ("
                    + Messages.clip(version.get()) + ") is not used by netc: skipped" + hint);
            return;
        }
        if (!expected.equals(version.get())) {
            diagnostics.error(DiagnosticCode.NETC011, versionVal.get().pos(), "apiVersion "
                    + Messages.quote(version.get()) + " is not supported for " + kind.get() + " (use " + expected + ")");
            return;
        }
        switch (kind.get()) {
            case "List" -> {
                // kubectl's List: a wrapper; its items are full objects. Lists do not nest in practice.
                if (listDepth > 0) {
                    diagnostics.error(DiagnosticCode.NETC007, m.pos(), "a List inside a List is not accepted");
                    return;
                }
                for (Val item : obj.list("items")) document(item.node, diagnostics, out, listDepth + 1);
            }
            case "Namespace" -> CoreKinds.namespace(obj).ifPresent(out.namespaces::add);
            case "Node" -> CoreKinds.node(obj).ifPresent(out.nodes::add);
            case "Pod" -> CoreKinds.pod(obj).ifPresent(out.pods::add);
            case "Secret" -> CoreKinds.secret(obj).ifPresent(out.secrets::add);
            case "IngressClass" -> CoreKinds.ingressClass(obj).ifPresent(out.ingressClasses::add);
            case "Service" -> ServiceKind.service(obj).ifPresent(out.services::add);
            case "EndpointSlice" -> DiscoveryKinds.endpointSlice(obj).ifPresent(out.slices::add);
            case "Endpoints" -> out.slices.addAll(DiscoveryKinds.endpoints(obj));
            case "NetworkPolicy" -> PolicyKind.networkPolicy(obj).ifPresent(out.policies::add);
            case "Ingress" -> IngressKind.ingress(obj).ifPresent(out.ingresses::add);
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
                    WorkloadKind.workload(obj, Workload.Kind.valueOf(kind.get())).ifPresent(out.workloads::add);
            case "Cluster" -> ProfileKind.profile(obj).ifPresent(out.profiles::add);
            case "AdminNetworkPolicy" -> AdminPolicyKind.policy(obj, false).ifPresent(out.adminPolicies::add);
            case "BaselineAdminNetworkPolicy" -> AdminPolicyKind.policy(obj, true).ifPresent(out.adminPolicies::add);
            default -> throw new IllegalStateException("kind listed without a reader: " + kind.get());
        }
    }

    /**
     * A kind netc reads that {@code kind} is probably a typo of: the same but for case, or one edit away (two
     * for longer names), so that real short kinds such as Role are not taken for Node.
     */
    private static Optional<String> didYouMean(String kind) {
        String best = null;
        int bestDistance = kind.length() >= 7 ? 3 : 2;
        for (String known : new TreeSet<>(API_VERSIONS.keySet())) {
            int d = known.equalsIgnoreCase(kind) ? 0 : editDistance(known, kind);
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || b.length() > 64) return Integer.MAX_VALUE;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The API's own list kinds ({@code PodList}, {@code ServiceList}: what the API server returns, unlike
     * kubectl's {@code List}) leave kind and apiVersion out of their items; they are the list's element kind.
     */
    private boolean typedList(Mapping m, String kind, String version, Val kindVal, Diagnostics diagnostics,
                              Collected out, int listDepth) {
        if (!kind.endsWith("List") || listDepth > 0) return false;
        String element = kind.substring(0, kind.length() - "List".length());
        if (element.equals("List") || !version.equals(API_VERSIONS.get(element))) return false;
        MapVal obj = MapVal.root(new Decoding(diagnostics), m);
        for (Val item : obj.list("items")) {
            YamlNode node = item.node;
            if (node instanceof Mapping im && im.entry("kind").isEmpty() && im.entry("apiVersion").isEmpty()) {
                List<YamlNode.Entry> entries = new ArrayList<>();
                SourcePos at = kindVal.pos();
                entries.add(new YamlNode.Entry("apiVersion", at, new YamlNode.Scalar(YamlNode.ScalarType.STRING,
                        version, null, at)));
                entries.add(new YamlNode.Entry("kind", at, new YamlNode.Scalar(YamlNode.ScalarType.STRING,
                        element, null, at)));
                entries.addAll(im.entries());
                node = new Mapping(entries, im.pos());
            }
            document(node, diagnostics, out, listDepth + 1);
        }
        return true;
    }

    /**
     * Whether {@code apiVersion} is a version of the kind netc knows, rather than a same-named kind of another
     * API group (Calico's NetworkPolicy, Cluster API's Cluster): built-in groups have no dot or end in
     * {@code .k8s.io}; the profile's group is netc.dev.
     */
    private static boolean sameFamily(String kind, String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        if (kind.equals("Cluster")) return group.equals(NETC_GROUP);
        return !group.equals(NETC_GROUP) && (!group.contains(".") || group.endsWith(".k8s.io"));
    }
}
