package dev.netc.backends.plan;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.ir.ContentHash;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Origin;
import dev.netc.ir.SourcePos;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.IngressClass;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.TlsSecret;
import dev.netc.ir.model.Workload;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.IngressPlan;
import dev.netc.ir.plan.NetworkPlan;
import dev.netc.ir.plan.LocalEndpoints;
import dev.netc.ir.plan.NodePlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyResolution;
import dev.netc.ir.plan.ServicePortPlan;
import dev.netc.ir.plan.TierRule;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code plan.txt}: the resolved model and every node's decisions as stable, line-oriented text. It is what a
 * reviewer reads to see what netc understood (allocated addresses, endpoints, per-node service tables) before
 * reading the rulesets. Every user value in it goes through {@link Text}: a value is one field of one line, whatever
 * it holds, so the text a reviewer reads cannot be forged by the manifest.
 */
public final class PlanDumpBackend implements Backend {
    @Override
    public String name() {
        return "plan";
    }

    @Override
    public List<Artifact> emit(NetworkPlan plan, Set<String> nodes) {
        // encoded a piece at a time: plan.txt is some hundred MB at a thousand nodes, held once as text and once as bytes
        List<byte[]> parts = new java.util.ArrayList<>();
        renderBytes(plan, nodes, parts::add);
        return List.of(Artifact.joined("plan.txt", "", parts));
    }

    /** {@link #render} with each piece handed over as its UTF-8 bytes (each ends a line). */
    private static void renderBytes(NetworkPlan plan, Set<String> nodes, java.util.function.Consumer<byte[]> piece) {
        render(plan, nodes, new StringBuilder(), b -> {
            piece.accept(b.toString().getBytes(StandardCharsets.UTF_8));
            b.setLength(0);
        });
    }

    /**
     * Writes plan.txt of {@code plan} (the nodes {@code nodes}, all when empty) into {@code b}, handing {@code b} to
     * {@code sink} after each piece that ends a line: the model, each endpoint slice, each Service plan, the Ingress
     * plan, the policy sets and each node's plan. A sink that takes the text and empties {@code b} reads plan.txt a
     * piece at a time ({@code netc diff} at a thousand nodes: hundreds of megabytes, never held whole); one that
     * leaves it there gets all of it in {@code b}.
     */
    public static void render(NetworkPlan plan, Set<String> nodes, StringBuilder b, java.util.function.Consumer<StringBuilder> sink) {
        b.append("# netc plan: the resolved cluster model and each node's decisions\n");
        model(b, plan.cluster());
        sink.accept(b);
        for (EndpointSlice s : plan.endpointSlices()) slice(b, s);
        sink.accept(b);
        // the Service decisions once for the cluster, then what each node has of its own
        for (ServicePortPlan s : plan.services()) {
            servicePlan(b, s);
            sink.accept(b);
        }
        ingressPlan(b, plan.ingress());
        sink.accept(b);
        podNetwork(b, plan.podNetwork());
        sink.accept(b);
        dns(b, plan.dns());
        sink.accept(b);
        List<NodePlan> chosen = Backend.selected(plan, nodes);
        // the address sets the nodes' policy names, once: a set's name is its content's hash, so nodes that use one
        // set share its name and every node-plan below only names it
        java.util.TreeMap<String, AddressSet> sets = new java.util.TreeMap<>();
        for (NodePlan n : chosen) for (AddressSet s : n.policy().addressSets()) sets.putIfAbsent(s.name(), s);
        for (AddressSet s : sets.values()) {
            b.append("\npolicy-set ").append(t(s.name())).append(' ').append(list(s.cidrs())).append('\n');
            sink.accept(b);
        }
        resolution(b, plan);
        sink.accept(b);
        for (NodePlan n : chosen) {
            nodePlan(b, plan, n);
            sink.accept(b);
        }
    }

    /**
     * What the policy passes resolved before the merge ({@link PolicyResolution}), shown only between them (after
     * {@code ResolveNetworkPolicies} and {@code ResolveAdminTiers}, by {@code --dump-after}): the merge empties it, so
     * plan.txt never has this section.
     */
    private static void resolution(StringBuilder b, NetworkPlan plan) {
        PolicyResolution r = plan.policyResolution();
        if (r.peerSets().isEmpty() && r.networkPolicies().isEmpty() && r.tiers().isEmpty()) return;
        List<Pod> pods = plan.cluster().pods();
        b.append("\npolicy-resolution\n");
        for (int i = 0; i < r.peerSets().size(); i++) {
            PolicyResolution.Peers p = r.peerSets().get(i);
            b.append("  peers #").append(i).append(' ').append(p.any() ? "<any>" : list(p.cidrs())).append('\n');
        }
        for (PolicyResolution.Selected s : r.networkPolicies()) {
            b.append("  networkpolicy ").append(t(s.origin())).append(" pods=").append(podNames(pods, s.pods()))
                    .append(s.ingressIsolation() ? " ingress-isolation" : "").append(s.egressIsolation() ? " egress-isolation" : "").append('\n');
            for (int i = 0; i < s.ingress().size(); i++) {
                b.append("    ingress ").append(match(s.ingress().get(i))).append(at(List.of(s.ingressRules().get(i)))).append('\n');
            }
            for (int i = 0; i < s.egress().size(); i++) {
                b.append("    egress ").append(match(s.egress().get(i))).append(at(List.of(s.egressRules().get(i)))).append('\n');
            }
        }
        for (PolicyResolution.Tier tier : r.tiers()) {
            b.append("  tier ").append(tier.baseline() ? "baseline" : "admin").append(" pods=").append(podNames(pods, tier.pods())).append('\n');
            for (PolicyResolution.TierMatch m : tier.ingress()) tierMatch(b, "ingress", m);
            for (PolicyResolution.TierMatch m : tier.egress()) tierMatch(b, "egress", m);
        }
    }

    private static void tierMatch(StringBuilder b, String dir, PolicyResolution.TierMatch m) {
        b.append("    ").append(dir).append(' ').append(m.action()).append(' ').append(match(m.match())).append(" (").append(t(m.origin())).append(')')
                .append(at(List.of(m.rule()))).append('\n');
    }

    private static String match(PolicyResolution.Match m) {
        String ports = m.anyPort() ? "<all>"
                : java.util.stream.Stream.concat(m.ports().stream().map(x -> t(String.valueOf(x))),
                        m.receiverPorts().stream().map(n -> "named:" + t(n.name()) + n.protocol().map(x -> "/" + x).orElse("")))
                .collect(Collectors.joining(","));
        return "peers #" + m.peers() + " ports " + (ports.isEmpty() ? "<none>" : ports);
    }

    private static String podNames(List<Pod> pods, List<Integer> at) {
        return at.stream().map(i -> t(pods.get(i).meta().qualifiedName())).collect(Collectors.joining(",", "[", "]"));
    }

    /** The whole plan.txt of a plan, every node's part included. */
    public static String text(NetworkPlan plan) {
        return new PlanDumpBackend().emit(plan, Set.of()).get(0).text();
    }

    /** The model alone, as plan.txt begins: what {@code netc compile --dump-after} shows after a model pass. */
    public static String model(Cluster c) {
        StringBuilder b = new StringBuilder("# netc model: the cluster as the passes so far resolved it\n");
        model(b, c);
        return b.toString();
    }

    private static void model(StringBuilder b, Cluster c) {
        ClusterProfile p = c.profile();
        b.append("\ncluster ").append(t(p.meta().name())).append('\n');
        b.append("  serviceCIDRs ").append(list(p.serviceCIDRs())).append('\n');
        b.append("  clusterCIDRs ").append(list(p.clusterCIDRs())).append('\n');
        b.append("  dnsDomain ").append(t(p.dnsDomain())).append('\n');
        b.append("  proxy masqueradeAll=").append(p.proxy().masqueradeAll()).append(" nodePortAddresses=")
                .append(p.proxy().nodePortAddresses().isEmpty() ? "<all>" : list(p.proxy().nodePortAddresses()))
                .append('\n');
        b.append("  ingress http=").append(p.ingress().httpPort()).append(" https=").append(p.ingress().httpsPort())
                .append('\n');
        if (!p.dns().isDefault()) {
            var d = p.dns();
            b.append("  dns ttl=").append(d.ttl()).append(" pods=").append(d.pods().id()).append(" endpointPodNames=").append(d.endpointPodNames())
                    .append(" ignoreEmptyService=").append(d.ignoreEmptyService()).append(d.serviceIP().map(a -> " serviceIP=" + a.text()).orElse(""))
                    .append(at(d.pos())).append('\n');
        }
        p.podNetwork().ifPresent(pn -> b.append("  podNetwork mode=").append(pn.mode().id()).append(" vni=").append(pn.vni())
                .append(" port=").append(pn.port()).append(" mtu=").append(pn.mtu()).append(at(pn.pos())).append('\n'));
        for (Namespace ns : c.namespaces()) {
            b.append("\nnamespace ").append(t(ns.meta().name())).append(labels(ns.meta().labels())).append(at(ns.meta().pos())).append('\n');
        }
        for (Node n : c.nodes()) {
            b.append("\nnode ").append(t(n.name())).append(" addresses=").append(list(n.addresses()))
                    .append(" podCIDRs=").append(list(n.podCIDRs())).append(labels(n.meta().labels())).append(at(n.meta().pos())).append('\n');
        }
        for (Workload w : c.workloads()) {
            b.append("\nworkload ").append(w.workloadKind()).append(' ').append(t(w.meta().qualifiedName()))
                    .append(" replicas=").append(w.replicas()).append(" selector=").append(e(String.valueOf(w.selector())))
                    .append(" ports=").append(ports(w.template().ports())).append(at(w.meta().pos())).append('\n');
        }
        for (Pod pod : c.pods()) pod(b, pod);
        for (Service s : c.services()) service(b, s);
        for (NetworkPolicy np : c.networkPolicies()) policy(b, np);
        for (IngressClass ic : c.ingressClasses()) {
            b.append("\ningressclass ").append(t(ic.meta().name())).append(" controller=").append(t(ic.controller()))
                    .append(ic.isDefault() ? " default" : "").append(at(ic.meta().pos())).append('\n');
        }
        for (Ingress i : c.ingresses()) ingress(b, i);
        for (TlsSecret s : c.secrets()) {
            b.append("\nsecret ").append(t(s.meta().qualifiedName())).append(" type=kubernetes.io/tls certificate=sha256:")
                    .append(ContentHash.hex(s.certificatePem(), 6)).append(at(s.meta().pos())).append('\n');
        }
    }

    private static void pod(StringBuilder b, Pod p) {
        b.append("\npod ").append(t(p.meta().qualifiedName())).append(" node=").append(p.nodeName().isEmpty() ? "-" : t(p.nodeName()))
                .append(" ips=").append(list(p.ips())).append(!p.ips().isEmpty() && allocatedIps(p) ? ALLOCATED : "")
                .append(p.ready() ? " ready" : " not-ready")
                .append(p.terminating() ? " terminating" : "")
                .append(p.hostNetwork() ? " hostNetwork" : "")
                .append(p.owner().map(o -> " owner=" + t(String.valueOf(o))).orElse(""))
                .append(" ports=").append(ports(p.ports()))
                .append(labels(p.labels())).append(at(p.meta().pos())).append('\n');
    }

    /** A pod's addresses netc chose: a workload's replica, or a pod whose status gave none. */
    private static boolean allocatedIps(Pod p) {
        return !p.meta().given("status.podIPs") && !p.meta().given("status.podIP");
    }

    private static void service(StringBuilder b, Service s) {
        b.append("\nservice ").append(t(s.meta().qualifiedName())).append(" type=").append(s.type());
        if (s.headless()) b.append(" headless");
        b.append(" clusterIPs=").append(list(s.clusterIPs()));
        if (!s.clusterIPs().isEmpty() && !s.meta().given("spec.clusterIP") && !s.meta().given("spec.clusterIPs")) b.append(ALLOCATED);
        if (!s.ipFamilies().isEmpty()) {
            b.append(" ipFamilies=").append(s.ipFamilies().stream().map(f -> f.apiName()).collect(Collectors.joining(",", "[", "]")));
        }
        b.append(" ipFamilyPolicy=").append(s.ipFamilyPolicy());
        b.append(" selector=").append(s.selector().isEmpty() ? "<none>" : e(LabelSelector.ofLabels(s.selector()).toString()));
        if (s.sessionAffinity() == Service.SessionAffinity.ClientIP) {
            b.append(" affinity=ClientIP/").append(s.affinityTimeoutSeconds()).append('s');
        }
        b.append(" eTP=").append(s.externalTrafficPolicy()).append(" iTP=").append(s.internalTrafficPolicy());
        if (!s.externalIPs().isEmpty()) b.append(" externalIPs=").append(list(s.externalIPs()));
        if (!s.loadBalancerIPs().isEmpty()) b.append(" loadBalancerIPs=").append(list(s.loadBalancerIPs()));
        if (!s.loadBalancerSourceRanges().isEmpty()) b.append(" sourceRanges=").append(list(s.loadBalancerSourceRanges()));
        if (s.publishNotReadyAddresses()) b.append(" publishNotReadyAddresses");
        if (!s.externalName().isEmpty()) b.append(" externalName=").append(t(s.externalName()));
        b.append(at(s.meta().pos())).append('\n');
        for (int i = 0; i < s.ports().size(); i++) {
            ServicePort p = s.ports().get(i);
            b.append("  port ").append(p.name().isEmpty() ? "-" : t(p.name())).append(' ').append(p.port()).append('/')
                    .append(p.protocol()).append(" -> ").append(t(String.valueOf(p.targetPort())));
            if (p.nodePort() != 0) {
                b.append(" nodePort=").append(p.nodePort()).append(s.meta().given("spec.ports[" + i + "].nodePort") ? "" : ALLOCATED);
            }
            b.append(at(p.pos())).append('\n');
        }
    }

    private static void slice(StringBuilder b, EndpointSlice s) {
        b.append("\nendpointslice ").append(t(s.meta().qualifiedName())).append(" service=").append(t(s.serviceName()))
                .append(' ').append(s.addressType().apiName()).append(" ports=")
                .append(s.ports().stream().map(p -> (p.name().isEmpty() ? "-" : t(p.name())) + ":" + p.port() + "/" + p.protocol())
                        .collect(Collectors.joining(",", "[", "]")))
                .append(at(s.meta().pos())).append('\n');
        for (EndpointSlice.Endpoint e : s.endpoints()) {
            b.append("  ").append(list(e.addresses()))
                    .append(e.ready() ? " ready" : "").append(e.serving() ? " serving" : "")
                    .append(e.terminating() ? " terminating" : "")
                    .append(" node=").append(e.nodeName().isEmpty() ? "-" : t(e.nodeName()))
                    .append(e.podName().isEmpty() ? "" : " pod=" + t(e.podName())).append(at(e.pos())).append('\n');
        }
    }

    private static void policy(StringBuilder b, NetworkPolicy np) {
        b.append("\nnetworkpolicy ").append(t(np.meta().qualifiedName())).append(" podSelector=").append(e(String.valueOf(np.podSelector())))
                .append(" types=").append(np.ingressIsolation() ? "Ingress" : "")
                .append(np.ingressIsolation() && np.egressIsolation() ? "," : "")
                .append(np.egressIsolation() ? "Egress" : "").append(at(np.meta().pos())).append('\n');
        for (NetworkPolicy.Rule r : np.ingress()) rule(b, "ingress from", r);
        for (NetworkPolicy.Rule r : np.egress()) rule(b, "egress to", r);
    }

    private static void rule(StringBuilder b, String dir, NetworkPolicy.Rule r) {
        b.append("  ").append(dir).append(' ');
        if (r.peers().isEmpty()) b.append("<anywhere>");
        b.append(r.peers().stream().map(PlanDumpBackend::peer).collect(Collectors.joining(" | ")));
        b.append(" ports ");
        if (r.ports().isEmpty()) b.append("<all>");
        b.append(r.ports().stream().map(p -> p.protocol() + p.port().map(x -> ":" + x).orElse("")
                + (p.endPort() != 0 ? "-" + p.endPort() : "")).collect(Collectors.joining(",")));
        b.append(at(r.pos())).append('\n');
    }

    private static String peer(NetworkPolicy.Peer p) {
        if (p.ipBlock().isPresent()) {
            NetworkPolicy.IpBlock ib = p.ipBlock().get();
            return "ipBlock " + t(String.valueOf(ib.cidr())) + (ib.except().isEmpty() ? "" : " except " + list(ib.except()));
        }
        String ns = p.namespaceSelector().map(s -> "namespaces(" + e(String.valueOf(s)) + ")").orElse("same-namespace");
        return ns + p.podSelector().map(s -> " pods(" + e(String.valueOf(s)) + ")").orElse("");
    }

    private static void ingress(StringBuilder b, Ingress i) {
        b.append("\ningress ").append(t(i.meta().qualifiedName())).append(" class=")
                .append(i.ingressClassName().map(PlanDumpBackend::t).orElse("<default>")).append(at(i.meta().pos())).append('\n');
        i.defaultBackend().ifPresent(d -> b.append("  default -> ").append(t(d.serviceName())).append(':').append(t(String.valueOf(d.port())))
                .append(at(d.pos())).append('\n'));
        for (Ingress.Tls t : i.tls()) {
            b.append("  tls ").append(t(String.join(",", t.hosts()))).append(" secret=").append(t(t.secretName())).append(at(t.pos())).append('\n');
        }
        for (Ingress.Rule r : i.rules()) {
            for (Ingress.Path p : r.paths()) {
                b.append("  host ").append(r.host().isEmpty() ? "*" : t(r.host())).append(' ').append(p.pathType())
                        .append(' ').append(t(p.path())).append(" -> ").append(t(p.backend().serviceName())).append(':')
                        .append(t(String.valueOf(p.backend().port()))).append(at(p.pos())).append('\n');
            }
        }
    }

    /**
     * What the ingress controller serves, as {@code IngressRoutes} decided it: each virtual host with its certificate
     * and redirect, its routes in match order with the options their Ingress's annotations give, and the default
     * backend. (The upstreams' servers are the Service ports' endpoints, in the service plans.)
     */
    private static void ingressPlan(StringBuilder b, IngressPlan p) {
        for (IngressPlan.VirtualHost h : p.hosts()) {
            b.append("\ningress-host ").append(t(h.host()));
            h.certificate().ifPresent(c -> b.append(" certificate=").append(t(c.namespace() + "/" + c.name())));
            if (h.sslRedirect()) b.append(" ssl-redirect");
            b.append('\n');
            for (IngressPlan.Route r : h.routes()) {
                b.append("  route ").append(r.exact() ? "Exact " : "Prefix ").append(t(r.path())).append(" -> ").append(serviceRef(r.upstream()));
                if (!r.rewriteTarget().isEmpty()) b.append(" rewrite=").append(t(r.rewriteTarget()));
                if (r.backendHttps()) b.append(" backend-https");
                if (!r.maxBodySize().isEmpty()) b.append(" max-body-size=").append(t(r.maxBodySize()));
                if (!r.allowSources().isEmpty()) b.append(" allow=").append(list(r.allowSources()));
                b.append(" (").append(t(r.origin())).append(")\n");
            }
        }
        p.defaultUpstream().ifPresent(d -> b.append("\ningress-default -> ").append(serviceRef(d)).append('\n'));
    }

    /** The DNS zones: where the server's address came from, and each zone's serial and record count. */
    private static void dns(StringBuilder b, dev.netc.ir.plan.DnsPlan d) {
        if (!d.present()) return;
        b.append("\ndns server=").append(list(d.server().addresses())).append(" from ").append(d.server().source()).append('\n');
        for (var z : d.zones()) {
            b.append("  zone ").append(z.name()).append(z.reverse() ? " reverse" : " forward").append(" ttl=").append(z.ttl())
                    .append(" serial=").append(z.serial()).append(" records=").append(z.recordCount()).append('\n');
        }
    }

    /** Each member of the pod network: what the other nodes route to it, from where its pod CIDRs were written. */
    private static void podNetwork(StringBuilder b, dev.netc.ir.plan.PodNetworkPlan p) {
        if (!p.present()) return;
        b.append("\npod-network masquerade-except=").append(list(p.noMasquerade())).append('\n');
        for (var m : p.members()) {
            b.append("  member ").append(t(m.name())).append(" podCIDRs=").append(list(m.podCIDRs())).append(" via=").append(list(m.underlay()))
                    .append(" vtep-mac=").append(m.vtepMac()).append(m.origin().at().map(PlanDumpBackend::at).orElse("")).append('\n');
        }
    }

    private static String serviceRef(IngressPlan.ServiceRef r) {
        return t(r.namespace() + "/" + r.service()) + ":" + t(String.valueOf(r.port()));
    }

    private static void servicePlan(StringBuilder b, ServicePortPlan s) {
        b.append("\nservice-plan ").append(t(s.servicePortName())).append(' ').append(s.protocol()).append(' ')
                .append(s.family().apiName());
        s.clusterIP().ifPresent(ip -> b.append(" clusterIP=").append(ip));
        b.append(" port=").append(s.port());
        if (s.nodePort() != 0) b.append(" nodePort=").append(s.nodePort());
        if (!s.externalIPs().isEmpty()) b.append(" externalIPs=").append(list(s.externalIPs()));
        if (!s.loadBalancerIPs().isEmpty()) b.append(" loadBalancerIPs=").append(list(s.loadBalancerIPs()));
        if (!s.loadBalancerSourceRanges().isEmpty()) b.append(" sourceRanges=").append(list(s.loadBalancerSourceRanges()));
        if (s.internalLocal()) b.append(" iTP=Local");
        if (s.externalLocal()) b.append(" eTP=Local");
        if (s.affinitySeconds() > 0) b.append(" affinity=").append(s.affinitySeconds()).append('s');
        if (!s.hasEndpoints()) b.append(" no-endpoints");
        b.append(at(s.origin().stream().toList())).append('\n');
        b.append("  cluster ").append(endpoints(s.clusterEndpoints())).append('\n');
    }

    private static void nodePlan(StringBuilder b, NetworkPlan plan, NodePlan n) {
        b.append("\nnode-plan ").append(t(n.name())).append(" clusterCIDRs=").append(list(n.clusterCIDRs()))
                .append(" masqueradeAll=").append(n.masqueradeAll()).append(" nodePortAddresses=")
                .append(n.nodePortAddresses().isEmpty() ? "<all local>" : list(n.nodePortAddresses()));
        if (!n.nodePortsClosed().isEmpty()) {
            b.append(" no-node-ports=").append(n.nodePortsClosed().stream().sorted().map(f -> f.apiName())
                    .collect(Collectors.joining(",", "[", "]")));
        }
        b.append('\n');
        // its own endpoints of each Service port (what Local traffic policies use here)
        for (LocalEndpoints l : n.local()) {
            ServicePortPlan s = plan.services().get(l.service());
            b.append("  local ").append(t(s.servicePortName())).append(' ').append(s.protocol()).append(' ')
                    .append(s.family().apiName()).append(' ').append(endpoints(l.endpoints()));
            l.clusterOverride().ifPresent(c -> b.append(" cluster-here ").append(endpoints(c)));
            b.append('\n');
        }
        for (PodPolicy p : n.policy().pods()) {
            b.append("  policy ").append(t(p.qualifiedName())).append(' ').append(list(p.ips()))
                    .append(p.ingressIsolated() ? " ingress-isolated" : "")
                    .append(p.egressIsolated() ? " egress-isolated" : "").append('\n');
            for (TierRule t : p.adminIngress()) tier(b, "admin ingress from", t);
            for (TierRule t : p.adminEgress()) tier(b, "admin egress to", t);
            for (PolicyAllow a : p.ingress()) allow(b, "ingress from", a);
            for (PolicyAllow a : p.egress()) allow(b, "egress to", a);
            for (TierRule t : p.baselineIngress()) tier(b, "baseline ingress from", t);
            for (TierRule t : p.baselineEgress()) tier(b, "baseline egress to", t);
        }
    }

    private static void tier(StringBuilder b, String dir, TierRule t) {
        b.append("    ").append(dir).append(' ').append(t.peers().map(PlanDumpBackend::t).orElse("<anywhere>")).append(" ports ")
                .append(t.ports().isEmpty() ? "<all>" : t.ports().stream().map(x -> t(String.valueOf(x))).collect(Collectors.joining(",")))
                .append(' ').append(t.action()).append(" (").append(t(t.origin())).append(')').append(at(t.rule().stream().toList())).append('\n');
    }

    private static void allow(StringBuilder b, String dir, PolicyAllow a) {
        b.append("    ").append(dir).append(' ').append(a.peers().map(PlanDumpBackend::t).orElse("<anywhere>")).append(" ports ")
                .append(a.ports().isEmpty() ? "<all>" : a.ports().stream().map(x -> t(String.valueOf(x))).collect(Collectors.joining(",")))
                .append(" (").append(a.policies().stream().map(PlanDumpBackend::t).collect(Collectors.joining(", "))).append(')')
                .append(at(a.rules())).append('\n');
    }

    /** The mark of a value netc chose ({@link dev.netc.ir.Origin#allocated}). */
    private static final String ALLOCATED = "(allocated)";

    /** What a line's origin follows: the last thing on a line that has one ({@link #at}). */
    static final String AT = " @ ";

    /**
     * Where an object or one of its parts was written, at the end of its line: {@code  @ file:line:col}, the file as
     * one field ({@link Text#token}, a colon escaped as in diagnostics). No other field of a line can hold
     * {@code " @ "}: user values are tokens, and what netc composes of them (selectors, peers) holds label keys and
     * values, which have no spaces.
     */
    private static String at(SourcePos pos) {
        String file = Text.token(pos.file()).replace(":", "\\u003a");
        return AT + (pos.line() <= 0 ? file : file + ":" + pos.line() + ":" + pos.column());
    }

    /** Where the rules behind a plan line were written, in their order: {@code  @ f:3:5,f:9:5} (nothing when none is known). */
    private static String at(List<Origin> rules) {
        List<String> where = rules.stream().flatMap(o -> o.at().stream()).map(p -> at(p).substring(AT.length())).toList();
        return where.isEmpty() ? "" : AT + String.join(",", where);
    }

    /**
     * The digest of the resolved model: the sha256 of plan.txt with every line's origin ({@link #at}) left out, so
     * that where a manifest says a thing (its file, its line, the order of documents) does not change it. Read from
     * plan.txt's bytes without a copy (an origin's marks are ASCII, which no UTF-8 sequence of another character holds).
     */
    public static String modelDigest(Artifact planTxt) {
        ContentHash.Running h = ContentHash.Running.start();
        withoutOrigins(planTxt.bytes(), h);
        return h.hex();
    }

    /** {@link #modelDigest(Artifact)} of the plan.txt of {@code plan}, written and hashed a piece at a time, never whole. */
    public static String modelDigest(NetworkPlan plan) {
        ContentHash.Running h = ContentHash.Running.start();
        renderBytes(plan, Set.of(), piece -> withoutOrigins(java.nio.ByteBuffer.wrap(piece), h)); // each piece ends its lines
        return h.hex();
    }

    /** {@link #modelDigest(Artifact)} of a plan.txt's text. */
    public static String modelDigest(String planText) {
        ContentHash.Running h = ContentHash.Running.start();
        withoutOrigins(java.nio.ByteBuffer.wrap(planText.getBytes(StandardCharsets.UTF_8)), h);
        return h.hex();
    }

    private static final java.nio.ByteBuffer NEWLINE = java.nio.ByteBuffer.wrap(new byte[] {'\n'}).asReadOnlyBuffer();

    /** Hashes the lines of {@code text} (UTF-8, from 0 to its limit) without their origins, each line's newline kept. */
    private static void withoutOrigins(java.nio.ByteBuffer text, ContentHash.Running h) {
        int n = text.limit();
        int from = 0;
        while (from < n) {
            int nl = from;
            while (nl < n && text.get(nl) != '\n') nl++;
            h.update(text.slice(from, originAt(text::get, from, nl) - from));
            if (nl < n) h.update(NEWLINE.duplicate());
            from = nl + 1;
        }
    }

    /** plan.txt with every line's origin left out: what {@link #modelDigest} hashes, for comparing plans of the same model. */
    public static String withoutOrigins(String planText) {
        StringBuilder b = new StringBuilder(planText.length());
        int from = 0;
        int n = planText.length();
        while (from < n) {
            int nl = planText.indexOf('\n', from);
            int end = nl < 0 ? n : nl;
            b.append(planText, from, originAt(planText, from, end));
            if (nl >= 0) b.append('\n');
            from = end + 1;
        }
        return b.toString();
    }

    /** Where the origin of the line {@code [from, end)} starts: its last {@link #AT} with no space after it; {@code end} when none. */
    static int originAt(String text, int from, int end) {
        return originAt(text::charAt, from, end);
    }

    /** {@link #originAt(String, int, int)} of characters (or bytes) read by index. */
    private static int originAt(java.util.function.IntUnaryOperator text, int from, int end) {
        for (int i = end - 1; i >= from; i--) {
            int c = text.applyAsInt(i);
            if (c != ' ') continue;
            return i >= from + 2 && i + 1 < end && text.applyAsInt(i - 1) == '@' && text.applyAsInt(i - 2) == ' ' ? i - 2 : end;
        }
        return end;
    }

    private static String endpoints(List<PlanEndpoint> eps) {
        if (eps.isEmpty()) return "-";
        return eps.stream().map(e -> t(e.hostPort()) + (e.ready() ? "" : e.terminating() ? "(terminating)" : "(not-ready)"))
                .collect(Collectors.joining(" "));
    }

    private static String ports(List<ContainerPort> ports) {
        return ports.stream().map(p -> (p.name().isEmpty() ? "" : t(p.name()) + ":") + p.port() + "/" + p.protocol())
                .collect(Collectors.joining(",", "[", "]"));
    }

    private static String list(Collection<?> items) {
        return items.stream().map(x -> t(String.valueOf(x))).collect(Collectors.joining(",", "[", "]"));
    }

    /** A user value as one field: escaped, spaces too, so it can add neither a line nor a field. */
    private static String t(String s) {
        return Text.token(s);
    }

    /** Text netc composed from user values (a selector, a peer): escaped, its own spaces kept. */
    private static String e(String s) {
        return Text.escape(s);
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) return "";
        return labels.entrySet().stream().map(e -> t(e.getKey()) + "=" + t(e.getValue()))
                .collect(Collectors.joining(",", " labels={", "}"));
    }
}
