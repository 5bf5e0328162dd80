package dev.netc.ir.model;

import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.SourcePos;
import java.util.List;
import java.util.Map;

/** The cluster's own settings ({@code kind: Cluster}, netc.dev/v1alpha1), or kube-proxy's defaults. */
public record ClusterProfile(ObjectMeta meta, List<Cidr> serviceCIDRs, List<Cidr> clusterCIDRs, String dnsDomain,
                             List<Node> nodes, Proxy proxy, IngressListen ingress) implements KubeObject {
    public static final String DEFAULT_NODE = "node-1";

    public ClusterProfile {
        serviceCIDRs = List.copyOf(serviceCIDRs);
        clusterCIDRs = List.copyOf(clusterCIDRs);
        nodes = List.copyOf(nodes);
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
