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

    /**
     * Conditions follow the API: serving and terminating default as the API server reads a missing value.
     * {@code hostname} is the endpoint's DNS label under a headless Service (empty when not given).
     */
    public record Endpoint(List<IpAddress> addresses, boolean ready, boolean serving, boolean terminating,
                           String nodeName, String podName, String hostname, SourcePos pos) {
        public Endpoint {
            addresses = List.copyOf(addresses);
            nodeName = nodeName == null ? "" : nodeName;
            podName = podName == null ? "" : podName;
            hostname = hostname == null ? "" : hostname;
        }

        /** An endpoint without a hostname. */
        public Endpoint(List<IpAddress> addresses, boolean ready, boolean serving, boolean terminating,
                        String nodeName, String podName, SourcePos pos) {
            this(addresses, ready, serving, terminating, nodeName, podName, "", pos);
        }
    }

    /** {@code name} is empty for the unnamed port. */
    public record EndpointPort(String name, Protocol protocol, int port) {
    }
}
