package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.PodTemplate;
import dev.netc.ir.model.Scheduling;
import dev.netc.ir.model.Workload;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job and CronJob: the replica count and
 * the pod template. A ReplicationController's selector is a label map (defaulted from the template's labels);
 * a CronJob's pod template is its {@code jobTemplate}'s, and its count the job's parallelism.
 */
final class WorkloadKind {
    /** Each replica becomes a modelled pod; a count beyond this is a typo, not a cluster. */
    static final int MAX_REPLICAS = 100_000;

    private WorkloadKind() {
    }

    static Optional<Workload> workload(MapVal obj, Workload.Kind kind) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, kind.name(), true, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        if (kind == Workload.Kind.CronJob) spec = spec.mapOrEmpty("jobTemplate").mapOrEmpty("spec");
        int replicas = switch (kind) {
            case DaemonSet -> 0; // one pod per eligible node, not a count
            case Job, CronJob -> count(spec, "parallelism");
            default -> count(spec, "replicas");
        };
        MapVal template = spec.mapOrEmpty("template");
        Map<String, String> labels = template.mapOrEmpty("metadata").get("labels").map(Common::labels)
                .orElse(Map.of());
        MapVal podSpec = template.mapOrEmpty("spec");
        Scheduling scheduling = Common.scheduling(podSpec);
        List<ContainerPort> ports = Common.containerPorts(podSpec);
        boolean hostNetwork = podSpec.bool("hostNetwork", false);

        LabelSelector selector = LabelSelector.ofLabels(labels);
        Optional<Val> selVal = spec.get("selector");
        boolean generated = kind == Workload.Kind.Job || kind == Workload.Kind.CronJob;
        if (kind == Workload.Kind.ReplicationController) {
            // A label map, not a LabelSelector; absent or empty, the API defaults it to the template's labels.
            Map<String, String> sel = selVal.map(Common::labels).orElse(Map.of());
            if (!sel.isEmpty()) selector = LabelSelector.ofLabels(sel);
        } else if (selVal.isPresent()) {
            Optional<LabelSelector> s = Common.selector(selVal.get());
            if (s.isPresent() && s.get().isEmpty() && !generated) {
                dc.error(DiagnosticCode.NETC019, selVal.get().anchor(), "spec.selector of a " + kind
                        + " must not be empty (it would select every pod of the namespace)");
            }
            selector = s.orElse(selector);
        } else if (!generated) {
            // Jobs get a generated selector; the template's labels stand for it.
            dc.error(DiagnosticCode.NETC009, spec.anchor(), "spec.selector is required");
        }
        if (dc.failed()) return Optional.empty();
        return Optional.of(new Workload(meta.build(dc), kind, replicas, selector,
                new PodTemplate(labels, scheduling, ports, hostNetwork)));
    }

    private static int count(MapVal spec, String key) {
        Optional<Val> v = spec.get(key);
        if (v.isEmpty()) return 1;
        Optional<Long> n = v.get().integer();
        if (n.isEmpty()) return 1;
        if (n.get() < 0) {
            spec.dc.error(DiagnosticCode.NETC032, v.get().pos(), key + " " + v.get().text() + " must not be negative");
            return 0;
        }
        if (n.get() > MAX_REPLICAS) {
            spec.dc.error(DiagnosticCode.NETC032, v.get().pos(), key + " " + v.get().text() + " is more than netc models"
                    + " (at most " + MAX_REPLICAS + ")");
            return 0;
        }
        return n.get().intValue();
    }
}
