package dev.netc.backends.iptables;

import dev.netc.backends.Names;

/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the base32 (RFC 4648) encoding of the
 * sha256 of the service port name and protocol (and, for endpoints, {@code ip:port}), so that a live node's
 * {@code iptables-save} and netc's output name the same chains alike.
 */
public final class ChainNames {
    public static final String SERVICE = "KUBE-SVC-";
    public static final String SERVICE_LOCAL = "KUBE-SVL-";
    public static final String EXTERNAL = "KUBE-EXT-";
    public static final String FIREWALL = "KUBE-FW-";
    public static final String ENDPOINT = "KUBE-SEP-";

    private ChainNames() {
    }

    public static String service(String prefix, String servicePortName, String protocol) {
        return prefix + hash(servicePortName + protocol);
    }

    public static String endpoint(String servicePortName, String protocol, String hostPort) {
        return ENDPOINT + hash(servicePortName + protocol + hostPort);
    }

    /** The project's content hash ({@link Names#hash}): kube-proxy's portProtoHash. */
    public static String hash(String s) {
        return Names.hash(s);
    }
}
