package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Optional;

/**
 * An AdminNetworkPolicy or (with {@code baseline}) the BaselineAdminNetworkPolicy
 * (policy.networking.k8s.io/v1alpha1). Cluster-scoped. Admin policies are judged before NetworkPolicy, in
 * priority order (lower first), each policy's rules in the order written, the first matching rule deciding;
 * {@code Pass} hands the connection to NetworkPolicy. The baseline policy is judged after NetworkPolicy, only
 * for pods no NetworkPolicy isolates in that direction. {@code priority} is 0 for the baseline.
 */
public record AdminNetworkPolicy(ObjectMeta meta, boolean baseline, int priority, Subject subject,
                                 List<Rule> ingress, List<Rule> egress) implements KubeObject {
    public enum Action { Allow, Deny, Pass }

    public AdminNetworkPolicy {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    /** The pods a policy applies to: pods matching {@code pods} (absent = all) in namespaces matching {@code namespaces}. */
    public record Subject(LabelSelector namespaces, Optional<LabelSelector> pods) {
    }

    /** {@code ports} empty = every port. */
    public record Rule(String name, Action action, List<Peer> peers, List<Port> ports, SourcePos pos) {
        public Rule {
            peers = List.copyOf(peers);
            ports = List.copyOf(ports);
        }
    }

    /**
     * One peer: pods ({@code namespaces} + optional {@code pods} selector), nodes (egress only: the nodes'
     * addresses), or networks (egress only: CIDRs).
     */
    public record Peer(Kind kind, LabelSelector namespaces, Optional<LabelSelector> pods, LabelSelector nodes,
                       List<Cidr> networks) {
        public enum Kind { PODS, NODES, NETWORKS }

        public Peer {
            networks = List.copyOf(networks);
        }
    }

    /** A port number or range ({@code first..last}), or a named container port of the receiving pod. */
    public record Port(Protocol protocol, int first, int last, Optional<String> name) {
    }
}
