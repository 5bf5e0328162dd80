package dev.netc.ir.plan;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import dev.netc.ir.model.ClusterProfile.PodNetwork;
import java.util.List;
import java.util.Optional;

/**
 * The pod network netc builds, when the profile asks for one ({@code spec.podNetwork}): every node of it with its
 * pod CIDRs and the address the others reach them through. Every node routes the others' pod CIDRs, so a node's
 * routes are "every member but itself"; the plan holds each member once.
 *
 * @param settings       mode, VNI, port and MTU; empty when netc does not build the pod network
 * @param members        the nodes of the pod network, by name
 * @param podRanges      the cluster CIDRs: the sources whose traffic leaving the cluster is masqueraded
 * @param noMasquerade   the destinations a pod reaches with its own address (the cluster CIDRs and every node
 *                       address): pods' traffic to anything else leaves masqueraded to its node's address
 */
public record PodNetworkPlan(Optional<PodNetwork> settings, List<Member> members, List<Cidr> podRanges, List<Cidr> noMasquerade) {
    public static final PodNetworkPlan NONE = new PodNetworkPlan(Optional.empty(), List.of(), List.of(), List.of());

    public PodNetworkPlan {
        members = List.copyOf(members);
        podRanges = List.copyOf(podRanges);
        noMasquerade = List.copyOf(noMasquerade);
    }

    /** Pods' traffic of one family that leaves the cluster: from {@code sources}, to anything but {@code except}. */
    public record Egress(List<Cidr> sources, List<Cidr> except) {
        public Egress {
            sources = List.copyOf(sources);
            except = List.copyOf(except);
        }
    }

    /** What the iptables and nftables rulesets masquerade in family {@code f}: nothing when netc does not build the pod network. */
    public Optional<Egress> egress(Family f) {
        List<Cidr> sources = podRanges.stream().filter(c -> c.family() == f).toList();
        if (!present() || sources.isEmpty()) return Optional.empty();
        return Optional.of(new Egress(sources, noMasquerade.stream().filter(c -> c.family() == f).toList()));
    }

    /**
     * One node of the pod network.
     *
     * @param underlay the node's address per family that the others send its pods' traffic to (first of each family)
     * @param podCIDRs its pods' ranges, one per family
     * @param vtepMac  its VXLAN device's MAC, from its name (locally administered, unicast): the same on every compile
     * @param origin   where its pod CIDRs were written
     */
    public record Member(String name, List<IpAddress> underlay, List<Cidr> podCIDRs, String vtepMac, Origin origin) {
        public Member {
            underlay = List.copyOf(underlay);
            podCIDRs = List.copyOf(podCIDRs);
        }

        public Optional<IpAddress> underlay(Family f) {
            return underlay.stream().filter(a -> a.family() == f).findFirst();
        }
    }

    public boolean present() {
        return settings.isPresent();
    }

    public Optional<Member> member(String node) {
        return members.stream().filter(m -> m.name().equals(node)).findFirst();
    }
}
