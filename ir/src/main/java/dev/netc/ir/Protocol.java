package dev.netc.ir;

import java.util.Locale;

public enum Protocol {
    TCP, UDP, SCTP;

    /** Lower-case spelling used by iptables and nft ({@code tcp}). */
    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
