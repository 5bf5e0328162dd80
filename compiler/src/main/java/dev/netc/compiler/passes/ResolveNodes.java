package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.ClusterProfile;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The node list: Node objects from the input (live state) plus the cluster profile's nodes that no Node
 * object replaces. With neither, one node named {@code node-1} with no address, as a single-node cluster.
 * Every node carries the well-known labels a kubelet sets.
 */
public final class ResolveNodes implements Pass<Cluster, Cluster> {
    @Override
    public Cluster apply(Cluster cluster, Diagnostics diagnostics) {
        List<Node> nodes = new ArrayList<>(cluster.nodes());
        Set<String> live = nodes.stream().map(Node::name).collect(Collectors.toSet());
        for (Node n : cluster.profile().nodes()) {
            if (!live.contains(n.name())) nodes.add(n);
        }
        if (nodes.isEmpty()) {
            ObjectMeta meta = new ObjectMeta("Node", "", ClusterProfile.DEFAULT_NODE, Map.of(), Map.of(),
                    cluster.profile().meta().pos(), Map.of());
            nodes.add(new Node(meta, List.of(), List.of()));
        }
        return cluster.withNodes(nodes.stream().map(ResolveNodes::wellKnownLabels).toList());
    }

    /**
     * Whether {@code n} is the node this pass stands in when the input names none ({@code node-1}, documented as
     * having no address), so that checks about addresses can tell the user's nodes from netc's stand-in.
     */
    public static boolean isImplicit(Cluster c, Node n) {
        return n.name().equals(ClusterProfile.DEFAULT_NODE) && c.profile().nodes().isEmpty()
                && n.meta().pos().equals(c.profile().meta().pos());
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
