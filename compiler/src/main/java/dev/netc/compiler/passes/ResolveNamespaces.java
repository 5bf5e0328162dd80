package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.model.KubeObject;
import dev.netc.ir.model.Namespace;
import dev.netc.ir.model.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Every namespace an object lives in exists (GitOps tools create them; manifests often omit them), and every
 * namespace carries the immutable label {@code kubernetes.io/metadata.name} the API server sets, which
 * NetworkPolicy namespace selectors rely on.
 */
public final class ResolveNamespaces implements Pass<Cluster, Cluster> {
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public Cluster apply(Cluster cluster, Diagnostics diagnostics) {
        TreeSet<String> used = new TreeSet<>();
        Stream.of(cluster.pods(), cluster.workloads(), cluster.services(), cluster.endpointSlices(),
                        cluster.networkPolicies(), cluster.ingresses(), cluster.secrets())
                .flatMap(List::stream)
                .map(KubeObject::meta)
                .map(ObjectMeta::namespace)
                .filter(ns -> !ns.isEmpty())
                .forEach(used::add);
        List<Namespace> out = new ArrayList<>();
        for (Namespace ns : cluster.namespaces()) {
            used.remove(ns.meta().name());
            Map<String, String> labels = new TreeMap<>(ns.meta().labels());
            labels.put(NAME_LABEL, ns.meta().name());
            out.add(new Namespace(ns.meta().withLabels(labels)));
        }
        for (String name : used) {
            ObjectMeta meta = new ObjectMeta("Namespace", "", name, Map.of(NAME_LABEL, name), Map.of(),
                    dev.netc.ir.SourcePos.builtin("implicit namespace"), Map.of());
            out.add(new Namespace(meta));
        }
        return cluster.withNamespaces(out);
    }
}
