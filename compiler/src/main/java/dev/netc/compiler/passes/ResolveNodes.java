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
import java.util.stream.Collectors;

/**
 * The node list: Node objects from the input (live state) plus the cluster profile's nodes that no Node
 * object replaces. With neither, one node named {@code node-1} with no address, as a single-node cluster.
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
        return cluster.withNodes(nodes);
    }
}
