package dev.netc.ir.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The part of a workload's pod template that matters to the network. */
public record PodTemplate(Map<String, String> labels, String nodeName, Map<String, String> nodeSelector,
                          List<ContainerPort> ports, boolean hostNetwork) {
    public PodTemplate {
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        nodeSelector = java.util.Collections.unmodifiableMap(new TreeMap<>(nodeSelector));
        nodeName = nodeName == null ? "" : nodeName;
        ports = List.copyOf(ports);
    }
}
