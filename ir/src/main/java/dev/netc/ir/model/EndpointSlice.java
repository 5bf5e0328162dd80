package dev.netc.ir.model;

import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import java.util.List;

/** An EndpointSlice from input (v1 Endpoints objects are read into this form too). */
public record EndpointSlice(ObjectMeta meta, String serviceName, Family addressType, List<Endpoint> endpoints,
                            List<EndpointPort> ports) implements KubeObject {
    public EndpointSlice {
        endpoints = List.copyOf(endpoints);
        ports = List.copyOf(ports);
    }

    /** Conditions follow the API: serving and terminating default as the API server reads a missing value. */
    public record Endpoint(List<IpAddress> addresses, boolean ready, boolean serving, boolean terminating,
                           String nodeName, String podName, SourcePos pos) {
        public Endpoint {
            addresses = List.copyOf(addresses);
            nodeName = nodeName == null ? "" : nodeName;
            podName = podName == null ? "" : podName;
        }
    }

    /** {@code name} is empty for the unnamed port. */
    public record EndpointPort(String name, Protocol protocol, int port) {
    }
}
