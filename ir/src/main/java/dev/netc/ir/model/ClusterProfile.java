package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster's own settings ({@code kind: Cluster}, netc.dev/v1alpha1), or kube-proxy's defaults. */
public record ClusterProfile(ObjectMeta meta, List<Cidr> serviceCIDRs, List<Cidr> clusterCIDRs, String dnsDomain,
                             List<Node> nodes, Proxy proxy, IngressListen ingress, Optional<PodNetwork> podNetwork, Dns dns) implements KubeObject {
    public static final String DEFAULT_NODE = "node-1";

    public ClusterProfile {
        serviceCIDRs = List.copyOf(serviceCIDRs);
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodes = List.copyOf(nodes);
        dns = dns == null ? Dns.DEFAULTS : dns;
    }

    /** A profile with CoreDNS's defaults for the cluster DNS (no {@code dns}). */
    public ClusterProfile(ObjectMeta meta, List<Cidr> serviceCIDRs, List<Cidr> clusterCIDRs, String dnsDomain,
                          List<Node> nodes, Proxy proxy, IngressListen ingress, Optional<PodNetwork> podNetwork) {
        this(meta, serviceCIDRs, clusterCIDRs, dnsDomain, nodes, proxy, ingress, podNetwork, Dns.DEFAULTS);
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

    /**
     * The cluster DNS zone's settings ({@code spec.dns}), with the CoreDNS kubernetes plugin's meaning and defaults.
     *
     * @param ttl                every record's TTL in seconds (CoreDNS {@code ttl}, 0-3600, default 5)
     * @param pods               {@code <dashed-ip>.<ns>.pod.<zone>} records: none, or one per pod that exists (CoreDNS
     *                           {@code pods verified}; {@code insecure} answers any address and is no finite zone)
     * @param endpointPodNames   an endpoint without hostname is named by its pod (CoreDNS {@code endpoint_pod_names})
     * @param ignoreEmptyService a ClusterIP Service without ready endpoints gets no records (CoreDNS {@code ignore empty_service})
     * @param serviceIP          the DNS server's address when no kube-dns Service says it
     * @param pos                where {@code dns} was written (the profile's position when it was not)
     */
    public record Dns(int ttl, Pods pods, boolean endpointPodNames, boolean ignoreEmptyService, Optional<IpAddress> serviceIP,
                      SourcePos pos) {
        public static final int DEFAULT_TTL = 5;
        public static final int MAX_TTL = 3600;
        public static final Dns DEFAULTS = new Dns(DEFAULT_TTL, Pods.DISABLED, false, false, Optional.empty(),
                SourcePos.builtin("default cluster profile"));

        public enum Pods {
            DISABLED("disabled"), VERIFIED("verified");

            private final String id;

            Pods(String id) {
                this.id = id;
            }

            public String id() {
                return id;
            }
        }

        /** Whether every setting is CoreDNS's default (the DSL writes no {@code dns} line then). */
        public boolean isDefault() {
            return ttl == DEFAULT_TTL && pods == Pods.DISABLED && !endpointPodNames && !ignoreEmptyService && serviceIP.isEmpty();
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
