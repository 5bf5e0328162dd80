package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Cidr;
import dev.netc.ir.ContentHash;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.SourcePos;
import dev.netc.ir.Text;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.plan.DnsPlan;
import dev.netc.ir.plan.DnsPlan.Data;
import dev.netc.ir.plan.DnsPlan.Group;
import dev.netc.ir.plan.DnsPlan.Record;
import dev.netc.ir.plan.DnsPlan.Zone;
import dev.netc.ir.plan.NetworkPlan;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster DNS as zones, per the Kubernetes DNS-Based Service Discovery specification (schema 1.1.0), with the
 * CoreDNS kubernetes plugin's choices where the spec leaves one (its tests, xfr_test.go's {@code expectedZone}, are
 * the oracle):
 *
 * <ul>
 *   <li>apex: SOA {@code ns.dns.<zone>. hostmaster.<zone>. <serial> 7200 1800 86400 <ttl>}, NS {@code ns.dns.<zone>.}
 *       with its glue, {@code dns-version} TXT (2.2);</li>
 *   <li>a ClusterIP Service (NodePort and LoadBalancer too): A/AAAA per cluster IP (2.3.1), SRV per named port at
 *       {@code _<port>._<proto>.<svc>…} (2.3.2) and, as CoreDNS does, one per port at the Service name itself; PTR per
 *       cluster IP (2.3.3);</li>
 *   <li>a headless Service: per ready endpoint address A/AAAA at the Service name and at {@code <hostname>.<svc>…}
 *       (2.4.1; hostname from the endpoint, else with {@code endpointPodNames} the pod name when it is a DNS label,
 *       else CoreDNS's dashed address), SRV per endpoint x named endpoint port (2.4.2), weight 100 / targets as
 *       CoreDNS's calcSRVWeight, PTR per ready endpoint (2.4.3); no ready endpoint, no records (NXDOMAIN);</li>
 *   <li>ExternalName: CNAME to the name made absolute (2.5); an IP address gets none (CoreDNS's transfer writes
 *       none either);</li>
 *   <li>{@code pods verified}: {@code <dashed-ip>.<ns>.pod.<zone>} for every pod with an address (not host-network).</li>
 * </ul>
 *
 * <p>Reverse zones cover the service and cluster CIDRs exactly where octet (IPv4) or nibble (IPv6) boundaries allow:
 * a /12 is the 16 /16 zones it holds, never the /8 around it (which would answer NXDOMAIN for the rest of 10/8); a
 * CIDR longer than /24 (/124) gets the /24 (/124) that holds it. A PTR whose address none of them holds is left out.
 */
public final class ResolveDns implements Pass<NetworkPlan, NetworkPlan> {
    static final int REFRESH = 7200;
    static final int RETRY = 1800;
    static final int EXPIRE = 86400;
    static final int MAX_NAME = 253;
    static final int MAX_LABEL = 63;
    /** The Services whose cluster IP is the DNS server's (kubeadm names it kube-dns, some installers coredns). */
    static final List<String> DNS_SERVICES = List.of("kube-dns", "coredns");

    private static final Comparator<Record> BY_RECORD = Comparator.comparing(Record::owner)
            .thenComparing(r -> r.data().type()).thenComparing(r -> r.data().text());

    @Override
    public NetworkPlan apply(NetworkPlan plan, Diagnostics diagnostics) {
        return plan.withDns(new Resolution(plan, diagnostics).run());
    }

    /** One run's state: the zones being filled and the names already warned about. */
    private static final class Resolution {
        private final NetworkPlan plan;
        private final Diagnostics diagnostics;
        private final ClusterProfile profile;
        private final ClusterProfile.Dns opts;
        private final String zone;
        /** Per zone name, per object id, its group's origin and records. */
        private final Map<String, Map<String, Builder>> zones = new LinkedHashMap<>();
        private final Map<String, Boolean> reverse = new HashMap<>();
        private final Set<String> warned = new HashSet<>();

        Resolution(NetworkPlan plan, Diagnostics diagnostics) {
            this.plan = plan;
            this.diagnostics = diagnostics;
            this.profile = plan.cluster().profile();
            this.opts = profile.dns();
            String d = profile.dnsDomain().toLowerCase(Locale.ROOT);
            this.zone = d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
        }

        DnsPlan run() {
            DnsPlan.Server server = server();
            zones.put(zone, new TreeMap<>());
            reverse.put(zone, false);
            for (Cidr c : reverseCidrs()) {
                for (String z : reverseZones(c)) {
                    if (zones.putIfAbsent(z, new TreeMap<>()) == null) reverse.put(z, true);
                }
            }
            Map<String, List<EndpointSlice>> slices = new HashMap<>();
            for (EndpointSlice s : plan.endpointSlices()) {
                slices.computeIfAbsent(s.meta().namespace() + "/" + s.serviceName(), k -> new ArrayList<>()).add(s);
            }
            for (Service s : plan.cluster().services()) {
                List<EndpointSlice> own = slices.getOrDefault(s.namespace() + "/" + s.name(), List.of());
                if (s.type() == Service.Type.ExternalName) externalName(s);
                else if (s.headless()) headless(s, own);
                else clusterIp(s, own);
            }
            if (opts.pods() == ClusterProfile.Dns.Pods.VERIFIED) {
                for (Pod p : plan.cluster().pods()) pod(p);
            }
            List<Zone> out = new ArrayList<>();
            List<String> names = new ArrayList<>(zones.keySet());
            names.remove(zone);
            names.sort(Comparator.naturalOrder());
            names.add(0, zone);
            for (String z : names) out.add(zone(z, server));
            return new DnsPlan(server, out);
        }

        /** The glue's addresses: the kube-dns Service's cluster IPs, else {@code serviceIP}, else kubeadm's 10th address. */
        private DnsPlan.Server server() {
            for (String name : DNS_SERVICES) {
                Optional<Service> s = plan.cluster().services().stream()
                        .filter(x -> x.namespace().equals("kube-system") && x.name().equals(name) && !x.clusterIPs().isEmpty())
                        .findFirst();
                if (s.isPresent()) return new DnsPlan.Server(s.get().clusterIPs(), "the cluster IPs of Service kube-system/" + name);
            }
            if (opts.serviceIP().isPresent()) return new DnsPlan.Server(List.of(opts.serviceIP().get()), "spec.dns.serviceIP");
            if (profile.serviceCIDRs().isEmpty()) return new DnsPlan.Server(List.of(), "none (no service CIDR)");
            Cidr first = profile.serviceCIDRs().get(0);
            return new DnsPlan.Server(List.of(first.addressAt(BigInteger.TEN)),
                    "the 10th address of " + first.text() + " (kubeadm's convention; no Service kube-system/kube-dns, no spec.dns.serviceIP)");
        }

        private List<Cidr> reverseCidrs() {
            TreeSet<Cidr> all = new TreeSet<>(profile.serviceCIDRs());
            all.addAll(profile.clusterCIDRs());
            return List.copyOf(all);
        }

        private String svcName(Service s) {
            return s.name() + "." + s.namespace() + ".svc." + zone;
        }

        private void clusterIp(Service s, List<EndpointSlice> own) {
            if (s.clusterIPs().isEmpty()) return;
            if (opts.ignoreEmptyService() && own.stream().flatMap(x -> x.endpoints().stream()).noneMatch(e -> ready(s, e))) return;
            String name = svcName(s);
            Origin group = Origin.at(s.meta().id(), "", s.meta().pos());
            for (int i = 0; i < s.clusterIPs().size(); i++) {
                IpAddress ip = s.clusterIPs().get(i);
                Origin o = origin(s, "spec.clusterIPs[" + i + "]");
                add(zone, group, name, new DnsPlan.A(ip), o);
                ptr(group, ip, name, o);
            }
            for (int i = 0; i < s.ports().size(); i++) {
                ServicePort p = s.ports().get(i);
                Origin o = Origin.at(s.meta().id(), "spec.ports[" + i + "]", p.pos());
                add(zone, group, name, new DnsPlan.Srv(0, 100, p.port(), name), o); // CoreDNS's answer to "<svc> SRV"
                if (!p.name().isEmpty()) {
                    add(zone, group, "_" + p.name() + "._" + p.protocol().lower() + "." + name, new DnsPlan.Srv(0, 100, p.port(), name), o);
                }
            }
        }

        private void headless(Service s, List<EndpointSlice> own) {
            String name = svcName(s);
            Origin group = Origin.at(s.meta().id(), "", s.meta().pos());
            record Target(String host, EndpointSlice slice, EndpointSlice.Endpoint endpoint, IpAddress address) {
            }
            List<Target> targets = new ArrayList<>();
            Map<String, EndpointSlice.Endpoint> byHostname = new HashMap<>();
            for (EndpointSlice slice : own) {
                for (EndpointSlice.Endpoint e : slice.endpoints()) {
                    if (!ready(s, e) || e.addresses().isEmpty()) continue;
                    if (!e.hostname().isEmpty()) {
                        EndpointSlice.Endpoint other = byHostname.putIfAbsent(e.hostname() + "/" + slice.addressType(), e);
                        if (other != null && (e.podName().isEmpty() || !e.podName().equals(other.podName()))) {
                            diagnostics.warning(DiagnosticCode.NETC087, e.pos(), "endpoints " + describe(other) + " and " + describe(e)
                                    + " of Service " + Text.quote(s.meta().qualifiedName()) + " have the same hostname "
                                    + Text.quote(e.hostname()) + ": " + e.hostname() + "." + name + " answers with both addresses");
                        }
                    }
                    for (IpAddress a : e.addresses()) targets.add(new Target(hostname(e, a), slice, e, a));
                }
            }
            // weight 100 / targets of the RRset, as CoreDNS's calcSRVWeight (floor, at least 1)
            Map<String, Integer> srvCount = new HashMap<>();
            for (Target t : targets) {
                for (EndpointSlice.EndpointPort p : t.slice.ports()) {
                    if (!p.name().isEmpty()) srvCount.merge(srvOwner(p, name), 1, Integer::sum);
                }
            }
            for (Target t : targets) {
                Origin o = Origin.at(s.meta().id(), t.slice.meta().id() + " endpoint " + t.address.text(), t.endpoint.pos());
                String host = t.host + "." + name;
                add(zone, group, name, new DnsPlan.A(t.address), o);
                add(zone, group, host, new DnsPlan.A(t.address), o);
                for (EndpointSlice.EndpointPort p : t.slice.ports()) {
                    if (p.name().isEmpty()) continue;
                    String owner = srvOwner(p, name);
                    add(zone, group, owner, new DnsPlan.Srv(0, Math.max(1, 100 / srvCount.get(owner)), p.port(), host), o);
                }
                ptr(group, t.address, host, o);
            }
        }

        private static String srvOwner(EndpointSlice.EndpointPort p, String name) {
            return "_" + p.name() + "._" + p.protocol().lower() + "." + name;
        }

        private static String describe(EndpointSlice.Endpoint e) {
            String who = e.podName().isEmpty() ? e.addresses().get(0).text() : "pod " + e.podName() + " (" + e.addresses().get(0).text() + ")";
            return Text.quote(who) + " at " + e.pos();
        }

        /** The endpoint's label: its hostname; with endpointPodNames its pod's name when that is a label; else the dashed address. */
        private String hostname(EndpointSlice.Endpoint e, IpAddress a) {
            if (!e.hostname().isEmpty()) return e.hostname();
            if (opts.endpointPodNames() && isLabel(e.podName())) return e.podName();
            return dashed(a);
        }

        private static boolean isLabel(String s) {
            return !s.isEmpty() && s.length() <= MAX_LABEL && s.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
        }

        private boolean ready(Service s, EndpointSlice.Endpoint e) {
            return e.ready() || s.publishNotReadyAddresses();
        }

        private void externalName(Service s) {
            String target = s.externalName().toLowerCase(Locale.ROOT);
            if (target.endsWith(".")) target = target.substring(0, target.length() - 1);
            SourcePos at = s.meta().at("spec.externalName");
            if (IpAddress.tryParse(target).isPresent()) {
                diagnostics.warning(DiagnosticCode.NETC089, at, "Service " + Text.quote(s.meta().qualifiedName()) + " has the IP address "
                        + Text.quote(target) + " as externalName: a CNAME names a host, never an address, so " + svcName(s)
                        + " is left out of the zone (NXDOMAIN, as CoreDNS's zone transfer leaves it out)");
                return;
            }
            Origin o = Origin.at(s.meta().id(), "spec.externalName", at);
            add(zone, Origin.at(s.meta().id(), "", s.meta().pos()), svcName(s), new DnsPlan.Cname(target), o);
        }

        private void pod(Pod p) {
            if (p.hostNetwork() || p.finished() || p.ips().isEmpty()) return;
            Origin group = Origin.at(p.meta().id(), "", p.meta().pos());
            Origin o = p.meta().given("status.podIPs") || p.meta().given("status.podIP") ? Origin.at(p.meta().id(), "status.podIPs", p.meta().at("status.podIPs"))
                    : p.owner().isPresent() ? Origin.allocated(p.meta().id(), "status.podIPs") : group;
            for (IpAddress a : p.ips()) add(zone, group, dashed(a) + "." + p.meta().namespace() + ".pod." + zone, new DnsPlan.A(a), o);
        }

        private Origin origin(Service s, String part) {
            return s.meta().given(part) ? Origin.at(s.meta().id(), part, s.meta().at(part)) : Origin.allocated(s.meta().id(), part);
        }

        private void ptr(Origin group, IpAddress ip, String target, Origin o) {
            String owner = reverseName(ip);
            for (int dot = owner.indexOf('.'); dot >= 0; dot = owner.indexOf('.', dot + 1)) {
                String z = owner.substring(dot + 1);
                if (Boolean.TRUE.equals(reverse.get(z))) {
                    add(z, group, owner, new DnsPlan.Ptr(target), o);
                    return;
                }
            }
        }

        private void add(String z, Origin group, String owner, Data data, Origin o) {
            if (!fits(owner, o) || !fits(target(data), o)) return;
            zones.get(z).computeIfAbsent(group.object(), k -> new Builder(group)).records.add(new Record(owner, data, o));
        }

        private static String target(Data d) {
            if (d instanceof DnsPlan.Srv s) return s.target();
            if (d instanceof DnsPlan.Cname c) return c.target();
            if (d instanceof DnsPlan.Ptr p) return p.target();
            return "";
        }

        /** Whether {@code name} is within RFC 1035's limits; a warning (once per name) when it is not. */
        private boolean fits(String name, Origin o) {
            if (name.length() <= MAX_NAME && labelsFit(name)) return true;
            if (warned.add(name)) {
                diagnostics.warning(DiagnosticCode.NETC088, o.at().orElse(profile.meta().pos()), "DNS name " + Text.quote(name, 300) + " of "
                        + Text.escape(o.object()) + " has " + (name.length() > MAX_NAME ? name.length() + " octets (at most " + MAX_NAME + ")"
                        : "a label over " + MAX_LABEL + " octets") + ": its records are left out of the zone");
            }
            return false;
        }

        private static boolean labelsFit(String name) {
            int start = 0;
            for (int i = 0; i <= name.length(); i++) {
                if (i == name.length() || name.charAt(i) == '.') {
                    if (i - start > MAX_LABEL) return false;
                    start = i + 1;
                }
            }
            return true;
        }

        private Zone zone(String z, DnsPlan.Server server) {
            boolean rev = reverse.get(z);
            Origin apex = profile.meta().given("spec.dnsDomain") ? Origin.at(profile.meta().id(), "spec.dnsDomain", profile.meta().at("spec.dnsDomain"))
                    : Origin.allocated(profile.meta().id(), "spec.dnsDomain");
            String ns = "ns.dns." + zone;
            List<Record> apexRecords = new ArrayList<>();
            apexRecords.add(new Record(z, new DnsPlan.Ns(ns), apex));
            if (!rev) {
                for (IpAddress a : server.addresses()) apexRecords.add(new Record(ns, new DnsPlan.A(a), apex));
                apexRecords.add(new Record("dns-version." + zone, new DnsPlan.Txt(DnsPlan.SCHEMA_VERSION), apex));
            }
            List<Group> groups = new ArrayList<>();
            for (Builder b : zones.get(z).values()) groups.add(new Group(b.origin, List.copyOf(b.records)));
            long serial = serial(apexRecords, groups);
            apexRecords.add(0, new Record(z, new DnsPlan.Soa(ns, "hostmaster." + zone, serial, REFRESH, RETRY, EXPIRE, opts.ttl()), apex));
            groups.add(0, new Group(apex, apexRecords));
            return new Zone(z, rev, opts.ttl(), serial, groups);
        }

        /** 32 bits of the hash of every record but the SOA (and the TTL): the serial changes when a record does. */
        private long serial(List<Record> apex, List<Group> groups) {
            ContentHash.Running h = ContentHash.Running.start();
            h.update(("ttl " + opts.ttl() + "\n").getBytes(StandardCharsets.UTF_8));
            for (Record r : apex) line(h, r);
            for (Group g : groups) for (Record r : g.records()) line(h, r);
            byte[] d = h.digest();
            long v = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
            return v == 0 ? 1 : v;
        }

        private static void line(ContentHash.Running h, Record r) {
            h.update((r.owner() + " " + r.data().type() + " " + r.data().text() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Builder {
        final Origin origin;
        final TreeSet<Record> records = new TreeSet<>(BY_RECORD);

        Builder(Origin origin) {
            this.origin = origin;
        }
    }

    /** CoreDNS's name for an address: {@code 10-244-1-13}; IPv6 {@code fd00--1}, a trailing dash ended with 0. */
    static String dashed(IpAddress a) {
        if (a.family() == Family.IPV4) return a.text().replace('.', '-');
        String d = a.text().replace(':', '-');
        return d.endsWith("-") ? d + "0" : d;
    }

    /** {@code 20.10.96.10.in-addr.arpa}, or the 32 nibbles of an IPv6 address reversed under {@code ip6.arpa}. */
    static String reverseName(IpAddress a) {
        StringBuilder b = new StringBuilder();
        if (a.family() == Family.IPV4) {
            long v = a.bits().longValue();
            for (int i = 0; i < 4; i++) b.append((v >> (8 * i)) & 0xff).append('.');
            return b.append("in-addr.arpa").toString();
        }
        BigInteger v = a.bits();
        for (int i = 0; i < 32; i++) b.append(Character.forDigit(v.shiftRight(4 * i).intValue() & 0xf, 16)).append('.');
        return b.append("ip6.arpa").toString();
    }

    /** The reverse zones that cover {@code c} on octet (nibble) boundaries: a /12 is 16 /16 zones; past /24 (/124), the /24 (/124) around it. */
    static List<String> reverseZones(Cidr c) {
        boolean v4 = c.family() == Family.IPV4;
        int step = v4 ? 8 : 4;
        int bits = v4 ? 32 : 128;
        int cut = Math.max(step, Math.min(bits - step, (c.prefixLength() + step - 1) / step * step));
        int from = Math.min(c.prefixLength(), cut);
        BigInteger base = c.network().bits().shiftRight(bits - cut).shiftLeft(bits - cut);
        List<String> out = new ArrayList<>();
        for (long i = 0; i < (1L << (cut - from)); i++) {
            BigInteger net = base.add(BigInteger.valueOf(i).shiftLeft(bits - cut));
            String full = reverseName(IpAddress.of(c.family(), net));
            int skip = (bits - cut) / step; // labels below the cut
            int at = 0;
            for (int k = 0; k < skip; k++) at = full.indexOf('.', at) + 1;
            out.add(full.substring(at));
        }
        return out;
    }
}
