package dev.netc.applier;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The backends {@code netc apply} installs, named as the manifest names them. */
public enum BackendKind {
    NFTABLES, IPTABLES, IPVS, NGINX, PODNET;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** nginx's files are shared by every node; the others live under {@code nodes/<node>/}. */
    public boolean perNode() {
        return this != NGINX;
    }

    public static Optional<BackendKind> parse(String id) {
        return Arrays.stream(values()).filter(b -> b.id().equals(id.trim().toLowerCase(Locale.ROOT))).findFirst();
    }
}
