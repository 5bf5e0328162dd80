package dev.netc.applier;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The backends {@code netc apply} installs, named as the manifest names them. */
public enum BackendKind {
    NFTABLES, IPTABLES, IPVS, NGINX, PODNET, DNS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** nginx's and dns's files are shared by every node (cluster-wide); the others live under {@code nodes/<node>/}. */
    public boolean perNode() {
        return this != NGINX && this != DNS;
    }

    /** The folder of OUT a cluster-wide backend's files sit in ({@code ingress/}, {@code dns/}); empty for a per-node one. */
    public String clusterFolder() {
        return switch (this) {
            case NGINX -> "ingress/";
            case DNS -> "dns/";
            default -> "";
        };
    }

    public static Optional<BackendKind> parse(String id) {
        return Arrays.stream(values()).filter(b -> b.id().equals(id.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
