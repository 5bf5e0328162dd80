package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster's own settings ({@code kind: Cluster}, netc.dev/v1alpha1), or kube-proxy's defaults. */
public record ClusterProfile(ObjectMeta meta, List<Cidr> serviceCIDRs, List<Cidr> clusterCIDRs, String dnsDomain,
                             List<Node> nodes, Proxy proxy, IngressListen ingress, Optional<PodNetwork> podNetwork) implements KubeObject {
    public static final String DEFAULT_NODE = "node-1";

    public ClusterProfile {
        serviceCIDRs = List.copyOf(serviceCIDRs);
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodes = List.copyOf(nodes);
    }

    /** A profile that leaves the pod network to someone else (no {@code podNetwork}). */
    public ClusterProfile(ObjectMeta meta, List<Cidr> serviceCIDRs, List<Cidr> clusterCIDRs, String dnsDomain,
                          List<Node> nodes, Proxy proxy, IngressListen ingress) {
        this(meta, serviceCIDRs, clusterCIDRs, dnsDomain, nodes, proxy, ingress, Optional.empty());
    }

    /**
     * The pod network netc builds ({@code spec.podNetwork}): routes to the other nodes' pod CIDRs, directly
     * ({@code host-gw}: every node on one link) or through a VXLAN device, and each node's CNI configuration.
     *
     * @param mtu the underlay's MTU; pods and the VXLAN device get {@link #podMtu} (VXLAN takes 50 bytes)
     * @param pos where {@code podNetwork} was written
     */
    public record PodNetwork(Mode mode, int vni, int port, int mtu, SourcePos pos) {
        public static final int DEFAULT_VNI = 1;
        /** Linux's VXLAN port, flannel's too (the IANA port is 4789). */
        public static final int DEFAULT_PORT = 8472;
        public static final int DEFAULT_MTU = 1500;
        /** An outer IPv4 header, UDP, VXLAN and the inner Ethernet header. */
        public static final int VXLAN_OVERHEAD = 50;

        public enum Mode {
            HOST_GW("host-gw"), VXLAN("vxlan");

            private final String id;

            Mode(String id) {
                this.id = id;
            }

            public String id() {
                return id;
            }
        }

        /** The MTU of pods' interfaces, the bridge and the VXLAN device. */
        public int podMtu() {
            return mode == Mode.VXLAN ? mtu - VXLAN_OVERHEAD : mtu;
        }
    }

    /** {@code nodePortAddresses} empty = every node address (kube-proxy's default). */
    public record Proxy(boolean masqueradeAll, List<Cidr> nodePortAddresses) {
        public Proxy {
            nodePortAddresses = List.copyOf(nodePortAddresses);
        }
    }

    /**
     * The ingress controller's listen ports, and {@code classes}: the IngressClass names served when an Ingress
     * names a class the input does not hold (ingress-nginx installs its IngressClass {@code nginx}, which is the
     * default: with the controller installed apart from the application, that class is in the cluster but not
     * in the input).
     */
    public record IngressListen(int httpPort, int httpsPort, List<String> classes) {
        public static final List<String> DEFAULT_CLASSES = List.of("nginx");

        public IngressListen {
            classes = List.copyOf(classes);
        }

        public IngressListen(int httpPort, int httpsPort) {
            this(httpPort, httpsPort, DEFAULT_CLASSES);
        }
    }

    /** The profile used when the input has none: kubeadm's default ranges, one node. */
    public static ClusterProfile defaults() {
        SourcePos pos = SourcePos.builtin("default cluster profile");
        return new ClusterProfile(new ObjectMeta("Cluster", "", "default", Map.of(), Map.of(), pos, Map.of()),
                List.of(Cidr.parse("10.96.0.0/12")), List.of(Cidr.parse("10.244.0.0/16")), "cluster.local",
                List.of(), new Proxy(false, List.of()), new IngressListen(80, 443));
    }

    /** The primary service family: the family of the first service CIDR. */
    public Family primaryFamily() {
        return serviceCIDRs.isEmpty() ? Family.IPV4 : serviceCIDRs.get(0).family();
    }
}
