package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import dev.netc.ir.Text;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import dev.netc.ir.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The node list: Node objects from the input (live state) plus the cluster profile's nodes that no Node
 * object replaces. With neither, netc stands in nodes with no address: the nodes the pods name in
 * {@code spec.nodeName} (a {@code kubectl get pods,services -A -o yaml} dump has no Node objects), or, when
 * no pod names one, one node named {@code node-1}, as a single-node cluster. Every node carries the
 * well-known labels a kubelet sets.
 */
public final class ResolveNodes implements Pass<Cluster, Cluster> {
    /** The annotation that marks a node netc stands in (see {@link #isImplicit}); never written to output. */
    private static final String STAND_IN = "netc.dev/stand-in";

    @Override
    public Cluster apply(Cluster cluster, Diagnostics diagnostics) {
        List<Node> nodes = new ArrayList<>(cluster.nodes());
        Set<String> live = nodes.stream().map(Node::name).collect(Collectors.toSet());
        for (Node n : cluster.profile().nodes()) {
            if (!live.contains(n.name())) nodes.add(n);
        }
        if (nodes.isEmpty()) {
            TreeMap<String, SourcePos> named = new TreeMap<>();
            for (Pod p : cluster.pods()) {
                if (!p.nodeName().isEmpty()) named.putIfAbsent(p.nodeName(), p.meta().at("spec.nodeName"));
            }
            if (named.isEmpty()) named.put(ClusterProfile.DEFAULT_NODE, cluster.profile().meta().pos());
            else {
                diagnostics.note(DiagnosticCode.NETC095, named.firstEntry().getValue(), "the input has no Node object"
                        + " and no cluster profile nodes: netc stands in the " + named.size() + " node(s) the pods name,"
                        + " with no address: " + named.keySet().stream().limit(8).map(Text::quote)
                        .collect(Collectors.joining(", ")) + (named.size() > 8 ? ", …" : ""));
            }
            named.forEach((name, pos) -> nodes.add(new Node(new ObjectMeta("Node", "", name, Map.of(),
                    Map.of(STAND_IN, "true"), pos, Map.of()), List.of(), List.of())));
        }
        return cluster.withNodes(nodes.stream().map(ResolveNodes::wellKnownLabels).toList());
    }

    /**
     * Whether {@code n} is a node this pass stands in when the input names none (documented as having no
     * address), so that checks about addresses can tell the user's nodes from netc's stand-ins.
     */
    public static boolean isImplicit(Node n) {
        return "true".equals(n.meta().annotations().get(STAND_IN));
    }

    /**
     * The labels every kubelet puts on its node (kubernetes.io/hostname, os, arch and their beta. forms), unless
     * the Node or the profile gives them: pods select nodes by them ({@code nodeSelector: {kubernetes.io/os:
     * linux}} in most installs). netc's nodes are Linux (it writes Linux rulesets); the architecture is amd64
     * unless said otherwise.
     */
    static Node wellKnownLabels(Node n) {
        Map<String, String> labels = new TreeMap<>(n.meta().labels());
        if (n.name().length() <= 63) labels.putIfAbsent("kubernetes.io/hostname", n.name()); // a label value's limit
        labels.putIfAbsent("kubernetes.io/os", "linux");
        labels.putIfAbsent("kubernetes.io/arch", "amd64");
        labels.putIfAbsent("beta.kubernetes.io/os", labels.get("kubernetes.io/os"));
        labels.putIfAbsent("beta.kubernetes.io/arch", labels.get("kubernetes.io/arch"));
        ObjectMeta m = n.meta();
        return n.withMeta(new ObjectMeta(m.kind(), m.namespace(), m.name(), labels, m.annotations(), m.pos(),
                m.fields()));
    }
}
