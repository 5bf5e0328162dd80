package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.EndpointSlice.Endpoint;
import dev.netc.ir.model.EndpointSlice.EndpointPort;
import dev.netc.ir.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** EndpointSlice (discovery.k8s.io/v1) and v1 Endpoints, both read into {@link EndpointSlice} records. */
final class DiscoveryKinds {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private DiscoveryKinds() {
    }

    static Optional<EndpointSlice> endpointSlice(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "EndpointSlice", true, NameRule.DNS1123_SUBDOMAIN);
        Optional<Val> typeVal = obj.required("addressType");
        Optional<String> type = typeVal.flatMap(Val::string);
        if (type.isPresent() && type.get().equals("FQDN")) {
            dc.note(DiagnosticCode.NETC010, typeVal.get().pos(), "EndpointSlice " + meta.qualifiedName()
                    + " with addressType FQDN skipped (netc routes to addresses only)");
            return Optional.empty();
        }
        Optional<Family> family = typeVal.filter(v -> type.isPresent())
                .flatMap(v -> Common.family(v, "addressType"));
        List<Endpoint> endpoints = new ArrayList<>();
        for (Val e : obj.list("endpoints")) {
            Optional<MapVal> em = e.map();
            if (em.isEmpty()) continue;
            List<IpAddress> addresses = new ArrayList<>();
            Optional<Val> addrs = em.get().required("addresses");
            if (addrs.isPresent() && addrs.get().node instanceof YamlNode.Sequence seq && seq.items().isEmpty())
                dc.error(DiagnosticCode.NETC009, addrs.get().anchor(), em.get().child("addresses")
                        + " needs at least one address");
            for (Val a : addrs.flatMap(Val::list).orElse(List.of())) {
                Optional<IpAddress> ip = Common.nonSpecialIp(a, "endpoint address");
                if (ip.isPresent() && family.isPresent() && ip.get().family() != family.get()) {
                    dc.error(DiagnosticCode.NETC016, a.pos(), Messages.quote(a.text()) + " is not an "
                            + family.get().apiName() + " address (addressType " + family.get().apiName() + ")");
                    continue;
                }
                ip.ifPresent(addresses::add);
            }
            MapVal conditions = em.get().mapOrEmpty("conditions");
            // Absent conditions read as the API documents and kube-proxy reads them: ready and serving nil =
            // true (each on its own: a nil serving is true even when ready is false), terminating nil = false.
            boolean ready = conditions.bool("ready", true);
            boolean serving = conditions.bool("serving", true);
            boolean terminating = conditions.bool("terminating", false);
            String nodeName = em.get().string("nodeName").orElse("");
            String podName = podName(em.get());
            endpoints.add(new Endpoint(addresses, ready, serving, terminating, nodeName, podName, hostname(em.get()), e.pos()));
        }
        List<EndpointPort> ports = ports(obj.list("ports"), false);
        Optional<String> service = Optional.ofNullable(meta.labels().get(SERVICE_NAME_LABEL));
        if (dc.failed()) return Optional.empty();
        if (service.isEmpty()) {
            dc.warning(DiagnosticCode.NETC009, obj.node.pos(), "EndpointSlice " + meta.qualifiedName()
                    + " has no label " + SERVICE_NAME_LABEL + ": skipped, as kube-proxy does");
            return Optional.empty();
        }
        return Optional.of(new EndpointSlice(meta.build(dc), service.get(), family.orElseThrow(), endpoints, ports));
    }

    /**
     * v1 Endpoints, converted as the EndpointSlice mirroring controller does: one slice per subset and address
     * family; {@code addresses} are ready, {@code notReadyAddresses} are not. Every slice keeps the
     * Endpoints object's identity (kind Endpoints, its name), which is also the Service's name.
     */
    static List<EndpointSlice> endpoints(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "Endpoints", true, NameRule.DNS1123_SUBDOMAIN);
        List<Subset> subsets = new ArrayList<>();
        for (Val s : obj.list("subsets")) {
            Optional<MapVal> sm = s.map();
            if (sm.isEmpty()) continue;
            List<Endpoint> all = new ArrayList<>();
            all.addAll(addresses(sm.get(), "addresses", true));
            all.addAll(addresses(sm.get(), "notReadyAddresses", false));
            subsets.add(new Subset(all, ports(sm.get().list("ports"), true)));
        }
        if (dc.failed()) return List.of();
        ObjectMeta built = meta.build(dc);
        List<EndpointSlice> out = new ArrayList<>();
        for (Subset s : subsets) {
            for (Family f : Family.values()) {
                List<Endpoint> ofFamily = s.endpoints.stream()
                        .filter(e -> e.addresses().get(0).family() == f).toList();
                if (!ofFamily.isEmpty()) out.add(new EndpointSlice(built, meta.name(), f, ofFamily, s.ports));
            }
        }
        return out;
    }

    private record Subset(List<Endpoint> endpoints, List<EndpointPort> ports) {
    }

    private static List<Endpoint> addresses(MapVal subset, String key, boolean ready) {
        List<Endpoint> out = new ArrayList<>();
        for (Val a : subset.list(key)) {
            Optional<MapVal> am = a.map();
            if (am.isEmpty()) continue;
            Optional<IpAddress> ip = am.get().required("ip").flatMap(v -> Common.nonSpecialIp(v, "endpoint address"));
            String nodeName = am.get().string("nodeName").orElse("");
            String podName = podName(am.get());
            String hostname = hostname(am.get());
            SourcePos pos = a.pos();
            ip.ifPresent(i -> out.add(new Endpoint(List.of(i), ready, ready, false, nodeName, podName, hostname, pos)));
        }
        return out;
    }

    /** The endpoint's {@code hostname}: a DNS-1123 label, as the API server requires (it names the endpoint in DNS). */
    private static String hostname(MapVal endpoint) {
        Optional<Val> v = endpoint.get("hostname");
        Optional<String> h = v.flatMap(Val::string);
        if (h.isEmpty() || h.get().isEmpty()) return "";
        if (!KubeNames.isDns1123Label(h.get())) {
            endpoint.dc.error(DiagnosticCode.NETC036, v.get().pos(), "invalid endpoint hostname " + Messages.quote(h.get())
                    + " (must be a lower-case DNS label of at most 63 characters)");
            return "";
        }
        return h.get();
    }

    /** The pod an endpoint stands for: its targetRef when that names a Pod. */
    private static String podName(MapVal endpoint) {
        Optional<MapVal> ref = endpoint.map("targetRef");
        if (ref.isEmpty()) return "";
        String kind = ref.get().string("kind").orElse("Pod");
        String name = ref.get().string("name").orElse("");
        return kind.equals("Pod") ? name : "";
    }

    /** {@code emptyIsTcp}: v1 Endpoints' protocol is a plain string ("" = TCP), EndpointSlice's a pointer. */
    private static List<EndpointPort> ports(List<Val> items, boolean emptyIsTcp) {
        List<EndpointPort> out = new ArrayList<>();
        for (Val p : items) {
            Optional<MapVal> pm = p.map();
            if (pm.isEmpty()) continue;
            Optional<String> name = pm.get().get("name").map(Common::labelPortName).orElse(Optional.of(""));
            Protocol protocol = emptyIsTcp ? Common.protocolOrEmpty(pm.get()) : Common.protocol(pm.get());
            Optional<Integer> port = pm.get().required("port").flatMap(v -> Common.portNumber(v, "port"));
            if (name.isPresent() && port.isPresent()) out.add(new EndpointPort(name.get(), protocol, port.get()));
        }
        return out;
    }
}
