package dev.netc.ir;

/** Address family. Order matters: IPv4 sorts before IPv6 everywhere in output. */
public enum Family {
    IPV4("IPv4"), IPV6("IPv6");

    private final String apiName;

    Family(String apiName) {
        this.apiName = apiName;
    }

    /** The spelling the Kubernetes API uses ({@code IPv4}, {@code IPv6}). */
    public String apiName() {
        return apiName;
    }

    public static Family fromApiName(String s) {
        for (Family f : values()) if (f.apiName.equals(s)) return f;
        throw new IllegalArgumentException("not an IP family: " + s);
    }
}
