package dev.netc.e2e.lab;

/** The tools every traffic test needs. */
public final class Lab {
    private Lab() {
    }

    public static void require() {
        Sh.requireLab("ip", "iptables-restore", "ipset", "nft", "conntrack");
    }

    public static void requireNginx() {
        Sh.requireLab("ip", "nginx");
    }

    /**
     * The pod network lab: {@code ip}/{@code bridge} to read the kernel, {@code unshare}/{@code mount} to give each node
     * its own host-local lease folder, {@code iptables} (the bridge plugin's ipMasq runs it), and the reference CNI
     * plugins netc's conflist names (Debian's containernetworking-plugins).
     */
    public static void requirePodNetwork() {
        Sh.requireLab("ip", "bridge", "nft", "iptables", "unshare", "mount", "/usr/lib/cni/bridge", "/usr/lib/cni/host-local",
                "/usr/lib/cni/portmap");
    }

    /** The DNS lab: a real knotd and its control tool, kdig for the queries, kzonecheck as the applier checks zones. */
    public static void requireDns() {
        Sh.requireLab("ip", "nft", "knotd", "knotc", "kdig", "kzonecheck");
    }
}
