package dev.netc.ir.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The part of a workload's pod template that matters to the network, and what places its pods. */
public record PodTemplate(Map<String, String> labels, Scheduling scheduling, List<ContainerPort> ports,
                          boolean hostNetwork) {
    public PodTemplate {
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        scheduling = scheduling == null ? Scheduling.ANY : scheduling;
        ports = List.copyOf(ports);
    }

    public PodTemplate(Map<String, String> labels, String nodeName, Map<String, String> nodeSelector,
                       List<ContainerPort> ports, boolean hostNetwork) {
        this(labels, new Scheduling(nodeName, nodeSelector, List.of(), false, List.of()), ports, hostNetwork);
    }

    public String nodeName() {
        return scheduling.nodeName();
    }

    public Map<String, String> nodeSelector() {
        return scheduling.nodeSelector();
    }
}
