package dev.netc.ir.model;

import dev.netc.ir.LabelSelector;

/**
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob (one run of its job:
 * its pods are selected by policies but are no Service's endpoints): stands for its pods when none of its own
 * live pods are given.
 */
public record Workload(ObjectMeta meta, Kind workloadKind, int replicas, LabelSelector selector,
                       PodTemplate template) implements KubeObject {
    public enum Kind {
        Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController, CronJob;

        /** Whether its pods serve: a CronJob's run and go at their schedule, and are given to no Service. */
        public boolean serves() {
            return this != CronJob;
        }
    }
}
