package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Optional;

/** A NetworkPolicy with policyTypes defaulted as the API server does. Empty peer or port lists mean "all". */
public record NetworkPolicy(ObjectMeta meta, LabelSelector podSelector, boolean ingressIsolation,
                            boolean egressIsolation, List<Rule> ingress, List<Rule> egress) implements KubeObject {
    public NetworkPolicy {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public record Rule(List<Peer> peers, List<Port> ports, SourcePos pos) {
        public Rule {
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }
    }

    /** Exactly one of: podSelector and/or namespaceSelector, or ipBlock. */
    public record Peer(Optional<LabelSelector> podSelector, Optional<LabelSelector> namespaceSelector,
                       Optional<IpBlock> ipBlock, SourcePos pos) {
    }

    public record IpBlock(Cidr cidr, List<Cidr> except, SourcePos pos) {
        public IpBlock {
            except = List.copyOf(except);
        }
    }

    /** {@code port} empty = every port of the protocol; {@code endPort} 0 = a single port. */
    public record Port(Protocol protocol, Optional<PortRef> port, int endPort, SourcePos pos) {
    }
}
