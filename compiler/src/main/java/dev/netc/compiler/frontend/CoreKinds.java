package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.IpAddress;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.IngressClass;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Scheduling;
import dev.netc.ir.model.TlsSecret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Namespace, Node, Pod, Secret (TLS) and IngressClass. */
final class CoreKinds {
    static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    private enum ConditionStatus { True, False, Unknown }

    private CoreKinds() {
    }

    static Optional<Namespace> namespace(MapVal obj) {
        Meta meta = Common.meta(obj, "Namespace", false, NameRule.DNS1123_LABEL);
        return obj.dc.failed() ? Optional.empty() : Optional.of(new Namespace(meta.build(obj.dc)));
    }

    /** A Node from live state: InternalIP addresses first, then ExternalIP; its pod CIDRs. */
    static Optional<Node> node(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "Node", false, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        // As the API converts them: an empty podCIDRs (absent, null or []) is [podCIDR]; when both are
        // given, podCIDRs[0] must be podCIDR.
        List<Cidr> podCIDRs;
        Optional<Val> single = spec.get("podCIDR").filter(v -> !(v.isString() && v.text().isEmpty()));
        if (!spec.isMissingOrEmptyList("podCIDRs")) {
            List<Val> listed = spec.list("podCIDRs");
            podCIDRs = new ArrayList<>();
            for (Val v : listed) Common.cidr(v).ifPresent(podCIDRs::add);
            if (single.isPresent() && !listed.isEmpty() && !single.get().text().equals(listed.get(0).text()))
                dc.error(DiagnosticCode.NETC043, single.get().pos(), "podCIDR " + Messages.quote(single.get().text())
                        + " differs from podCIDRs[0] " + Messages.quote(listed.get(0).text()));
        } else {
            podCIDRs = new ArrayList<>();
            single.flatMap(Common::cidr).ifPresent(podCIDRs::add);
            single.ifPresent(v -> dc.record("spec.podCIDRs[0]", v.pos()));
        }
        List<IpAddress> internal = new ArrayList<>();
        List<IpAddress> external = new ArrayList<>();
        for (Val a : obj.mapOrEmpty("status").list("addresses")) {
            Optional<MapVal> am = a.map();
            if (am.isEmpty()) continue;
            String type = am.get().string("type").orElse("");
            List<IpAddress> into = type.equals("InternalIP") ? internal : type.equals("ExternalIP") ? external : null;
            if (into == null) continue; // Hostname, InternalDNS...: not addresses netc routes to
            am.get().required("address").flatMap(Common::ip).ifPresent(into::add);
        }
        internal.addAll(external);
        List<Scheduling.Taint> taints = Common.taints(spec);
        return dc.failed() ? Optional.empty() : Optional.of(new Node(meta.build(dc), internal, podCIDRs, taints));
    }

    /** A live Pod: placement, addresses, readiness and the container ports named targetPorts refer to. */
    static Optional<Pod> pod(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "Pod", true, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        String nodeName = spec.string("nodeName").orElse("");
        boolean hostNetwork = spec.bool("hostNetwork", false);
        List<ContainerPort> ports = Common.containerPorts(spec);
        Scheduling scheduling = Common.scheduling(spec);
        List<String> ownerRefs = new ArrayList<>();
        for (Val ref : obj.mapOrEmpty("metadata").list("ownerReferences")) {
            Optional<MapVal> rm = ref.map();
            if (rm.isEmpty()) continue;
            String refKind = rm.get().string("kind").orElse("");
            String refName = rm.get().string("name").orElse("");
            if (!refKind.isEmpty() && !refName.isEmpty()) ownerRefs.add(refKind + "/" + refName);
        }
        MapVal status = obj.mapOrEmpty("status");
        List<IpAddress> ips = new ArrayList<>();
        // As the API converts them: an empty podIPs (absent, null or []) is [podIP]; when both are given,
        // podIPs[0] must be podIP.
        Optional<Val> single = status.get("podIP").filter(v -> !(v.isString() && v.text().isEmpty()));
        if (!status.isMissingOrEmptyList("podIPs")) {
            List<Val> listed = status.list("podIPs");
            Optional<String> first = listed.get(0).map().flatMap(m -> m.string("ip"));
            if (single.isPresent() && first.isPresent() && !single.get().text().equals(first.get()))
                dc.error(DiagnosticCode.NETC041, single.get().pos(), "podIP " + Messages.quote(single.get().text())
                        + " differs from podIPs[0] " + Messages.quote(first.get()));
            for (Val item : listed) {
                item.map().flatMap(m -> m.required("ip")).flatMap(v -> {
                    Optional<IpAddress> ip = Common.ip(v);
                    if (ip.isPresent() && ips.stream().anyMatch(o -> o.family() == ip.get().family())) {
                        dc.error(DiagnosticCode.NETC041, v.pos(), "status.podIPs has a second "
                                + ip.get().family().apiName() + " address " + Messages.quote(ip.get().text())
                                + " (at most one per family)");
                        return Optional.empty();
                    }
                    return ip;
                }).ifPresent(ips::add);
            }
        } else {
            single.flatMap(Common::ip).ifPresent(ips::add);
        }
        boolean ready = podReady(status);
        // A finished or evicted pod (phase Succeeded or Failed) holds no IP any more: the kubelet released it,
        // and a running pod may have been given it again. Its address is not read.
        String phase = status.string("phase").orElse("");
        boolean finished = phase.equals("Succeeded") || phase.equals("Failed");
        if (finished) ips.clear();
        boolean terminating = obj.mapOrEmpty("metadata").has("deletionTimestamp");
        if (dc.failed()) return Optional.empty();
        return Optional.of(new Pod(meta.build(dc), nodeName, ips, ports, ready, terminating, hostNetwork,
                Optional.empty(), scheduling, ownerRefs, finished));
    }

    /**
     * Ready as the endpoints controller reads it: the Ready condition's status. A pod written without status
     * (a manifest) counts as ready; one in a terminal phase does not.
     */
    private static boolean podReady(MapVal status) {
        String phase = status.string("phase").orElse("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) return false;
        if (!status.has("conditions")) return true;
        boolean ready = false;
        for (Val c : status.list("conditions")) {
            Optional<MapVal> cm = c.map();
            if (cm.isEmpty() || !cm.get().string("type").orElse("").equals("Ready")) continue;
            ready = cm.get().required("status")
                    .flatMap(v -> Common.enumValue(v, ConditionStatus.class, "condition status"))
                    .map(s -> s == ConditionStatus.True).orElse(false);
        }
        return ready;
    }

    /**
     * A Secret: only type kubernetes.io/tls is read (its certificate and key as PEM text); every other type is
     * skipped with a note. Key material never appears in a message.
     */
    static Optional<TlsSecret> secret(MapVal obj) {
        Decoding dc = obj.dc;
        Optional<Val> typeVal = obj.get("type");
        String type = typeVal.flatMap(Val::string).orElse("Opaque");
        if (dc.failed()) return Optional.empty();
        if (!type.equals(TLS_SECRET_TYPE)) {
            dc.note(DiagnosticCode.NETC010, typeVal.map(Val::pos).orElse(obj.node.pos()), "Secret type "
                    + Messages.quote(type) + " skipped (only " + TLS_SECRET_TYPE + " is read)");
            return Optional.empty();
        }
        Meta meta = Common.meta(obj, "Secret", true, NameRule.DNS1123_SUBDOMAIN);
        Map<TlsKey, String> pem = new EnumMap<>(TlsKey.class);
        Optional<MapVal> data = obj.map("data");
        Optional<MapVal> stringData = obj.map("stringData");
        for (TlsKey k : TlsKey.values()) {
            data.flatMap(d -> d.get(k.key)).flatMap(CoreKinds::base64).ifPresent(v -> pem.put(k, v));
            // stringData wins over data, as the API server merges it.
            stringData.flatMap(d -> d.get(k.key)).flatMap(CoreKinds::secretString).ifPresent(v -> pem.put(k, v));
        }
        if (dc.failed()) return Optional.empty();
        for (TlsKey k : TlsKey.values()) {
            if (!pem.containsKey(k)) {
                SourcePos at = data.or(() -> stringData).map(MapVal::anchor).orElse(obj.node.pos());
                dc.error(DiagnosticCode.NETC009, at, "data." + k.key + " is required for a Secret of type "
                        + TLS_SECRET_TYPE);
            }
        }
        if (dc.failed()) return Optional.empty();
        return Optional.of(new TlsSecret(meta.build(dc), pem.get(TlsKey.CERT), pem.get(TlsKey.KEY)));
    }

    private enum TlsKey {
        CERT("tls.crt"), KEY("tls.key");

        final String key;

        TlsKey(String key) {
            this.key = key;
        }
    }

    /** Base64 as Go's decoder reads it (line breaks ignored); the value itself is never echoed. */
    private static Optional<String> base64(Val v) {
        if (!v.isString()) {
            v.dc.error(DiagnosticCode.NETC008, v.pos(), v.path + " must be a base64 string");
            return Optional.empty();
        }
        String text = v.string().orElseThrow().replace("\r", "").replace("\n", "");
        try {
            return Optional.of(new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            v.dc.error(DiagnosticCode.NETC008, v.pos(), v.path + " is not valid base64");
            return Optional.empty();
        }
    }

    private static Optional<String> secretString(Val v) {
        if (!v.isString()) {
            v.dc.error(DiagnosticCode.NETC008, v.pos(), v.path + " must be a string");
            return Optional.empty();
        }
        return v.string();
    }

    static Optional<IngressClass> ingressClass(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "IngressClass", false, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        String controller = spec.required("controller").flatMap(Val::string).orElse("");
        boolean isDefault = "true".equals(meta.annotations().get(DEFAULT_CLASS_ANNOTATION));
        return dc.failed() ? Optional.empty() : Optional.of(new IngressClass(meta.build(dc), controller, isDefault));
    }
}
