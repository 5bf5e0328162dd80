package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.SourcePos;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The cluster profile ({@code kind: Cluster}, netc.dev/v1alpha1); what it leaves out keeps the defaults. */
final class ProfileKind {
    private ProfileKind() {
    }

    static Optional<ClusterProfile> profile(MapVal obj) {
        Decoding dc = obj.dc;
        ClusterProfile defaults = ClusterProfile.defaults();
        Meta meta = Common.meta(obj, "Cluster", false, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        List<Cidr> serviceCIDRs = ranges(spec, "serviceCIDRs", defaults.serviceCIDRs());
        List<Cidr> clusterCIDRs = ranges(spec, "clusterCIDRs", defaults.clusterCIDRs());
        String dnsDomain = defaults.dnsDomain();
        Optional<Val> domainVal = spec.get("dnsDomain");
        Optional<String> domain = domainVal.flatMap(Val::string);
        if (domain.isPresent()) {
            if (KubeNames.isDns1123Subdomain(domain.get())) dnsDomain = domain.get();
            else dc.error(DiagnosticCode.NETC036, domainVal.get().pos(), "invalid dnsDomain "
                    + Messages.quote(domain.get()) + " (must be a lower-case DNS name)");
        }
        List<Node> nodes = new ArrayList<>();
        for (Val n : spec.list("nodes")) node(n).ifPresent(nodes::add);
        MapVal proxy = spec.mapOrEmpty("proxy");
        ClusterProfile.Proxy proxyOptions = new ClusterProfile.Proxy(proxy.bool("masqueradeAll", false),
                Common.cidrs(proxy, "nodePortAddresses"));
        MapVal ingress = spec.mapOrEmpty("ingress");
        int http = ingress.get("httpPort").flatMap(v -> Common.portNumber(v, "httpPort"))
                .orElse(defaults.ingress().httpPort());
        int https = ingress.get("httpsPort").flatMap(v -> Common.portNumber(v, "httpsPort"))
                .orElse(defaults.ingress().httpsPort());
        if (http == https) {
            // nginx cannot listen for plain HTTP and for TLS on one port ("duplicate listen options")
            SourcePos at = ingress.get("httpsPort").or(() -> ingress.get("httpPort")).map(Val::pos).orElse(ingress.anchor());
            dc.error(DiagnosticCode.NETC025, at, "ingress httpsPort " + https + " is also the httpPort: HTTP and HTTPS"
                    + " need ports of their own");
        }
        List<String> classes = defaults.ingress().classes();
        if (ingress.has("classes")) {
            classes = new ArrayList<>();
            for (Val v : ingress.list("classes")) {
                Optional<String> name = v.string();
                if (name.isPresent() && !KubeNames.isDns1123Subdomain(name.get())) {
                    dc.error(DiagnosticCode.NETC012, v.pos(), "invalid IngressClass name " + Messages.quote(name.get())
                            + " (must be " + KubeNames.DNS1123_SUBDOMAIN_RULE + ")");
                } else {
                    name.ifPresent(classes::add);
                }
            }
        }
        Optional<ClusterProfile.PodNetwork> podNetwork = spec.get("podNetwork").flatMap(v -> podNetwork(spec.mapOrEmpty("podNetwork"), v.pos()));
        ClusterProfile.Dns dns = spec.get("dns").map(v -> dns(spec.mapOrEmpty("dns"), v.pos())).orElse(ClusterProfile.Dns.DEFAULTS);
        if (dc.failed()) return Optional.empty();
        return Optional.of(new ClusterProfile(meta.build(dc), serviceCIDRs, clusterCIDRs, dnsDomain, nodes,
                proxyOptions, new ClusterProfile.IngressListen(http, https, classes), podNetwork, dns));
    }

    /** {@code dns: {ttl, pods, endpointPodNames, ignoreEmptyService, serviceIP}}: the CoreDNS kubernetes plugin's options and defaults. */
    private static ClusterProfile.Dns dns(MapVal d, SourcePos pos) {
        Decoding dc = d.dc;
        int ttl = ClusterProfile.Dns.DEFAULT_TTL;
        Optional<Val> ttlVal = d.get("ttl");
        Optional<Long> t = ttlVal.flatMap(Val::integer);
        if (t.isPresent()) {
            if (t.get() < 0 || t.get() > ClusterProfile.Dns.MAX_TTL)
                dc.error(DiagnosticCode.NETC014, ttlVal.get().pos(), "dns ttl " + t.get() + " is out of range 0-" + ClusterProfile.Dns.MAX_TTL);
            else ttl = t.get().intValue();
        }
        ClusterProfile.Dns.Pods pods = ClusterProfile.Dns.Pods.DISABLED;
        Optional<Val> podsVal = d.get("pods");
        Optional<String> p = podsVal.flatMap(Val::string);
        if (p.isPresent()) {
            Optional<ClusterProfile.Dns.Pods> known = byId(ClusterProfile.Dns.Pods.values(), ClusterProfile.Dns.Pods::id, p.get());
            if (known.isPresent()) pods = known.get();
            else dc.error(DiagnosticCode.NETC014, podsVal.get().pos(), "dns pods " + Messages.quote(p.get())
                    + " is not one of disabled, verified (insecure answers any address: no zone holds that)");
        }
        Optional<IpAddress> serviceIP = d.get("serviceIP").flatMap(Common::ip);
        return new ClusterProfile.Dns(ttl, pods, d.bool("endpointPodNames", false), d.bool("ignoreEmptyService", false), serviceIP, pos);
    }

    /** {@code podNetwork: {mode, vni, port, mtu}}: the pod network netc builds; what it leaves out keeps flannel's defaults. */
    private static Optional<ClusterProfile.PodNetwork> podNetwork(MapVal pn, SourcePos pos) {
        Decoding dc = pn.dc;
        ClusterProfile.PodNetwork.Mode mode = ClusterProfile.PodNetwork.Mode.HOST_GW;
        Optional<Val> modeVal = pn.get("mode");
        Optional<String> m = modeVal.flatMap(Val::string);
        if (m.isPresent()) {
            Optional<ClusterProfile.PodNetwork.Mode> known = byId(ClusterProfile.PodNetwork.Mode.values(), ClusterProfile.PodNetwork.Mode::id, m.get());
            if (known.isPresent()) mode = known.get();
            else dc.error(DiagnosticCode.NETC014, modeVal.get().pos(), "podNetwork mode " + Messages.quote(m.get()) + " is not one of host-gw, vxlan");
        }
        int vni = bounded(pn, "vni", 1, (1 << 24) - 1, ClusterProfile.PodNetwork.DEFAULT_VNI);
        int port = pn.get("port").flatMap(v -> Common.portNumber(v, "podNetwork port")).orElse(ClusterProfile.PodNetwork.DEFAULT_PORT);
        // pods need IPv6's minimum MTU of 1280 after the VXLAN header; jumbo frames stop at 9216
        int minMtu = 1280 + (mode == ClusterProfile.PodNetwork.Mode.VXLAN ? ClusterProfile.PodNetwork.VXLAN_OVERHEAD : 0);
        int mtu = bounded(pn, "mtu", minMtu, 9216, ClusterProfile.PodNetwork.DEFAULT_MTU);
        return Optional.of(new ClusterProfile.PodNetwork(mode, vni, port, mtu, pos));
    }

    /** The value of an option's enum that the profile names by its id ({@code host-gw}, {@code verified}). */
    private static <E> Optional<E> byId(E[] values, java.util.function.Function<E, String> id, String text) {
        return java.util.Arrays.stream(values).filter(x -> id.apply(x).equals(text)).findFirst();
    }

    private static int bounded(MapVal m, String key, int lo, int hi, int dflt) {
        Optional<Val> v = m.get(key);
        Optional<Long> n = v.flatMap(Val::integer);
        if (n.isEmpty()) return dflt;
        if (n.get() < lo || n.get() > hi) {
            m.dc.error(DiagnosticCode.NETC014, v.get().pos(), "podNetwork " + key + " " + n.get() + " is out of range " + lo + "-" + hi);
            return dflt;
        }
        return n.get().intValue();
    }

    /** One or two CIDRs, at most one per family. */
    private static List<Cidr> ranges(MapVal spec, String key, List<Cidr> dflt) {
        if (!spec.has(key)) return dflt;
        List<Val> items = spec.list(key);
        if (spec.isMissingOrEmptyList(key)) {
            spec.dc.error(DiagnosticCode.NETC009, spec.keyPos(key), spec.child(key) + " needs at least one CIDR");
            return dflt;
        }
        List<Cidr> out = new ArrayList<>();
        for (Val v : items) {
            Optional<Cidr> c = Common.cidr(v);
            if (c.isEmpty()) continue;
            if (out.stream().anyMatch(o -> o.family() == c.get().family())) {
                spec.dc.error(DiagnosticCode.NETC041, v.pos(), spec.child(key) + " has a second "
                        + c.get().family().apiName() + " range " + c.get() + " (at most one per family)");
                continue;
            }
            out.add(c.get());
        }
        return out;
    }

    /**
     * A node of the profile, as a Node record. Its field positions use a Node object's paths
     * ({@code metadata.name}, {@code status.addresses[0].address}, {@code spec.podCIDRs[0]}) so that passes
     * look them up the same way for both.
     */
    private static Optional<Node> node(Val v) {
        Optional<YamlNode.Mapping> m = v.map().map(mv -> mv.node);
        if (m.isEmpty()) return Optional.empty();
        Decoding dc = v.dc.child();
        MapVal nm = new MapVal(dc, "", m.get(), v.pos());
        String name = "";
        Optional<Val> nameVal = nm.get("name");
        if (nameVal.isEmpty()) {
            v.dc.error(DiagnosticCode.NETC009, v.pos(), v.path + ".name is required");
        } else {
            Optional<String> n = nameVal.get().string();
            if (n.isPresent() && !KubeNames.isDns1123Subdomain(n.get())) {
                dc.error(DiagnosticCode.NETC012, nameVal.get().pos(), "invalid Node name " + Messages.quote(n.get())
                        + " (must be " + KubeNames.DNS1123_SUBDOMAIN_RULE + ")");
            }
            name = n.orElse("");
        }
        List<IpAddress> addresses = Common.ips(nm, "addresses");
        List<Cidr> podCIDRs = Common.cidrs(nm, "podCIDRs");
        for (Family f : Family.values()) {
            if (podCIDRs.stream().filter(c -> c.family() == f).count() > 1)
                dc.error(DiagnosticCode.NETC041, nm.keyPos("podCIDRs"), v.path + ".podCIDRs has more than one "
                        + f.apiName() + " range (at most one per family)");
        }
        Map<String, String> labels = nm.get("labels").map(Common::labels).orElse(Map.of());
        if (dc.failed()) return Optional.empty();
        Map<String, SourcePos> fields = new TreeMap<>();
        new TreeMap<>(dc.fields()).forEach((path, pos) -> fields.put(nodePath(path), pos));
        ObjectMeta meta = new ObjectMeta("Node", "", name, labels, Map.of(), v.pos(), fields);
        return Optional.of(new Node(meta, addresses, podCIDRs));
    }

    private static String nodePath(String profilePath) {
        if (profilePath.equals("name")) return "metadata.name";
        if (profilePath.startsWith("labels")) return "metadata." + profilePath;
        if (profilePath.startsWith("addresses[")) return "status." + profilePath + ".address";
        if (profilePath.startsWith("addresses")) return "status.addresses";
        if (profilePath.startsWith("podCIDRs")) return "spec." + profilePath;
        return profilePath;
    }
}
