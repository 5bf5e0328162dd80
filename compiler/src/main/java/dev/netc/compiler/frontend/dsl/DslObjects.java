package dev.netc.compiler.frontend.dsl;

import static dev.netc.compiler.frontend.dsl.TreeBuilder.bool;
import static dev.netc.compiler.frontend.dsl.TreeBuilder.integer;
import static dev.netc.compiler.frontend.dsl.TreeBuilder.string;

import dev.netc.compiler.frontend.YamlNode;
import dev.netc.compiler.frontend.dsl.TreeBuilder.Items;
import dev.netc.compiler.frontend.dsl.TreeBuilder.Obj;
import dev.netc.grammar.NetcParser.*;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Maps a parsed DSL file to Kubernetes object trees: the same {@link YamlNode} mappings a YAML manifest gives
 * ({@code apiVersion}, {@code kind}, {@code metadata}, {@code spec}…), every value positioned at the DSL token
 * it came from. The YAML front end's decoder then checks and reads them, so both languages share every rule,
 * default and diagnostic. Only what the grammar cannot say is checked here: a setting given twice.
 */
final class DslObjects {
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
    static final String TLS_SECRET_TYPE = "kubernetes.io/tls";
    /** Any value marks a pod as terminating; this one says where it came from. */
    static final String DELETION_TIMESTAMP = "1970-01-01T00:00:00Z";

    private final String file;
    private final Diagnostics diagnostics;
    private final List<YamlNode> out = new ArrayList<>();

    private DslObjects(String file, Diagnostics diagnostics) {
        this.file = file;
        this.diagnostics = diagnostics;
    }

    static List<YamlNode> map(String file, FileContext tree, Diagnostics diagnostics) {
        DslObjects m = new DslObjects(file, diagnostics);
        for (DeclContext d : items(tree.fileLine(), FileLineContext::decl)) m.decl(d);
        return List.copyOf(m.out);
    }

    private void decl(DeclContext d) {
        if (d.cluster() != null) cluster(d.cluster());
        else if (d.namespace() != null) namespace(d.namespace());
        else if (d.inNamespace() != null) {
            String ns = name(d.inNamespace().name());
            for (ObjectContext o : items(d.inNamespace().objectLine(), ObjectLineContext::object)) object(o, ns);
        } else if (d.node() != null) nodeObject(d.node());
        else if (d.ingressClass() != null) ingressClass(d.ingressClass());
        else if (d.adminPolicy() != null) adminPolicy(d.adminPolicy());
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** The statements of a block's lines (blank lines hold none). */
    private static <L, I> List<I> items(List<L> lines, Function<L, I> item) {
        return lines.stream().map(item).filter(Objects::nonNull).toList();
    }

    private SourcePos pos(Token t) {
        return DslSyntax.pos(file, t);
    }

    private SourcePos pos(ParserRuleContext c) {
        return pos(c.getStart());
    }

    private SourcePos pos(TerminalNode n) {
        return pos(n.getSymbol());
    }

    /** A new object: apiVersion, kind and metadata.name (and namespace), positioned at its keyword. */
    private Obj object(ParserRuleContext decl, String apiVersion, String kind, NameContext name, String namespace) {
        SourcePos at = pos(decl);
        Obj o = new Obj(at);
        o.put("apiVersion", at, string(apiVersion, at));
        o.put("kind", at, string(kind, at));
        Obj md = o.map("metadata", at);
        md.put("name", pos(name), string(name(name), pos(name)));
        if (namespace != null) md.put("namespace", at, string(namespace, at));
        return o;
    }

    static String name(NameContext n) {
        return n.STRING() != null ? unquote(n.STRING().getText()) : n.getText();
    }

    static String unquote(String quoted) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == '\\' && i + 1 < quoted.length() - 1) {
                char e = quoted.charAt(++i);
                if (e == 'u' && i + 4 < quoted.length() - 1) { // the lexer admits \\u only with four hex digits
                    b.append((char) Integer.parseInt(quoted.substring(i + 1, i + 5), 16));
                    i += 4;
                    continue;
                }
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> e;
                });
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String labelKey(LabelKeyContext k) {
        return k.name().size() == 1 ? name(k.name(0)) : name(k.name(0)) + "/" + name(k.name(1));
    }

    static String labelValue(LabelValueContext v) {
        return v.name() != null ? name(v.name()) : v.getText();
    }

    /** A statement that may appear once per block: false (and NETC050) the second time. */
    private final class Once {
        private final Map<String, SourcePos> seen = new HashMap<>();

        boolean first(ParserRuleContext statement) {
            String keyword = statement.getStart().getText();
            SourcePos at = pos(statement);
            SourcePos before = seen.putIfAbsent(keyword, at);
            if (before == null) return true;
            diagnostics.error(DiagnosticCode.NETC050, at, "'" + keyword + "' is already set in this block (at line "
                    + before.line() + ")");
            return false;
        }
    }

    /** Adds {@code key: value} to a string map (labels, annotations, selectors); NETC050 for a key twice. */
    private void mapEntry(Obj map, String what, LabelKeyContext key, LabelValueContext value) {
        String k = labelKey(key);
        Optional<SourcePos> before = map.keyPos(k);
        if (before.isPresent()) {
            diagnostics.error(DiagnosticCode.NETC050, pos(key), what + " " + quote(k) + " is already set (at line "
                    + before.get().line() + ")");
            return;
        }
        map.put(k, pos(key), string(labelValue(value), pos(value)));
    }

    private static String quote(String s) {
        return dev.netc.ir.Text.quote(s);
    }

    private void labels(Obj into, String what, List<LabelContext> labels) {
        for (LabelContext l : labels) mapEntry(into, what, l.labelKey(), l.labelValue());
    }

    private void meta(MetaContext m, Obj obj) {
        Obj md = obj.map("metadata", obj.pos());
        if (m instanceof LabelsContext l) {
            labels(md.map("labels", pos(l)), "label", l.label());
        } else if (m instanceof AnnotationContext a) {
            mapEntry(md.map("annotations", pos(a)), "annotation", a.labelKey(), a.labelValue());
        }
    }

    private void ips(Items into, IpListContext list) {
        for (IpContext ip : list.ip()) into.add(string(ip.getText(), pos(ip)));
    }

    private void cidrs(Items into, CidrListContext list) {
        for (CidrContext c : list.cidr()) into.add(string(c.getText(), pos(c)));
    }

    /** Optional protocol: written only when given, as the API defaults it to TCP. */
    private void protocol(Obj port, ProtocolContext p) {
        if (p != null) port.put("protocol", pos(p), string(p.getText(), pos(p)));
    }

    private void containerPort(Obj podSpec, ContainerPortContext c) {
        Obj container = containers(podSpec, pos(c));
        Obj port = container.seq("ports", pos(c)).addMap(pos(c));
        if (c.name() != null) port.put("name", pos(c.name()), string(name(c.name()), pos(c.name())));
        port.put("containerPort", pos(c.NUMBER()), integer(c.NUMBER().getText(), pos(c.NUMBER())));
        protocol(port, c.protocol());
    }

    /** The one container every port of a pod goes to (netc reads the ports of all containers alike). */
    private static Obj containers(Obj podSpec, SourcePos at) {
        Items list = podSpec.seq("containers", at);
        if (list.isEmpty()) list.addMap(at);
        return list.firstMap();
    }

    // ---- selectors -----------------------------------------------------------------------------------------

    /** A metav1.LabelSelector: {@code k=v} in matchLabels, everything else in matchExpressions. */
    private Obj selector(SelectorContext s, SourcePos keyPos) {
        Obj sel = new Obj(keyPos);
        fillSelector(sel, s);
        return sel;
    }

    private void fillSelector(Obj sel, SelectorContext s) {
        for (RequirementContext r : s.requirement()) {
            if (r instanceof EqualsRequirementContext e) {
                mapEntry(sel.map("matchLabels", pos(e)), "selector key", e.labelKey(), e.labelValue());
                continue;
            }
            Obj expr = sel.seq("matchExpressions", pos(r)).addMap(pos(r));
            LabelKeyContext key;
            String operator;
            List<LabelValueContext> values = List.of();
            if (r instanceof InRequirementContext in) {
                key = in.labelKey();
                operator = "In";
                values = in.labelValue();
            } else if (r instanceof NotInRequirementContext notIn) {
                key = notIn.labelKey();
                operator = "NotIn";
                values = notIn.labelValue();
            } else if (r instanceof NotExistsRequirementContext ne) {
                key = ne.labelKey();
                operator = "DoesNotExist";
            } else {
                key = ((ExistsRequirementContext) r).labelKey();
                operator = "Exists";
            }
            expr.put("key", pos(key), string(labelKey(key), pos(key)));
            expr.put("operator", pos(r), string(operator, pos(r)));
            if (!values.isEmpty()) {
                Items vs = expr.seq("values", pos(values.get(0)));
                for (LabelValueContext v : values) vs.add(string(labelValue(v), pos(v)));
            }
        }
    }

    private void putSelector(Obj into, String key, SelectorContext s, SourcePos keyPos) {
        into.put(key, keyPos, selector(s, keyPos).build());
    }

    // ---- cluster profile and nodes -------------------------------------------------------------------------

    /** {@code pod-network MODE [vni N] [port N] [mtu N]}: the profile's {@code podNetwork}. */
    private void podNetwork(Obj pn, PodNetworkContext s) {
        pn.put("mode", pos(s.name()), string(name(s.name()), pos(s.name())));
        for (int i = 0; i < s.getChildCount(); i++) {
            String word = s.getChild(i).getText();
            if (!List.of("vni", "port", "mtu").contains(word) || !(s.getChild(i + 1) instanceof TerminalNode n)) continue;
            pn.put(word, pos(n), integer(n.getText(), pos(n)));
        }
    }

    /** {@code dns [ttl N] [pods MODE] [endpoint-pod-names] [ignore-empty-service] [service-ip IP]}: the profile's {@code dns}. */
    private void clusterDns(Obj d, ClusterDnsContext s) {
        for (int i = 0; i < s.getChildCount(); i++) {
            String word = s.getChild(i).getText();
            SourcePos at = s.getChild(i) instanceof TerminalNode t ? pos(t) : pos(s);
            switch (word) {
                case "ttl" -> d.put("ttl", at, integer(s.NUMBER().getText(), pos(s.NUMBER())));
                case "pods" -> d.put("pods", at, string(name(s.name()), pos(s.name())));
                case "endpoint-pod-names" -> d.put("endpointPodNames", at, bool(true, at));
                case "ignore-empty-service" -> d.put("ignoreEmptyService", at, bool(true, at));
                case "service-ip" -> d.put("serviceIP", at, string(s.ip().getText(), pos(s.ip())));
                default -> {
                }
            }
        }
    }

    private void cluster(ClusterContext c) {
        Obj o = object(c, "netc.dev/v1alpha1", "Cluster", c.name(), null);
        Obj spec = o.map("spec", pos(c));
        Once once = new Once();
        for (ClusterItemContext item : items(c.clusterLine(), ClusterLineContext::clusterItem)) {
            if (!(item instanceof ProfileNodeContext) && !once.first(item)) continue;
            SourcePos at = pos(item);
            if (item instanceof ServiceCidrsContext s) cidrs(spec.seq("serviceCIDRs", at), s.cidrList());
            else if (item instanceof ClusterCidrsContext s) cidrs(spec.seq("clusterCIDRs", at), s.cidrList());
            else if (item instanceof DnsDomainContext s)
                spec.put("dnsDomain", at, string(name(s.name()), pos(s.name())));
            else if (item instanceof MasqueradeAllContext)
                spec.map("proxy", at).put("masqueradeAll", at, bool(true, at));
            else if (item instanceof NodePortAddressesContext s)
                cidrs(spec.map("proxy", at).seq("nodePortAddresses", at), s.cidrList());
            else if (item instanceof HttpPortContext s)
                spec.map("ingress", at).put("httpPort", at, integer(s.NUMBER().getText(), pos(s.NUMBER())));
            else if (item instanceof HttpsPortContext s)
                spec.map("ingress", at).put("httpsPort", at, integer(s.NUMBER().getText(), pos(s.NUMBER())));
            else if (item instanceof PodNetworkContext s) podNetwork(spec.map("podNetwork", at), s);
            else if (item instanceof ClusterDnsContext s) clusterDns(spec.map("dns", at), s);
            else if (item instanceof ProfileNodeContext s) profileNode(spec.seq("nodes", at), s.node());
        }
        out.add(o.build());
    }

    private void profileNode(Items nodes, NodeContext n) {
        Obj node = nodes.addMap(pos(n));
        node.put("name", pos(n.name()), string(name(n.name()), pos(n.name())));
        Items internal = new Items(pos(n));
        Items external = new Items(pos(n));
        Once once = new Once();
        for (NodeItemContext item : items(n.nodeLine(), NodeLineContext::nodeItem)) {
            if (item instanceof NodeMetaContext m) {
                if (m.meta() instanceof LabelsContext l) labels(node.map("labels", pos(l)), "label", l.label());
                else if (m.meta() instanceof AnnotationContext a)
                    mapEntry(node.map("annotations", pos(a)), "annotation", a.labelKey(), a.labelValue());
                continue;
            }
            if (!once.first(item)) continue;
            if (item instanceof NodeAddressesContext a) ips(internal, a.ipList());
            else if (item instanceof NodeExternalAddressesContext a) ips(external, a.ipList());
            else if (item instanceof NodePodCidrsContext p) cidrs(node.seq("podCIDRs", pos(p)), p.cidrList());
        }
        if (!internal.isEmpty() || !external.isEmpty()) {
            Items addresses = node.seq("addresses", internal.isEmpty() ? external.pos() : internal.pos());
            internal.copyInto(addresses);
            external.copyInto(addresses);
        }
    }

    /** A Node object (live state): InternalIP and ExternalIP addresses, pod CIDRs, labels. */
    private void nodeObject(NodeContext n) {
        Obj o = object(n, "v1", "Node", n.name(), null);
        Once once = new Once();
        for (NodeItemContext item : items(n.nodeLine(), NodeLineContext::nodeItem)) {
            if (item instanceof NodeMetaContext m) {
                meta(m.meta(), o);
                continue;
            }
            if (!once.first(item)) continue;
            SourcePos at = pos(item);
            if (item instanceof NodeAddressesContext a) addresses(o, "InternalIP", a.ipList());
            else if (item instanceof NodeExternalAddressesContext a) addresses(o, "ExternalIP", a.ipList());
            else if (item instanceof NodePodCidrsContext p)
                cidrs(o.map("spec", at).seq("podCIDRs", at), p.cidrList());
        }
        out.add(o.build());
    }

    private void addresses(Obj node, String type, IpListContext list) {
        SourcePos at = pos(list);
        Items addresses = node.map("status", at).seq("addresses", at);
        for (IpContext ip : list.ip()) {
            Obj a = addresses.addMap(pos(ip));
            a.put("address", pos(ip), string(ip.getText(), pos(ip)));
            a.put("type", pos(ip), string(type, pos(ip)));
        }
    }

    // ---- namespaces and namespaced objects ----------------------------------------------------------------

    private void namespace(NamespaceContext n) {
        Obj o = object(n, "v1", "Namespace", n.name(), null);
        String ns = name(n.name());
        out.add(o.build()); // placeholder replaced below once labels are read
        int index = out.size() - 1;
        for (NamespaceItemContext item : items(n.namespaceLine(), NamespaceLineContext::namespaceItem)) {
            if (item.meta() != null) meta(item.meta(), o);
            else object(item.object(), ns);
        }
        out.set(index, o.build());
    }

    private void object(ObjectContext o, String ns) {
        if (o.pod() != null) pod(o.pod(), ns);
        else if (o.workload() != null) workload(o.workload(), ns);
        else if (o.service() != null) service(o.service(), ns);
        else if (o.endpointSlice() != null) endpointSlice(o.endpointSlice(), ns);
        else if (o.networkPolicy() != null) networkPolicy(o.networkPolicy(), ns);
        else if (o.ingress() != null) ingress(o.ingress(), ns);
        else if (o.tlsSecret() != null) tlsSecret(o.tlsSecret(), ns);
    }

    private void pod(PodContext p, String ns) {
        Obj o = object(p, "v1", "Pod", p.name(), ns);
        Obj spec = o.map("spec", pos(p));
        Once once = new Once();
        for (PodItemContext item : items(p.podLine(), PodLineContext::podItem)) {
            SourcePos at = pos(item);
            if (item instanceof PodMetaContext m) meta(m.meta(), o);
            else if (item instanceof PodPortContext c) containerPort(spec, c.containerPort());
            else if (!once.first(item)) continue;
            else if (item instanceof PodNodeContext n) spec.put("nodeName", at, string(name(n.name()), pos(n.name())));
            else if (item instanceof PodIpsContext i) {
                Items ips = o.map("status", at).seq("podIPs", at);
                for (IpContext ip : i.ipList().ip()) ips.addMap(pos(ip)).put("ip", pos(ip), string(ip.getText(), pos(ip)));
            } else if (item instanceof PodNotReadyContext) {
                Obj cond = o.map("status", at).seq("conditions", at).addMap(at);
                cond.put("type", at, string("Ready", at));
                cond.put("status", at, string("False", at));
            } else if (item instanceof PodTerminatingContext) {
                o.map("metadata", at).put("deletionTimestamp", at, string(DELETION_TIMESTAMP, at));
            } else if (item instanceof PodHostNetworkContext) {
                spec.put("hostNetwork", at, bool(true, at));
            }
        }
        out.add(o.build());
    }

    private void workload(WorkloadContext w, String ns) {
        String kind = switch (w.workloadKind().getText()) {
            case "deployment" -> "Deployment";
            case "statefulset" -> "StatefulSet";
            case "daemonset" -> "DaemonSet";
            case "replicaset" -> "ReplicaSet";
            default -> "Job";
        };
        Obj o = object(w, kind.equals("Job") ? "batch/v1" : "apps/v1", kind, w.name(), ns);
        SourcePos wp = pos(w);
        Obj spec = o.map("spec", wp);
        Obj template = new Obj(wp); // added last, after replicas and selector, as manifests write it
        Obj podSpec = new Obj(wp);
        Obj podLabels = null;
        SelectorContext selector = null;
        SourcePos selectorPos = null;
        Once once = new Once();
        for (WorkloadItemContext item : items(w.workloadLine(), WorkloadLineContext::workloadItem)) {
            SourcePos at = pos(item);
            if (item instanceof WorkloadMetaContext m) meta(m.meta(), o);
            else if (item instanceof WorkloadPortContext c) containerPort(podSpec, c.containerPort());
            else if (item instanceof WorkloadPodLabelsContext l) {
                if (podLabels == null) podLabels = template.map("metadata", at).map("labels", at);
                labels(podLabels, "pod label", l.label());
            } else if (item instanceof WorkloadNodeSelectorContext l) {
                labels(podSpec.map("nodeSelector", at), "node selector key", l.label());
            } else if (!once.first(item)) continue;
            else if (item instanceof WorkloadReplicasContext r) {
                spec.put(kind.equals("Job") ? "parallelism" : "replicas", at,
                        integer(r.NUMBER().getText(), pos(r.NUMBER())));
            } else if (item instanceof WorkloadSelectorContext s) {
                selector = s.selector();
                selectorPos = at;
            } else if (item instanceof WorkloadNodeContext n) {
                podSpec.put("nodeName", at, string(name(n.name()), pos(n.name())));
            } else if (item instanceof WorkloadHostNetworkContext) {
                podSpec.put("hostNetwork", at, bool(true, at));
            }
        }
        if (selector != null) {
            putSelector(spec, "selector", selector, selectorPos);
        } else if (!kind.equals("Job") && podLabels != null) {
            // No selector written: the pod labels select the pods (what almost every manifest does).
            Obj sel = spec.map("selector", podLabels.pos());
            sel.put("matchLabels", podLabels.pos(), podLabels.build());
        }
        template.put("spec", wp, podSpec.build());
        spec.put("template", wp, template.build());
        out.add(o.build());
    }

    private void service(ServiceContext s, String ns) {
        Obj o = object(s, "v1", "Service", s.name(), ns);
        Obj spec = o.map("spec", pos(s));
        Once once = new Once();
        for (ServiceItemContext item : items(s.serviceLine(), ServiceLineContext::serviceItem)) {
            SourcePos at = pos(item);
            if (item instanceof ServiceMetaContext m) meta(m.meta(), o);
            else if (item instanceof ServicePortItemContext p) servicePort(spec.seq("ports", at), p.servicePort());
            else if (item instanceof ServiceSelectorContext l) labels(spec.map("selector", at), "selector key", l.label());
            else if (!once.first(item)) continue;
            else if (item instanceof ServiceTypeContext t) spec.put("type", at, nameNode(t.name()));
            else if (item instanceof ServiceClusterIpsContext c) ips(spec.seq("clusterIPs", at), c.ipList());
            else if (item instanceof ServiceHeadlessContext) spec.put("clusterIP", at, string("None", at));
            else if (item instanceof ServiceIpFamiliesContext f) {
                Items families = spec.seq("ipFamilies", at);
                for (NameContext n : f.name()) families.add(nameNode(n));
            } else if (item instanceof ServiceIpFamilyPolicyContext f) spec.put("ipFamilyPolicy", at, nameNode(f.name()));
            else if (item instanceof ServiceSessionAffinityContext a) {
                spec.put("sessionAffinity", at, nameNode(a.name()));
                if (a.NUMBER() != null) {
                    spec.map("sessionAffinityConfig", at).map("clientIP", at).put("timeoutSeconds", pos(a.NUMBER()),
                            integer(a.NUMBER().getText(), pos(a.NUMBER())));
                }
            } else if (item instanceof ServiceExternalTrafficPolicyContext t)
                spec.put("externalTrafficPolicy", at, nameNode(t.name()));
            else if (item instanceof ServiceInternalTrafficPolicyContext t)
                spec.put("internalTrafficPolicy", at, nameNode(t.name()));
            else if (item instanceof ServiceExternalIpsContext e) ips(spec.seq("externalIPs", at), e.ipList());
            else if (item instanceof ServiceLoadBalancerIpsContext e) {
                Items ingress = o.map("status", at).map("loadBalancer", at).seq("ingress", at);
                for (IpContext ip : e.ipList().ip()) ingress.addMap(pos(ip)).put("ip", pos(ip), string(ip.getText(), pos(ip)));
            } else if (item instanceof ServiceSourceRangesContext r)
                cidrs(spec.seq("loadBalancerSourceRanges", at), r.cidrList());
            else if (item instanceof ServicePublishNotReadyContext)
                spec.put("publishNotReadyAddresses", at, bool(true, at));
            else if (item instanceof ServiceExternalNameContext e) spec.put("externalName", at, nameNode(e.name()));
            else if (item instanceof ServiceNoLbNodePortsContext)
                spec.put("allocateLoadBalancerNodePorts", at, bool(false, at));
        }
        out.add(o.build());
    }

    private YamlNode nameNode(NameContext n) {
        return string(name(n), pos(n));
    }

    private void servicePort(Items ports, ServicePortContext p) {
        Obj port = ports.addMap(pos(p));
        if (p.name() != null) port.put("name", pos(p.name()), nameNode(p.name()));
        TerminalNode number = p.NUMBER(0);
        port.put("port", pos(number), integer(number.getText(), pos(number)));
        protocol(port, p.protocol());
        if (p.targetPort() != null) {
            TargetPortContext t = p.targetPort();
            port.put("targetPort", pos(t), t.NUMBER() != null ? integer(t.NUMBER().getText(), pos(t))
                    : nameNode(t.name()));
        }
        if (p.NUMBER().size() > 1) {
            TerminalNode np = p.NUMBER(1);
            port.put("nodePort", pos(np), integer(np.getText(), pos(np)));
        }
    }

    private void endpointSlice(EndpointSliceContext s, String ns) {
        Obj o = object(s, "discovery.k8s.io/v1", "EndpointSlice", s.name(), ns);
        SourcePos sp = pos(s);
        String addressType = null;
        SourcePos addressTypePos = sp;
        Items endpoints = new Items(sp);
        Items ports = new Items(sp);
        Once once = new Once();
        for (SliceItemContext item : items(s.sliceLine(), SliceLineContext::sliceItem)) {
            SourcePos at = pos(item);
            if (item instanceof SliceMetaContext m) meta(m.meta(), o);
            else if (item instanceof SlicePortContext c) {
                ContainerPortContext cp = c.containerPort();
                Obj port = ports.addMap(at);
                if (cp.name() != null) port.put("name", pos(cp.name()), nameNode(cp.name()));
                port.put("port", pos(cp.NUMBER()), integer(cp.NUMBER().getText(), pos(cp.NUMBER())));
                protocol(port, cp.protocol());
            } else if (item instanceof SliceEndpointContext e) {
                endpoint(endpoints.addMap(at), e);
                if (addressType == null && e.ipList().ip(0).IPV6() != null) {
                    addressType = "IPv6";
                    addressTypePos = pos(e.ipList().ip(0));
                }
            } else if (!once.first(item)) continue;
            else if (item instanceof SliceServiceContext svc) {
                mapEntry(o.map("metadata", sp).map("labels", at), "label", SERVICE_NAME_LABEL, name(svc.name()), pos(svc.name()));
            } else if (item instanceof SliceAddressTypeContext t) {
                addressType = name(t.name());
                addressTypePos = pos(t.name());
            }
        }
        // The address type: as written, else the family of the first endpoint's first address.
        o.put("addressType", addressTypePos, string(addressType == null ? "IPv4" : addressType, addressTypePos));
        if (!endpoints.isEmpty()) o.put("endpoints", sp, endpoints.build());
        if (!ports.isEmpty()) o.put("ports", sp, ports.build());
        out.add(o.build());
    }

    private void mapEntry(Obj map, String what, String key, String value, SourcePos at) {
        Optional<SourcePos> before = map.keyPos(key);
        if (before.isPresent()) {
            diagnostics.error(DiagnosticCode.NETC050, at, what + " " + quote(key) + " is already set (at line "
                    + before.get().line() + ")");
            return;
        }
        map.put(key, at, string(value, at));
    }

    private void endpoint(Obj e, SliceEndpointContext c) {
        Items addresses = e.seq("addresses", pos(c.ipList()));
        ips(addresses, c.ipList());
        Once once = new Once();
        for (EndpointOptionContext opt : c.endpointOption()) {
            if (!once.first(opt)) continue;
            SourcePos at = pos(opt);
            if (opt instanceof EndpointNotReadyContext) e.map("conditions", at).put("ready", at, bool(false, at));
            else if (opt instanceof EndpointServingContext) e.map("conditions", at).put("serving", at, bool(true, at));
            else if (opt instanceof EndpointNotServingContext)
                e.map("conditions", at).put("serving", at, bool(false, at));
            else if (opt instanceof EndpointTerminatingContext)
                e.map("conditions", at).put("terminating", at, bool(true, at));
            else if (opt instanceof EndpointNodeContext n) e.put("nodeName", at, nameNode(n.name()));
            else if (opt instanceof EndpointPodContext p) {
                Obj ref = e.map("targetRef", at);
                ref.put("kind", at, string("Pod", at));
                ref.put("name", pos(p.name()), nameNode(p.name()));
            }
        }
    }

    // ---- policies ------------------------------------------------------------------------------------------

    private void networkPolicy(NetworkPolicyContext p, String ns) {
        Obj o = object(p, "networking.k8s.io/v1", "NetworkPolicy", p.name(), ns);
        SourcePos pp = pos(p);
        Obj spec = o.map("spec", pp);
        spec.put("podSelector", pp, new Obj(pp).build());
        Once once = new Once();
        for (PolicyItemContext item : items(p.policyLine(), PolicyLineContext::policyItem)) {
            SourcePos at = pos(item);
            if (item instanceof PolicyMetaContext m) meta(m.meta(), o);
            else if (item instanceof PolicyRuleContext r) {
                boolean ingress = r.direction().getText().equals("ingress");
                Obj rule = spec.seq(ingress ? "ingress" : "egress", at).addMap(at);
                for (RuleItemContext ri : items(r.ruleLine(), RuleLineContext::ruleItem)) {
                    if (ri instanceof RulePeerContext peer)
                        peer(rule.seq(ingress ? "from" : "to", pos(peer)).addMap(pos(peer.peer())), peer.peer());
                    else if (ri instanceof RulePortContext port)
                        policyPort(rule.seq("ports", pos(port)).addMap(pos(port)), port.policyPort());
                }
            } else if (!once.first(item)) continue;
            else if (item instanceof PolicyPodsContext s) putSelector(spec, "podSelector", s.selector(), at);
            else if (item instanceof PolicyTypesContext t) {
                Items types = spec.seq("policyTypes", at);
                for (NameContext n : t.name()) types.add(nameNode(n));
            }
        }
        out.add(o.build());
    }

    private void peer(Obj peer, PeerContext c) {
        if (c instanceof IpBlockPeerContext b) {
            Obj block = peer.map("ipBlock", pos(b));
            block.put("cidr", pos(b.cidr()), string(b.cidr().getText(), pos(b.cidr())));
            if (b.cidrList() != null) cidrs(block.seq("except", pos(b.cidrList())), b.cidrList());
        } else if (c instanceof NamespacePeerContext n) {
            putSelector(peer, "namespaceSelector", n.selector(0), pos(n));
            if (n.selector().size() > 1) putSelector(peer, "podSelector", n.selector(1), pos(n.selector(1)));
        } else if (c instanceof PodPeerContext pod) {
            putSelector(peer, "podSelector", pod.selector(), pos(pod));
        }
    }

    private void policyPort(Obj port, PolicyPortContext c) {
        if (c.NUMBER() != null) {
            port.put("port", pos(c.NUMBER()), integer(c.NUMBER().getText(), pos(c.NUMBER())));
        } else if (c.RANGE() != null) {
            String[] ends = c.RANGE().getText().split("-", 2);
            SourcePos at = pos(c.RANGE());
            port.put("port", at, integer(ends[0], at));
            port.put("endPort", at, integer(ends[1], new SourcePos(at.file(), at.line(), at.column() + ends[0].length() + 1)));
        } else if (c.name() != null) {
            port.put("port", pos(c.name()), nameNode(c.name()));
        }
        protocol(port, c.protocol());
    }

    private void adminPolicy(AdminPolicyContext p) {
        boolean baseline = p.getStart().getText().startsWith("baseline");
        Obj o = object(p, "policy.networking.k8s.io/v1alpha1",
                baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy", p.name(), null);
        SourcePos pp = pos(p);
        Obj spec = o.map("spec", pp);
        Once once = new Once();
        for (AdminItemContext item : items(p.adminLine(), AdminLineContext::adminItem)) {
            SourcePos at = pos(item);
            if (item instanceof AdminMetaContext m) meta(m.meta(), o);
            else if (item instanceof AdminRuleContext r) {
                boolean ingress = r.direction().getText().equals("ingress");
                Obj rule = spec.seq(ingress ? "ingress" : "egress", at).addMap(at);
                if (r.name().size() > 1) rule.put("name", pos(r.name(1)), nameNode(r.name(1)));
                rule.put("action", pos(r.name(0)), nameNode(r.name(0)));
                for (AdminRuleItemContext ri : items(r.adminRuleLine(), AdminRuleLineContext::adminRuleItem)) {
                    if (ri instanceof AdminRulePeerContext peer) {
                        adminPeer(rule.seq(ingress ? "from" : "to", pos(peer)).addMap(pos(peer.adminPeer())),
                                peer.adminPeer());
                    } else if (ri instanceof AdminRulePortContext port) {
                        adminPort(rule.seq("ports", pos(port)).addMap(pos(port)), port.policyPort());
                    }
                }
            } else if (!once.first(item)) continue;
            else if (item instanceof AdminPriorityContext pr)
                spec.put("priority", at, integer(pr.NUMBER().getText(), pos(pr.NUMBER())));
            else if (item instanceof AdminSubjectContext s) {
                Obj subject = spec.map("subject", at);
                namespacedPods(subject, s.selector(), at);
            }
        }
        out.add(o.build());
    }

    /** {@code namespaces S} alone, or {@code pods: {namespaceSelector, podSelector}} with {@code pods P}. */
    private void namespacedPods(Obj into, List<SelectorContext> selectors, SourcePos at) {
        if (selectors.size() == 1) {
            putSelector(into, "namespaces", selectors.get(0), at);
        } else {
            Obj pods = into.map("pods", at);
            putSelector(pods, "namespaceSelector", selectors.get(0), at);
            putSelector(pods, "podSelector", selectors.get(1), pos(selectors.get(1)));
        }
    }

    private void adminPeer(Obj peer, AdminPeerContext c) {
        SourcePos at = pos(c);
        if (c instanceof AdminNamespacePeerContext n) namespacedPods(peer, n.selector(), at);
        else if (c instanceof AdminNodePeerContext n) putSelector(peer, "nodes", n.selector(), at);
        else if (c instanceof AdminNetworkPeerContext n) cidrs(peer.seq("networks", at), n.cidrList());
    }

    private void adminPort(Obj port, PolicyPortContext c) {
        SourcePos at = pos(c);
        if (c.name() != null && c.NUMBER() == null && c.RANGE() == null) {
            port.put("namedPort", at, nameNode(c.name()));
        } else if (c.RANGE() != null) {
            String[] ends = c.RANGE().getText().split("-", 2);
            Obj range = port.map("portRange", at);
            range.put("start", at, integer(ends[0], at));
            range.put("end", at, integer(ends[1], at));
            protocol(range, c.protocol());
        } else {
            Obj number = port.map("portNumber", at);
            if (c.NUMBER() != null) number.put("port", at, integer(c.NUMBER().getText(), at));
            protocol(number, c.protocol());
        }
    }

    // ---- ingress -------------------------------------------------------------------------------------------

    private void ingressClass(IngressClassContext c) {
        Obj o = object(c, "networking.k8s.io/v1", "IngressClass", c.name(), null);
        Once once = new Once();
        for (IngressClassItemContext item : items(c.ingressClassLine(), IngressClassLineContext::ingressClassItem)) {
            SourcePos at = pos(item);
            if (item instanceof IngressClassMetaContext m) meta(m.meta(), o);
            else if (!once.first(item)) continue;
            else if (item instanceof IngressClassControllerContext ctl) {
                StringBuilder b = new StringBuilder();
                for (NameContext n : ctl.name()) b.append(b.length() == 0 ? "" : "/").append(name(n));
                o.map("spec", at).put("controller", pos(ctl.name(0)), string(b.toString(), pos(ctl.name(0))));
            } else if (item instanceof IngressClassDefaultContext) {
                mapEntry(o.map("metadata", pos(c)).map("annotations", at), "annotation", DEFAULT_CLASS_ANNOTATION, "true", at);
            }
        }
        out.add(o.build());
    }

    private void ingress(IngressContext i, String ns) {
        Obj o = object(i, "networking.k8s.io/v1", "Ingress", i.name(), ns);
        Obj spec = o.map("spec", pos(i));
        Once once = new Once();
        for (IngressItemContext item : items(i.ingressLine(), IngressLineContext::ingressItem)) {
            SourcePos at = pos(item);
            if (item instanceof IngressMetaContext m) meta(m.meta(), o);
            else if (item instanceof IngressTlsContext t) {
                Obj tls = spec.seq("tls", at).addMap(at);
                if (!t.host().isEmpty()) {
                    Items hosts = tls.seq("hosts", pos(t.host(0)));
                    for (HostContext h : t.host()) hosts.add(string(host(h), pos(h)));
                }
                if (t.name() != null) tls.put("secretName", pos(t.name()), nameNode(t.name()));
            } else if (item instanceof IngressRuleContext r) {
                Obj rule = spec.seq("rules", at).addMap(at);
                if (r.host() != null) rule.put("host", pos(r.host()), string(host(r.host()), pos(r.host())));
                List<PathItemContext> pathItems = items(r.pathLine(), PathLineContext::pathItem);
                if (!pathItems.isEmpty()) {
                    Items paths = rule.map("http", at).seq("paths", pos(pathItems.get(0)));
                    for (PathItemContext p : pathItems) path(paths.addMap(pos(p)), p);
                }
            } else if (!once.first(item)) continue;
            else if (item instanceof IngressClassNameContext c) spec.put("ingressClassName", at, nameNode(c.name()));
            else if (item instanceof IngressDefaultBackendContext d)
                spec.put("defaultBackend", at, backend(d.backend(), at).build());
        }
        out.add(o.build());
    }

    private static String host(HostContext h) {
        return h.name() != null ? name(h.name()) : h.getText();
    }

    private void path(Obj path, PathItemContext p) {
        if (p.STRING() != null) path.put("path", pos(p.STRING()), string(unquote(p.STRING().getText()), pos(p.STRING())));
        path.put("pathType", pos(p.name()), nameNode(p.name()));
        path.put("backend", pos(p.backend()), backend(p.backend(), pos(p.backend())).build());
    }

    private Obj backend(BackendContext b, SourcePos at) {
        Obj backend = new Obj(at);
        Obj service = backend.map("service", at);
        service.put("name", pos(b.name(0)), nameNode(b.name(0)));
        Obj port = service.map("port", at);
        if (b.NUMBER() != null) port.put("number", pos(b.NUMBER()), integer(b.NUMBER().getText(), pos(b.NUMBER())));
        else port.put("name", pos(b.name(1)), nameNode(b.name(1)));
        return backend;
    }

    private void tlsSecret(TlsSecretContext s, String ns) {
        Obj o = object(s, "v1", "Secret", s.name(), ns);
        SourcePos sp = pos(s);
        o.put("type", sp, string(TLS_SECRET_TYPE, sp));
        Obj data = o.map("data", sp);
        Once once = new Once();
        for (TlsSecretItemContext item : items(s.tlsSecretLine(), TlsSecretLineContext::tlsSecretItem)) {
            if (item instanceof TlsSecretMetaContext m) meta(m.meta(), o);
            else if (!once.first(item)) continue;
            else if (item instanceof TlsSecretCertContext c)
                data.put("tls.crt", pos(c.STRING()), string(unquote(c.STRING().getText()), pos(c.STRING())));
            else if (item instanceof TlsSecretKeyContext k)
                data.put("tls.key", pos(k.STRING()), string(unquote(k.STRING().getText()), pos(k.STRING())));
        }
        out.add(o.build());
    }
}
