package dev.netc.compiler.passes;

import dev.netc.ir.Protocol;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.PortRange;
import java.util.Optional;

/**
 * The one way the policy passes resolve a named port: against the container ports of the pod that receives the
 * traffic. A pod gives a name to at most one port (the front end refuses a duplicate, NETC025); a NetworkPolicy
 * port also names the protocol, an AdminNetworkPolicy {@code namedPort} does not.
 */
final class NamedPorts {
    /** A port number of a protocol: what a named port stands for on one pod. Ordered by number, then protocol. */
    record PortKey(int port, Protocol protocol) implements Comparable<PortKey> {
        @Override
        public int compareTo(PortKey o) {
            int c = Integer.compare(port, o.port);
            return c != 0 ? c : protocol.compareTo(o.protocol);
        }

        PortRange range() {
            return new PortRange(protocol, port, port);
        }
    }

    private NamedPorts() {
    }

    /** The number and protocol {@code pod} gives {@code name}; with {@code protocol}, only a port of that protocol. */
    static Optional<PortKey> resolve(Pod pod, String name, Optional<Protocol> protocol) {
        for (ContainerPort cp : pod.ports()) {
            if (cp.name().equals(name) && protocol.map(p -> p == cp.protocol()).orElse(true)) {
                return Optional.of(new PortKey(cp.port(), cp.protocol()));
            }
        }
        return Optional.empty();
    }
}
