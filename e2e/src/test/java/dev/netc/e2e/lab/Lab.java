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
}
