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
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

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
            Map.entry("CronJob", "batch/v1"),
            Map.entry("ReplicationController", "v1"),
            Map.entry("Cluster", "netc.dev/v1alpha1"),
            Map.entry("AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"),
            Map.entry("BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"));
    private static final String NETC_GROUP = "netc.dev";
    /** The kinds netc reads, sorted: the candidates of did-you-mean. */
    private static final List<String> READ_KINDS = List.copyOf(new TreeSet<>(API_VERSIONS.keySet()));
    /**
     * Every kind the built-in API groups netc reads from serve (Kubernetes 1.33; the network policy API's
     * group too), netc's kinds among them. A kind of one of these groups that is not listed does not exist:
     * the API server refuses it. Their list kinds ({@code ConfigMapList}) are kinds of the group as well.
     */
    private static final Map<String, Set<String>> GROUP_KINDS = Map.of(
            "", Set.of("Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "List",
                    "Namespace", "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate",
                    "RangeAllocation", "ReplicationController", "ResourceQuota", "Secret", "Service",
                    "ServiceAccount", "Status", "APIResourceList", "APIVersions", "WatchEvent", "DeleteOptions"),
            "apps", Set.of("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "Scale"),
            "batch", Set.of("CronJob", "Job"),
            "networking.k8s.io", Set.of("Ingress", "IngressClass", "NetworkPolicy", "IPAddress", "ServiceCIDR",
                    "ClusterCIDR"),
            "discovery.k8s.io", Set.of("EndpointSlice"),
            "policy.networking.k8s.io", Set.of("AdminNetworkPolicy", "BaselineAdminNetworkPolicy",
                    "ClusterNetworkPolicy"));

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
        Collected objects = new Collected(new SameObjects(inputs, this::treesOf));
        for (InputSource source : inputs) {
            FileDecoder decode = new FileDecoder(diagnostics, objects);
            if (DslReader.isDsl(source.path())) DslReader.read(source, diagnostics).forEach(decode);
            else reader.read(source, diagnostics, decode);
            if (decode.noObject()) {
                if (source.found()) {
                    // Chart.yaml, values.yaml, package.json, a CI workflow beside the manifests: not for netc.
                    diagnostics.note(DiagnosticCode.NETC081, new SourcePos(source.path(), 0, 0), "not a Kubernetes"
                            + " object (no apiVersion and kind): file skipped");
                } else {
                    decode.flush();
                }
            }
        }
        if (objects.read == 0 && !diagnostics.hasErrors()) {
            // An upstream step (helm template, kustomize build) that printed nothing: the CLI makes this an
            // error unless --allow-empty, since empty rulesets would be written without a word.
            SourcePos at = inputs.isEmpty() ? SourcePos.builtin("input") : new SourcePos(inputs.get(0).path(), 0, 0);
            diagnostics.note(DiagnosticCode.NETC083, at, "no Kubernetes objects in the input");
        }
        return objects.cluster(diagnostics);
    }

    /**
     * The object trees of one input, before decoding: YAML/JSON documents as written, or the Kubernetes objects a
     * {@code .netc} file declares (the DSL front end maps its parse tree to the same trees, so both are decoded,
     * defaulted and checked by the same code below).
     */
    public static List<YamlNode> trees(InputSource source, Diagnostics diagnostics) {
        return trees(source, diagnostics, Limits.DEFAULT);
    }

    private static List<YamlNode> trees(InputSource source, Diagnostics diagnostics, Limits limits) {
        return DslReader.isDsl(source.path()) ? DslReader.read(source, diagnostics)
                : new TreeReader(limits).read(source, diagnostics);
    }

    /** The documents of {@code source} as {@link #apply} reads them (for {@link SameObjects}, which reads again). */
    private List<YamlNode> treesOf(InputSource source, Diagnostics diagnostics) {
        return trees(source, diagnostics, limits);
    }

    /**
     * The element kind of an API list kind ({@code Pod} of {@code PodList} at {@code v1}), whose items leave kind
     * and apiVersion out; null when {@code kind} at {@code version} is not one.
     */
    static String typedListElement(String kind, String version) {
        if (!kind.endsWith("List")) return null;
        String element = kind.substring(0, kind.length() - "List".length());
        return element.equals("List") || !version.equals(API_VERSIONS.get(element)) ? null : element;
    }

    /** An item of an API list, as the object it stands for: with the list's apiVersion and element kind. */
    static YamlNode typedListItem(YamlNode item, String version, String element, SourcePos at) {
        if (!(item instanceof Mapping im) || im.get("kind") != null || im.get("apiVersion") != null) return item;
        List<YamlNode.Entry> entries = new ArrayList<>();
        entries.add(new YamlNode.Entry("apiVersion", at, new YamlNode.Scalar(YamlNode.ScalarType.STRING,
                version, null, at)));
        entries.add(new YamlNode.Entry("kind", at, new YamlNode.Scalar(YamlNode.ScalarType.STRING,
                element, null, at)));
        entries.addAll(im.entries());
        return new Mapping(entries, im.pos());
    }

    /**
     * Decodes one file's documents as they are read, so no more than one tree is alive at a time. The documents
     * before the first that looks like an object wait: a file with none is skipped whole.
     */
    private final class FileDecoder implements Consumer<YamlNode> {
        private final Diagnostics diagnostics;
        private final Collected objects;
        private List<YamlNode> waiting = new ArrayList<>(); // null once a document looked like an object

        FileDecoder(Diagnostics diagnostics, Collected objects) {
            this.diagnostics = diagnostics;
            this.objects = objects;
        }

        @Override
        public void accept(YamlNode doc) {
            if (waiting != null && !looksLikeObject(doc)) {
                waiting.add(doc);
                return;
            }
            flush();
            document(doc, diagnostics, objects, 0);
        }

        /** Decodes the waiting documents; from then on each document is decoded as it comes. */
        void flush() {
            if (waiting == null) return;
            List<YamlNode> docs = waiting;
            waiting = null;
            for (YamlNode w : docs) document(w, diagnostics, objects, 0);
        }

        /** Whether the file had documents and none looked like an object. */
        boolean noObject() {
            return waiting != null && !waiting.isEmpty();
        }
    }

    /** A mapping with both apiVersion and kind: a Kubernetes object, well-formed or not. */
    private static boolean looksLikeObject(YamlNode doc) {
        return doc instanceof Mapping m && m.entry("apiVersion").isPresent() && m.entry("kind").isPresent();
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
        /** Documents that are Kubernetes objects (List wrappers not counted), read or skipped. */
        int read;
        final FieldPaths paths = new FieldPaths();
        private final SameObjects same;

        Collected(SameObjects same) {
            this.same = same;
        }

        Cluster cluster(Diagnostics diagnostics) {
            // The first profile by position wins, so the choice does not depend on argument order.
            profiles.sort(Comparator.comparing(p -> p.meta().pos()));
            ClusterProfile profile = profiles.isEmpty() ? ClusterProfile.defaults() : profiles.get(0);
            for (ClusterProfile extra : profiles.subList(Math.min(1, profiles.size()), profiles.size())) {
                diagnostics.error(DiagnosticCode.NETC031, extra.meta().pos(), "more than one cluster profile: "
                        + Messages.quote(extra.meta().name()) + " (the first is " + Messages.quote(profile.meta().name())
                        + " at " + profile.meta().pos() + ")");
            }
            return new Cluster(profile, namespaces, nodes, pods, workloads, services, endpointSlicesWin(diagnostics),
                    policies, ingresses, ingressClasses, secrets, adminPolicies);
        }

        /**
         * kube-proxy reads only EndpointSlices: v1 Endpoints of a Service that also has an EndpointSlice in the
         * input (a live dump holds both, the controller mirrors one into the other) are left out, with a note.
         */
        private List<EndpointSlice> endpointSlicesWin(Diagnostics diagnostics) {
            Set<String> sliced = new TreeSet<>();
            for (EndpointSlice s : slices) {
                if (s.meta().kind().equals("EndpointSlice")) sliced.add(s.meta().namespace() + "/" + s.serviceName());
            }
            List<EndpointSlice> out = new ArrayList<>();
            Set<String> noted = new TreeSet<>();
            for (EndpointSlice s : slices) {
                String service = s.meta().namespace() + "/" + s.serviceName();
                if (!s.meta().kind().equals("Endpoints") || !sliced.contains(service)) {
                    out.add(s);
                    continue;
                }
                if (noted.add(s.meta().id() + "@" + s.meta().pos()))
                    diagnostics.note(DiagnosticCode.NETC076, s.meta().pos(), "Endpoints " + s.meta().qualifiedName()
                            + " ignored: Service " + service + " has an EndpointSlice in the input, and kube-proxy"
                            + " reads only EndpointSlices");
            }
            return out;
        }
    }

    private void document(YamlNode doc, Diagnostics diagnostics, Collected out, int listDepth) {
        if (!(doc instanceof Mapping m)) {
            diagnostics.error(DiagnosticCode.NETC007, doc.pos(), "document is not a Kubernetes object (expected a"
                    + " mapping with apiVersion and kind, got " + doc.describe() + ")");
            return;
        }
        Decoding dc = new Decoding(diagnostics, out.paths);
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
        boolean wrapper = kind.get().endsWith("List")
                && API_VERSIONS.containsKey(kind.get().substring(0, kind.get().length() - "List".length()));
        if (!kind.get().equals("List") && !wrapper) out.read++;
        String expected = API_VERSIONS.get(kind.get());
        if (expected == null && typedList(m, kind.get(), version.get(), kindVal.get(), diagnostics, out, listDepth))
            return;
        if (expected == null || !sameFamily(kind.get(), version.get())) {
            unknownKind(kind.get(), version.get(), kindVal.get(), expected != null, diagnostics);
            return;
        }
        if (!expected.equals(version.get())) {
            diagnostics.error(DiagnosticCode.NETC011, versionVal.get().pos(), "apiVersion "
                    + Messages.quote(version.get()) + " is not supported for " + kind.get() + " (use " + expected + ")");
            return;
        }
        if (!kind.get().equals("List")) {
            // The same object twice (one manifest in two files, a chart rendered twice): one object and a note.
            // Objects that differ in anything but layout keep NETC013.
            SourcePos first = out.same.firstSeen(kind.get(), m);
            if (first != null) {
                diagnostics.note(DiagnosticCode.NETC077, m.pos(), kind.get() + " identical to the one at " + first
                        + ": read once");
                return;
            }
        }
        obj = MapVal.root(dc, m, KnownFields.of(kind.get()).orElse(null));
        decode(kind.get(), obj, m, diagnostics, out, listDepth);
        dc.checkFields();
    }

    private void decode(String kind, MapVal obj, Mapping m, Diagnostics diagnostics, Collected out, int listDepth) {
        switch (kind) {
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
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "CronJob" ->
                    WorkloadKind.workload(obj, Workload.Kind.valueOf(kind)).ifPresent(out.workloads::add);
            case "Cluster" -> ProfileKind.profile(obj).ifPresent(out.profiles::add);
            case "AdminNetworkPolicy" -> AdminPolicyKind.policy(obj, false).ifPresent(out.adminPolicies::add);
            case "BaselineAdminNetworkPolicy" -> AdminPolicyKind.policy(obj, true).ifPresent(out.adminPolicies::add);
            default -> throw new IllegalStateException("kind listed without a reader: " + kind);
        }
    }

    /**
     * A kind netc does not read. A kind within an edit or two of one it reads, or equal to one but for case or
     * look-alike letters ({@code NetworkPolcy}, {@code service}, a Cyrillic {@code Sеrvice}), is an error with
     * did-you-mean: skipping it would drop a policy or a Service without a word. So is a kind the API group it
     * names does not have (the API server refuses it too). Real kinds of the built-in groups that netc does not
     * use (ConfigMap, ServiceAccount…), kinds of other groups (CRDs), and netc's kinds in another group
     * (Calico's NetworkPolicy) are skipped with a note.
     */
    private static void unknownKind(String kind, String version, Val kindVal, boolean sameNameElsewhere,
                                    Diagnostics diagnostics) {
        String group = version.contains("/") ? version.substring(0, version.indexOf('/')) : "";
        String shown = Messages.quote(kind) + " (" + Messages.clip(version) + ")";
        Set<String> groupKinds = GROUP_KINDS.get(group);
        boolean realKind = sameNameElsewhere || (groupKinds != null && (groupKinds.contains(kind)
                || (kind.endsWith("List") && groupKinds.contains(kind.substring(0, kind.length() - 4)))));
        if (!realKind) {
            Optional<String> meant = Suggest.closest(kind, READ_KINDS);
            if (meant.isPresent()) {
                String how = !Suggest.lookAlike(kind, meant.get()) ? ""
                        : ": differs from " + meant.get() + " only in case or look-alike letters" + nonAscii(kind);
                diagnostics.error(DiagnosticCode.NETC052, kindVal.pos(), "unknown kind " + shown + how
                        + " (did you mean " + meant.get() + "?)");
                return;
            }
            if (groupKinds != null) {
                diagnostics.error(DiagnosticCode.NETC052, kindVal.pos(), "unknown kind " + shown + ": "
                        + (group.isEmpty() ? "the core API group" : "API group " + group) + " has no such kind");
                return;
            }
        }
        diagnostics.note(DiagnosticCode.NETC010, kindVal.pos(), "kind " + Messages.clip(kind) + " ("
                + Messages.clip(version) + ") is not used by netc: skipped");
    }

    /** The characters of {@code s} outside ASCII, as code points ({@code " (U+0435)"}), so the reader sees them. */
    private static String nonAscii(String s) {
        String codes = s.codePoints().filter(c -> c > 0x7E).limit(8).mapToObj(c -> String.format("U+%04X", c))
                .distinct().collect(java.util.stream.Collectors.joining(", "));
        return codes.isEmpty() ? "" : " (" + codes + ")";
    }

    /**
     * The API's own list kinds ({@code PodList}, {@code ServiceList}: what the API server returns, unlike
     * kubectl's {@code List}) leave kind and apiVersion out of their items; they are the list's element kind.
     */
    private boolean typedList(Mapping m, String kind, String version, Val kindVal, Diagnostics diagnostics,
                              Collected out, int listDepth) {
        String element = listDepth > 0 ? null : typedListElement(kind, version);
        if (element == null) return false;
        MapVal obj = MapVal.root(new Decoding(diagnostics, out.paths), m);
        for (Val item : obj.list("items"))
            document(typedListItem(item.node, version, element, kindVal.pos()), diagnostics, out, listDepth + 1);
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
