package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Service, with the defaults the API server applies on create. */
final class ServiceKind {
    static final String NONE = "None";
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;
    static final int AFFINITY_TIMEOUT_MAX = 86400;

    private ServiceKind() {
    }

    static Optional<Service> service(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "Service", true, NameRule.DNS1035_LABEL);
        MapVal spec = obj.mapOrEmpty("spec");
        Service.Type type = Common.enumOrEmpty(spec, "type", Service.Type.class, "Service type", Service.Type.ClusterIP);
        Map<String, String> selector = spec.get("selector").map(Common::labels).orElse(Map.of());

        // clusterIP / clusterIPs: "None" makes the Service headless; given addresses are kept (live state).
        boolean headless = false;
        List<IpAddress> clusterIPs = new ArrayList<>();
        Optional<Val> ipVal = spec.get("clusterIP");
        Optional<String> clusterIP = ipVal.flatMap(Val::string);
        List<Val> ipList = spec.list("clusterIPs");
        if (!ipList.isEmpty()) {
            for (int i = 0; i < ipList.size(); i++) {
                Val v = ipList.get(i);
                Optional<String> s = v.string();
                if (s.isEmpty() || s.get().isEmpty()) continue;
                if (s.get().equals(NONE) && i == 0) {
                    headless = true;
                } else if (headless) {
                    dc.error(DiagnosticCode.NETC041, v.pos(), "a headless Service (clusterIPs[0] \"None\")"
                            + " has no other cluster IP, got " + Messages.quote(s.get()));
                } else {
                    Common.ip(v).ifPresent(clusterIPs::add);
                }
            }
            String first = ipList.get(0).text();
            if (clusterIP.isPresent() && !clusterIP.get().isEmpty() && !clusterIP.get().equals(first)) {
                dc.error(DiagnosticCode.NETC041, ipVal.get().pos(), "clusterIP " + Messages.quote(clusterIP.get())
                        + " differs from clusterIPs[0] " + Messages.quote(first));
            }
        } else if (clusterIP.isPresent() && !clusterIP.get().isEmpty()) {
            if (clusterIP.get().equals(NONE)) headless = true;
            else Common.ip(ipVal.get()).ifPresent(clusterIPs::add);
        }

        List<Family> ipFamilies = new ArrayList<>();
        for (Val v : spec.list("ipFamilies")) Common.family(v, "IP family").ifPresent(ipFamilies::add);
        // The API server's default: SingleStack, except headless selector-less Services (RequireDualStack).
        Service.IpFamilyPolicy policyDefault = headless && selector.isEmpty()
                ? Service.IpFamilyPolicy.RequireDualStack : Service.IpFamilyPolicy.SingleStack;
        Service.IpFamilyPolicy ipFamilyPolicy = Common.enumValue(spec, "ipFamilyPolicy",
                Service.IpFamilyPolicy.class, "ipFamilyPolicy", policyDefault);

        List<ServicePort> ports = ports(spec);
        if (spec.isMissingOrEmptyList("ports") && type != Service.Type.ExternalName && !headless)
            dc.error(DiagnosticCode.NETC009, spec.anchor(), "spec.ports is required (at least one port)");

        Service.SessionAffinity affinity = Common.enumOrEmpty(spec, "sessionAffinity", Service.SessionAffinity.class,
                "sessionAffinity", Service.SessionAffinity.None);
        int timeout = affinityTimeout(spec, affinity);
        Service.TrafficPolicy etp = Common.enumOrEmpty(spec, "externalTrafficPolicy", Service.TrafficPolicy.class,
                "externalTrafficPolicy", Service.TrafficPolicy.Cluster);
        Service.TrafficPolicy itp = Common.enumValue(spec, "internalTrafficPolicy", Service.TrafficPolicy.class,
                "internalTrafficPolicy", Service.TrafficPolicy.Cluster);
        List<IpAddress> externalIPs = Common.nonSpecialIps(spec, "externalIPs", "externalIP");
        List<Cidr> sourceRanges = Common.cidrs(spec, "loadBalancerSourceRanges");
        List<IpAddress> lbIPs = new ArrayList<>();
        for (Val in : obj.mapOrEmpty("status").mapOrEmpty("loadBalancer").list("ingress")) {
            in.map().flatMap(m -> m.get("ip")).flatMap(v -> Common.nonSpecialIp(v, "load balancer ingress IP"))
                    .ifPresent(lbIPs::add);
        }
        boolean publishNotReady = spec.bool("publishNotReadyAddresses", false);
        String externalName = externalName(spec);
        boolean allocateLbNodePorts = spec.bool("allocateLoadBalancerNodePorts", true);
        if (dc.failed()) return Optional.empty();
        return Optional.of(new Service(meta.build(dc), type, clusterIPs, headless, ipFamilies, ipFamilyPolicy, ports,
                selector, affinity, timeout, etp, itp, externalIPs, lbIPs, sourceRanges, publishNotReady,
                externalName, allocateLbNodePorts));
    }

    private static List<ServicePort> ports(MapVal spec) {
        List<Val> items = spec.list("ports");
        List<ServicePort> out = new ArrayList<>();
        for (Val item : items) {
            Optional<MapVal> pm = item.map();
            if (pm.isEmpty()) continue;
            MapVal m = pm.get();
            boolean ok = true;
            String name = "";
            Optional<Val> nameVal = m.get("name");
            if (nameVal.isPresent()) {
                Optional<String> n = Common.labelPortName(nameVal.get());
                ok = n.isPresent();
                name = n.orElse("");
            } else if (items.size() > 1) {
                spec.dc.error(DiagnosticCode.NETC009, item.pos(), m.child("name")
                        + " is required when a Service has more than one port");
                ok = false;
            }
            Protocol protocol = Common.protocolOrEmpty(m);
            Optional<Integer> port = m.required("port").flatMap(v -> Common.portNumber(v, "port"));
            // targetPort: absent, 0 or "" mean "the same as port" (API defaulting).
            Optional<PortRef> target = Optional.empty();
            Optional<Val> targetVal = m.get("targetPort");
            boolean targetDefault = targetVal.isEmpty()
                    || (targetVal.get().isInteger() && targetVal.get().text().equals("0"))
                    || (targetVal.get().isString() && targetVal.get().text().isEmpty());
            if (!targetDefault) {
                target = Common.portRef(targetVal.get(), "targetPort");
                ok &= target.isPresent();
            }
            int nodePort = 0;
            Optional<Val> npVal = m.get("nodePort");
            if (npVal.isPresent()) {
                Optional<Long> np = npVal.get().integer();
                if (np.isEmpty()) {
                    ok = false;
                } else if (np.get() != 0 && (np.get() < NODE_PORT_MIN || np.get() > NODE_PORT_MAX)) {
                    spec.dc.error(DiagnosticCode.NETC026, npVal.get().pos(), "nodePort " + npVal.get().text()
                            + " out of range " + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
                    ok = false;
                } else {
                    nodePort = np.get().intValue();
                }
            }
            if (port.isEmpty() || !ok) continue;
            out.add(new ServicePort(name, protocol, port.get(), target.orElse(PortRef.of(port.get())), nodePort,
                    item.pos()));
        }
        return out;
    }

    private static int affinityTimeout(MapVal spec, Service.SessionAffinity affinity) {
        Optional<Val> t = spec.map("sessionAffinityConfig").flatMap(c -> c.map("clientIP"))
                .flatMap(c -> c.get("timeoutSeconds"));
        int timeout = Service.DEFAULT_AFFINITY_TIMEOUT;
        if (t.isPresent()) {
            Optional<Long> v = t.get().integer();
            if (v.isPresent() && (v.get() < 1 || v.get() > AFFINITY_TIMEOUT_MAX)) {
                spec.dc.error(DiagnosticCode.NETC029, t.get().pos(), "sessionAffinity timeout " + t.get().text()
                        + " out of range 1-" + AFFINITY_TIMEOUT_MAX);
            } else if (v.isPresent()) {
                timeout = v.get().intValue();
            }
        }
        return affinity == Service.SessionAffinity.ClientIP ? timeout : 0;
    }

    private static String externalName(MapVal spec) {
        Optional<Val> v = spec.get("externalName");
        Optional<String> name = v.flatMap(Val::string);
        if (name.isEmpty() || name.get().isEmpty()) return "";
        // A trailing dot (fully qualified) is accepted, as the API server does.
        String bare = name.get().endsWith(".") ? name.get().substring(0, name.get().length() - 1) : name.get();
        if (!KubeNames.isDns1123Subdomain(bare)) {
            spec.dc.error(DiagnosticCode.NETC036, v.get().pos(), "invalid externalName " + Messages.quote(name.get())
                    + " (must be a lower-case DNS name)");
            return "";
        }
        return name.get();
    }
}
