package dev.netc.ir.model;

import dev.netc.ir.LabelSelector;

/** Deployment, StatefulSet, DaemonSet, ReplicaSet or Job: stands for its pods when no live pods are given. */
public record Workload(ObjectMeta meta, Kind workloadKind, int replicas, LabelSelector selector,
                       PodTemplate template) implements KubeObject {
    public enum Kind { Deployment, StatefulSet, DaemonSet, ReplicaSet, Job }
}
