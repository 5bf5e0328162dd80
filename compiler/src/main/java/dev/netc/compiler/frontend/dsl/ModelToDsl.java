package dev.netc.compiler.frontend.dsl;

import dev.netc.grammar.NetcLexer;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.EndpointSlice;
import dev.netc.ir.model.Ingress;
import dev.netc.ir.model.IngressClass;
import dev.netc.ir.model.KubeObject;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.model.Service;
import dev.netc.ir.model.ServicePort;
import dev.netc.ir.model.TlsSecret;
import dev.netc.ir.model.Workload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * {@code netc convert --to dsl}: the cluster model the front end read (from YAML, DSL or both) written as DSL,
 * then printed by {@link DslFormatter}. It writes what the model holds, leaving out what the API defaults
 * anyway, so compiling the output gives the same model and the same artifacts. Cluster-scoped objects come
 * first, then one block per namespace; objects keep the model's order (by namespace and name).
 */
public final class ModelToDsl {
    private final Diagnostics diagnostics;
    private final StringBuilder b = new StringBuilder();

    private ModelToDsl(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The DSL text of {@code cluster}; NETC051 warnings for what the DSL cannot say (left out). */
    public static String print(Cluster cluster, Diagnostics diagnostics) {
        ModelToDsl m = new ModelToDsl(diagnostics);
        m.cluster(cluster);
        String text = m.b.toString();
        Diagnostics check = new Diagnostics();
        Optional<String> formatted = DslFormatter.format("<convert>", text, check);
        if (formatted.isEmpty()) {
            throw new IllegalStateException("convert wrote DSL that does not parse: " + check.sorted() + "\n" + text);
        }
        return formatted.get();
    }

    private void line(int depth, String text) {
        b.append("  ".repeat(depth)).append(text).append('\n');
    }

    private void open(int depth, String text) {
        line(depth, text + " {");
    }

    /** Closes a block; a blank line follows each object (the formatter drops one before a '}'). */
    private void close(int depth) {
        line(depth, "}");
        b.append('\n');
    }

    // ---- the whole cluster ---------------------------------------------------------------------------------

    private void cluster(Cluster c) {
        if (c.profile().meta().pos().line() > 0) profile(c.profile());
        for (Node n : c.nodes()) node(0, n, false);
        for (IngressClass ic : c.ingressClasses()) ingressClass(ic);
        for (AdminNetworkPolicy p : c.adminNetworkPolicies()) adminPolicy(p);
        Map<String, Namespace> declared = new TreeMap<>();
        for (Namespace n : c.namespaces()) declared.put(n.meta().name(), n);
        TreeSet<String> names = new TreeSet<>(declared.keySet());
        List<KubeObject> namespaced = new ArrayList<>();
        namespaced.addAll(c.workloads());
        namespaced.addAll(c.pods());
        namespaced.addAll(c.services());
        namespaced.addAll(c.endpointSlices());
        namespaced.addAll(c.networkPolicies());
        namespaced.addAll(c.ingresses());
        namespaced.addAll(c.secrets());
        namespaced.forEach(o -> names.add(o.meta().namespace()));
        for (String ns : names) {
            Namespace n = declared.get(ns);
            if (n != null) {
                open(0, "namespace " + name(ns));
                meta(1, n.meta());
            } else {
                open(0, "in " + name(ns));
            }
            for (KubeObject o : namespaced) {
                if (o.meta().namespace().equals(ns)) object(o);
            }
            close(0);
        }
    }

    private void object(KubeObject o) {
        if (o instanceof Workload w) workload(w);
        else if (o instanceof Pod p) pod(p);
        else if (o instanceof Service s) service(s);
        else if (o instanceof EndpointSlice e) endpointSlice(e);
        else if (o instanceof NetworkPolicy p) networkPolicy(p);
        else if (o instanceof Ingress i) ingress(i);
        else if (o instanceof TlsSecret s) tlsSecret(s);
    }

    private void meta(int depth, ObjectMeta meta) {
        meta(depth, meta.labels(), meta.annotations());
    }

    private void meta(int depth, Map<String, String> labels, Map<String, String> annotations) {
        if (!labels.isEmpty()) line(depth, "labels " + labels(labels));
        annotations.forEach((k, v) -> line(depth, "annotation " + labelKey(k) + "=" + labelValue(v)));
    }

    // ---- cluster-scoped ------------------------------------------------------------------------------------

    private void profile(ClusterProfile p) {
        ClusterProfile d = ClusterProfile.defaults();
        open(0, "cluster " + name(p.meta().name()));
        line(1, "service-cidrs " + cidrs(p.serviceCIDRs()));
        line(1, "cluster-cidrs " + cidrs(p.clusterCIDRs()));
        line(1, "dns-domain " + name(p.dnsDomain()));
        if (p.proxy().masqueradeAll()) line(1, "masquerade-all");
        if (!p.proxy().nodePortAddresses().isEmpty())
            line(1, "node-port-addresses " + cidrs(p.proxy().nodePortAddresses()));
        if (p.ingress().httpPort() != d.ingress().httpPort()) line(1, "http-port " + p.ingress().httpPort());
        if (p.ingress().httpsPort() != d.ingress().httpsPort()) line(1, "https-port " + p.ingress().httpsPort());
        p.podNetwork().ifPresent(pn -> line(1, "pod-network " + pn.mode().id() + " vni " + pn.vni() + " port " + pn.port() + " mtu " + pn.mtu()));
        if (!p.dns().isDefault()) {
            ClusterProfile.Dns dns = p.dns();
            line(1, "dns ttl " + dns.ttl() + " pods " + dns.pods().id() + (dns.endpointPodNames() ? " endpoint-pod-names" : "")
                    + (dns.ignoreEmptyService() ? " ignore-empty-service" : "") + dns.serviceIP().map(a -> " service-ip " + a.text()).orElse(""));
        }
        for (Node n : p.nodes()) node(1, n, true);
        close(0);
    }

    private void node(int depth, Node n, boolean inProfile) {
        open(depth, "node " + name(n.meta().name()));
        if (inProfile) {
            if (!n.meta().labels().isEmpty()) line(depth + 1, "labels " + labels(n.meta().labels()));
        } else {
            meta(depth + 1, n.meta());
        }
        if (!n.addresses().isEmpty()) line(depth + 1, "addresses " + ips(n.addresses()));
        if (!n.podCIDRs().isEmpty()) line(depth + 1, "pod-cidrs " + cidrs(n.podCIDRs()));
        close(depth);
    }

    private void ingressClass(IngressClass ic) {
        open(0, "ingress-class " + name(ic.meta().name()));
        Map<String, String> annotations = new TreeMap<>(ic.meta().annotations());
        if ("true".equals(annotations.get(DslObjects.DEFAULT_CLASS_ANNOTATION)))
            annotations.remove(DslObjects.DEFAULT_CLASS_ANNOTATION);
        meta(1, ic.meta().labels(), annotations);
        line(1, "controller " + controller(ic.controller()));
        if (ic.isDefault()) line(1, "default");
        close(0);
    }

    private static String controller(String controller) {
        for (String part : controller.split("/", -1)) {
            if (!isBareName(part)) return quote(controller);
        }
        return controller;
    }

    private void adminPolicy(AdminNetworkPolicy p) {
        open(0, (p.baseline() ? "baseline-admin-network-policy " : "admin-network-policy ") + name(p.meta().name()));
        meta(1, p.meta());
        if (!p.baseline()) line(1, "priority " + p.priority());
        line(1, "subject namespaces " + selector(p.subject().namespaces())
                + p.subject().pods().map(s -> " pods " + selector(s)).orElse(""));
        adminRules(p.ingress(), "ingress", "from");
        adminRules(p.egress(), "egress", "to");
        close(0);
    }

    private void adminRules(List<AdminNetworkPolicy.Rule> rules, String direction, String peerWord) {
        for (AdminNetworkPolicy.Rule r : rules) {
            open(1, direction + " " + r.action() + (r.name().isEmpty() ? "" : " " + name(r.name())));
            for (AdminNetworkPolicy.Peer peer : r.peers()) {
                String what = switch (peer.kind()) {
                    case PODS -> "namespaces " + selector(peer.namespaces())
                            + peer.pods().map(s -> " pods " + selector(s)).orElse("");
                    case NODES -> "nodes " + selector(peer.nodes());
                    case NETWORKS -> "networks " + cidrs(peer.networks());
                };
                line(2, peerWord + " " + what);
            }
            for (AdminNetworkPolicy.Port port : r.ports()) {
                String spec = port.name().map(ModelToDsl::name).orElseGet(() ->
                        (port.first() == port.last() ? String.valueOf(port.first()) : port.first() + "-" + port.last())
                                + protocolSuffix(port.protocol()));
                line(2, "port " + spec);
            }
            line(1, "}");
        }
    }

    // ---- namespaced ----------------------------------------------------------------------------------------

    private void workload(Workload w) {
        if (w.workloadKind() == Workload.Kind.ReplicationController || w.workloadKind() == Workload.Kind.CronJob) {
            diagnostics.warning(DiagnosticCode.NETC051, w.meta().pos(), w.workloadKind() + " " + w.meta().id()
                    + " is not expressible in the DSL: left out");
            return;
        }
        dev.netc.ir.model.Scheduling sched = w.template().scheduling();
        if (sched.hasRequiredAffinity() || !sched.tolerations().isEmpty()) {
            diagnostics.warning(DiagnosticCode.NETC051, w.meta().pos(), "the node affinity and tolerations of "
                    + w.meta().id() + " are not expressible in the DSL: left out");
        }
        open(1, w.workloadKind().name().toLowerCase(java.util.Locale.ROOT) + " " + name(w.meta().name()));
        meta(2, w.meta());
        if (w.workloadKind() != Workload.Kind.DaemonSet) line(2, "replicas " + w.replicas());
        line(2, "selector " + selector(w.selector()));
        if (!w.template().labels().isEmpty()) line(2, "pod-labels " + labels(w.template().labels()));
        if (!w.template().nodeName().isEmpty()) line(2, "node " + name(w.template().nodeName()));
        if (!w.template().nodeSelector().isEmpty()) line(2, "node-selector " + labels(w.template().nodeSelector()));
        if (w.template().hostNetwork()) line(2, "host-network");
        for (ContainerPort p : w.template().ports()) line(2, containerPort(p.name(), p.port(), p.protocol()));
        close(1);
    }

    private void pod(Pod p) {
        open(1, "pod " + name(p.meta().name()));
        meta(2, p.meta());
        if (!p.nodeName().isEmpty()) line(2, "node " + name(p.nodeName()));
        if (p.hostNetwork()) line(2, "host-network");
        for (ContainerPort port : p.ports()) line(2, containerPort(port.name(), port.port(), port.protocol()));
        if (!p.ips().isEmpty()) line(2, "ip " + ips(p.ips()));
        if (!p.ready()) line(2, "not-ready");
        if (p.terminating()) line(2, "terminating");
        dev.netc.ir.model.Scheduling sched = p.scheduling();
        if (!sched.nodeSelector().isEmpty() || sched.hasRequiredAffinity() || !sched.tolerations().isEmpty()) {
            diagnostics.warning(DiagnosticCode.NETC051, p.meta().pos(), "the node selector, affinity and tolerations"
                    + " of pod " + p.meta().id() + " are not expressible in the DSL: left out");
        }
        if (p.owner().isPresent()) {
            diagnostics.warning(DiagnosticCode.NETC051, p.meta().pos(), "the owner of pod " + p.meta().id()
                    + " is not expressible in the DSL: left out");
        }
        close(1);
    }

    private static String containerPort(String name, int port, Protocol protocol) {
        return "port " + (name.isEmpty() ? "" : name(name) + " ") + port + protocolSuffix(protocol);
    }

    private static String protocolSuffix(Protocol p) {
        return p == Protocol.TCP ? "" : "/" + p.name();
    }

    private void service(Service s) {
        open(1, "service " + name(s.meta().name()));
        meta(2, s.meta());
        if (s.type() != Service.Type.ClusterIP) line(2, "type " + s.type());
        if (!s.selector().isEmpty()) line(2, "selector " + labels(s.selector()));
        if (s.headless()) line(2, "headless");
        if (!s.clusterIPs().isEmpty()) line(2, "cluster-ip " + ips(s.clusterIPs()));
        if (!s.ipFamilies().isEmpty())
            line(2, "ip-families " + s.ipFamilies().stream().map(Family::apiName).collect(Collectors.joining(", ")));
        Service.IpFamilyPolicy policyDefault = s.headless() && s.selector().isEmpty()
                ? Service.IpFamilyPolicy.RequireDualStack : Service.IpFamilyPolicy.SingleStack;
        if (s.ipFamilyPolicy() != policyDefault) line(2, "ip-family-policy " + s.ipFamilyPolicy());
        if (s.sessionAffinity() == Service.SessionAffinity.ClientIP) {
            line(2, "session-affinity ClientIP" + (s.affinityTimeoutSeconds() == Service.DEFAULT_AFFINITY_TIMEOUT
                    ? "" : " timeout " + s.affinityTimeoutSeconds()));
        }
        if (s.externalTrafficPolicy() != Service.TrafficPolicy.Cluster)
            line(2, "external-traffic-policy " + s.externalTrafficPolicy());
        if (s.internalTrafficPolicy() != Service.TrafficPolicy.Cluster)
            line(2, "internal-traffic-policy " + s.internalTrafficPolicy());
        if (!s.externalIPs().isEmpty()) line(2, "external-ips " + ips(s.externalIPs()));
        if (!s.loadBalancerIPs().isEmpty()) line(2, "load-balancer-ips " + ips(s.loadBalancerIPs()));
        if (!s.loadBalancerSourceRanges().isEmpty())
            line(2, "load-balancer-source-ranges " + cidrs(s.loadBalancerSourceRanges()));
        if (s.publishNotReadyAddresses()) line(2, "publish-not-ready-addresses");
        if (!s.externalName().isEmpty()) line(2, "external-name " + name(s.externalName()));
        if (!s.allocateLoadBalancerNodePorts()) line(2, "no-load-balancer-node-ports");
        for (ServicePort p : s.ports()) {
            StringBuilder l = new StringBuilder(containerPort(p.name(), p.port(), p.protocol()));
            if (!(p.targetPort() instanceof PortRef.Number n && n.value() == p.port())) {
                l.append(" -> ").append(portRef(p.targetPort()));
            }
            if (p.nodePort() != 0) l.append(" node-port ").append(p.nodePort());
            line(2, l.toString());
        }
        close(1);
    }

    private static String portRef(PortRef ref) {
        return ref instanceof PortRef.Number n ? String.valueOf(n.value()) : name(((PortRef.Name) ref).value());
    }

    private void endpointSlice(EndpointSlice e) {
        if (!e.meta().kind().equals("EndpointSlice")) {
            diagnostics.warning(DiagnosticCode.NETC051, e.meta().pos(), e.meta().kind() + " " + e.meta().id()
                    + " is not expressible in the DSL (write an endpoint-slice): left out");
            return;
        }
        open(1, "endpoint-slice " + name(e.meta().name()));
        Map<String, String> labels = new TreeMap<>(e.meta().labels());
        labels.remove(DslObjects.SERVICE_NAME_LABEL);
        meta(2, labels, e.meta().annotations());
        line(2, "service " + name(e.serviceName()));
        line(2, "address-type " + e.addressType().apiName());
        for (EndpointSlice.EndpointPort p : e.ports()) line(2, containerPort(p.name(), p.port(), p.protocol()));
        for (EndpointSlice.Endpoint ep : e.endpoints()) {
            StringBuilder l = new StringBuilder("endpoint ").append(ips(ep.addresses()));
            if (!ep.ready()) l.append(" not-ready");
            if (ep.serving() != ep.ready()) l.append(ep.serving() ? " serving" : " not-serving");
            if (ep.terminating()) l.append(" terminating");
            if (!ep.nodeName().isEmpty()) l.append(" node ").append(name(ep.nodeName()));
            if (!ep.podName().isEmpty()) l.append(" pod ").append(name(ep.podName()));
            line(2, l.toString());
        }
        close(1);
    }

    private void networkPolicy(NetworkPolicy p) {
        open(1, "network-policy " + name(p.meta().name()));
        meta(2, p.meta());
        line(2, "pods " + selector(p.podSelector()));
        boolean defaultEgress = !p.egress().isEmpty();
        if (!p.ingressIsolation() || p.egressIsolation() != defaultEgress) {
            List<String> types = new ArrayList<>();
            if (p.ingressIsolation()) types.add("Ingress");
            if (p.egressIsolation()) types.add("Egress");
            if (types.isEmpty()) {
                diagnostics.warning(DiagnosticCode.NETC051, p.meta().pos(), "NetworkPolicy " + p.meta().id()
                        + " has empty policyTypes, which the DSL cannot say: written without policy-types");
            } else {
                line(2, "policy-types " + String.join(", ", types));
            }
        }
        rules(p.ingress(), "ingress", "from");
        rules(p.egress(), "egress", "to");
        close(1);
    }

    private void rules(List<NetworkPolicy.Rule> rules, String direction, String peerWord) {
        for (NetworkPolicy.Rule r : rules) {
            open(2, direction);
            for (NetworkPolicy.Peer peer : r.peers()) {
                String what;
                if (peer.ipBlock().isPresent()) {
                    NetworkPolicy.IpBlock block = peer.ipBlock().get();
                    what = block.cidr().text() + (block.except().isEmpty() ? "" : " except " + cidrs(block.except()));
                } else if (peer.namespaceSelector().isPresent()) {
                    what = "namespaces " + selector(peer.namespaceSelector().get())
                            + peer.podSelector().map(s -> " pods " + selector(s)).orElse("");
                } else {
                    what = "pods " + selector(peer.podSelector().orElse(LabelSelector.EVERYTHING));
                }
                line(3, peerWord + " " + what);
            }
            for (NetworkPolicy.Port port : r.ports()) {
                String spec;
                if (port.port().isEmpty()) {
                    spec = port.protocol().name();
                } else if (port.endPort() > 0) {
                    spec = portRef(port.port().get()) + "-" + port.endPort() + protocolSuffix(port.protocol());
                } else {
                    spec = portRef(port.port().get()) + protocolSuffix(port.protocol());
                }
                line(3, "port " + spec);
            }
            line(2, "}");
        }
    }

    private void ingress(Ingress i) {
        open(1, "ingress " + name(i.meta().name()));
        meta(2, i.meta());
        i.ingressClassName().ifPresent(c -> line(2, "class " + name(c)));
        i.defaultBackend().ifPresent(d -> line(2, "default-backend " + backend(d)));
        for (Ingress.Tls t : i.tls()) {
            StringBuilder l = new StringBuilder("tls");
            if (!t.secretName().isEmpty()) l.append(" secret ").append(name(t.secretName()));
            if (!t.hosts().isEmpty()) {
                l.append(" hosts ").append(t.hosts().stream().map(ModelToDsl::host).collect(Collectors.joining(", ")));
            }
            line(2, l.toString());
        }
        for (Ingress.Rule r : i.rules()) {
            open(2, "host " + (r.host().isEmpty() ? "*" : host(r.host())));
            for (Ingress.Path p : r.paths()) {
                line(3, "path " + (p.path().isEmpty() ? "" : quote(p.path()) + " ") + p.pathType() + " -> "
                        + backend(p.backend()));
            }
            line(2, "}");
        }
        close(1);
    }

    private static String host(String host) {
        return singleToken(host) == NetcLexer.WILDCARD ? host : name(host);
    }

    private static String backend(Ingress.Backend b) {
        return name(b.serviceName()) + " " + portRef(b.port());
    }

    private void tlsSecret(TlsSecret s) {
        open(1, "tls-secret " + name(s.meta().name()));
        meta(2, s.meta());
        Base64.Encoder base64 = Base64.getEncoder();
        line(2, "cert " + quote(base64.encodeToString(s.certificatePem().getBytes(StandardCharsets.UTF_8))));
        line(2, "key " + quote(base64.encodeToString(s.privateKeyPem().getBytes(StandardCharsets.UTF_8))));
        close(1);
    }

    // ---- values --------------------------------------------------------------------------------------------

    private static String ips(List<IpAddress> ips) {
        return ips.stream().map(IpAddress::text).collect(Collectors.joining(", "));
    }

    private static String cidrs(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::text).collect(Collectors.joining(", "));
    }

    private static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> labelKey(e.getKey()) + "=" + labelValue(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** kubectl's selector syntax: {@code app=web, tier in (a, b), tier notin (c), tier, !tier}; {@code *} for all. */
    static String selector(LabelSelector s) {
        List<String> parts = new ArrayList<>();
        s.matchLabels().forEach((k, v) -> parts.add(labelKey(k) + "=" + labelValue(v)));
        for (LabelSelector.Requirement r : s.matchExpressions()) {
            String values = r.values().stream().map(ModelToDsl::labelValue).collect(Collectors.joining(", "));
            parts.add(switch (r.operator()) {
                case In -> labelKey(r.key()) + " in (" + values + ")";
                case NotIn -> labelKey(r.key()) + " notin (" + values + ")";
                case Exists -> labelKey(r.key());
                case DoesNotExist -> "!" + labelKey(r.key());
            });
        }
        return parts.isEmpty() ? "*" : String.join(", ", parts);
    }

    private static String labelKey(String key) {
        int slash = key.indexOf('/');
        if (slash > 0 && key.indexOf('/', slash + 1) < 0 && isBareName(key.substring(0, slash))
                && isBareName(key.substring(slash + 1))) return key;
        return name(key);
    }

    private static String labelValue(String value) {
        int type = singleToken(value);
        return type == NetcLexer.NUMBER || type == NetcLexer.RANGE || type == NetcLexer.IPV4 ? value : name(value);
    }

    /** A name as the DSL writes it: bare when it reads back as one word, else in double quotes. */
    static String name(String s) {
        return isBareName(s) ? s : quote(s);
    }

    private static boolean isBareName(String s) {
        int type = singleToken(s);
        if (type == NetcLexer.NAME) return true;
        String literal = NetcLexer.VOCABULARY.getLiteralName(type);
        return literal != null && DslSyntax.isKeyword(literal);
    }

    /** The token type {@code s} lexes to when it is exactly one token, else -1. */
    private static int singleToken(String s) {
        if (s.isEmpty()) return -1;
        NetcLexer lexer = new NetcLexer(CharStreams.fromString(s));
        lexer.removeErrorListeners();
        Token first = lexer.nextToken();
        Token second = lexer.nextToken();
        return second.getType() == Token.EOF && first.getText().equals(s) ? first.getType() : -1;
    }

    /** A DSL string literal: {@link dev.netc.ir.Text#quote} unclipped (its escapes are the DSL's). */
    static String quote(String s) {
        return dev.netc.ir.Text.quote(s, Integer.MAX_VALUE);
    }
}
