package dev.netc.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic cluster of scale factor S, shared by both forms of {@link GenCluster}: S = 1 is 1000 nodes, 100
 * namespaces, 10,000 Services, 100,000 pods, 5,000 NetworkPolicies, 2,000 Ingresses and 10 AdminNetworkPolicies (plus
 * the BaselineAdminNetworkPolicy); every count is linear in S, at least 1. Everything is computed from indices (no
 * random numbers, no hash order), so a given S always gives the same cluster.
 */
record ClusterModel(BigDecimal scale, int nodes, List<Ns> namespaces, int adminPolicies) {
    static final String[] WORDS = {"web", "api", "cart", "auth", "search", "orders", "payments", "catalog", "users",
            "inventory", "billing", "media", "notify", "reports", "gateway", "worker"};
    static final String[] TIERS = {"frontend", "backend", "data"};
    static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};
    static final String[] ENVS = {"prod", "staging", "dev"};
    /** Pod addresses a node's /24 holds (.2 to .254). */
    static final int PODS_PER_NODE = 253;

    enum Type { ClusterIP, NodePort, LoadBalancer }

    /** One workload and the Service that selects it. */
    record App(int ns, int index, int global, String name, String tier, String version, boolean stateful,
               boolean headless, int replicas, boolean grpc, boolean metrics, Type type, boolean localExternal,
               boolean localInternal, boolean affinity, String zoneSelector) {
        boolean data() {
            return tier.equals("data");
        }
    }

    record Ns(int index, String name, String team, String env, List<App> apps, int policies, int ingresses) {
    }

    static int count(BigDecimal s, int base) {
        return Math.max(1, s.multiply(BigDecimal.valueOf(base)).setScale(0, RoundingMode.HALF_UP).intValueExact());
    }

    /** The k-th of n near-equal shares of total. */
    static int share(int total, int n, int k) {
        return (int) ((long) (k + 1) * total / n - (long) k * total / n);
    }

    static ClusterModel of(BigDecimal s) {
        if (s.signum() <= 0) throw new IllegalArgumentException("the scale factor must be positive: " + s);
        int nodes = count(s, 1000);
        int nsCount = count(s, 100);
        int services = count(s, 10_000);
        int pods = count(s, 100_000);
        int policies = count(s, 5000);
        int ingresses = count(s, 2000);
        if (pods > (long) nodes * PODS_PER_NODE) throw new IllegalArgumentException("more pods than the nodes hold");
        services = Math.max(services, nsCount); // every namespace has at least one workload
        List<Ns> out = new ArrayList<>();
        int global = 0;
        for (int k = 0; k < nsCount; k++) {
            int v = share(services, nsCount, k);
            int p = Math.max(v, share(pods, nsCount, k));
            List<App> apps = new ArrayList<>();
            for (int j = 0; j < v; j++, global++) {
                apps.add(app(k, j, global, replicas(p, v, j)));
            }
            out.add(new Ns(k, "ns-%04d".formatted(k), "team-" + (k % 10), ENVS[k % 3], List.copyOf(apps),
                    share(policies, nsCount, k), share(ingresses, nsCount, k)));
        }
        return new ClusterModel(s, nodes, List.copyOf(out), count(s, 10));
    }

    /** Replicas of app j of v sharing p pods: near-equal shares, made uneven in pairs (1 to 19 around 10) without changing the sum. */
    static int replicas(int p, int v, int j) {
        int mine = share(p, v, j);
        int pair = j / 2;
        if (j % 2 == 0) {
            if (j + 1 >= v) return mine;
            return mine + Math.max(0, Math.min((pair % 4) * 3, share(p, v, j + 1) - 1));
        }
        return mine - Math.max(0, Math.min((pair % 4) * 3, mine - 1));
    }

    private static App app(int ns, int j, int global, int replicas) {
        String name = WORDS[j % WORDS.length] + "-" + (j / WORDS.length);
        String tier = TIERS[j % 3];
        boolean stateful = j % 8 == 5;
        boolean headless = stateful && j % 16 == 5;
        Type type = Type.ClusterIP;
        boolean localExternal = false;
        if (!headless && global % 40 == 7) type = Type.NodePort;
        if (!headless && global % 40 == 27) {
            type = Type.LoadBalancer;
            localExternal = true;
        }
        boolean localInternal = !headless && type == Type.ClusterIP && global % 100 == 50;
        boolean affinity = !headless && global % 50 == 11;
        return new App(ns, j, global, name, tier, j % 5 == 0 ? "v2" : "v1", stateful, headless, replicas,
                j % 4 == 1, j % 2 == 0, type, localExternal, localInternal, affinity, j % 10 == 3 ? "zone-a" : null);
    }

    int pods() {
        return namespaces.stream().flatMap(n -> n.apps().stream()).mapToInt(App::replicas).sum();
    }

    static String nodeName(int n) {
        return "node-%04d".formatted(n);
    }

    static String nodeAddress(int n) {
        long a = (172L << 24) | (16L << 16) | (n + 10L);
        return ip(a);
    }

    static String podCidr(int n) {
        long a = (10L << 24) | (128L << 16) | ((long) n << 8);
        return ip(a) + "/24";
    }

    static String podIp(int n, int slot) {
        return ip((10L << 24) | (128L << 16) | ((long) n << 8) | (slot + 2L));
    }

    static String clusterIp(int serviceIndex) {
        return ip((10L << 24) | (96L << 16) | (serviceIndex + 16L));
    }

    static String lbIp(int k) {
        return ip((198L << 24) | (18L << 16) | (k + 1L));
    }

    static String ip(long a) {
        return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
    }

    /** n characters of kube's name alphabet from a hash of the text: pod-template hashes, generated name suffixes. */
    static String suffix(String text, int n) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        byte[] h = sha256(text);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append(alphabet.charAt((h[i] & 0xff) % alphabet.length()));
        return b.toString();
    }

    /** A UUID-shaped uid from a hash of the object's identity. */
    static String uid(String identity) {
        byte[] h = sha256("uid:" + identity);
        StringBuilder hex = new StringBuilder(32);
        for (int i = 0; i < 16; i++) hex.append(String.format("%02x", h[i] & 0xff));
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-8"
                + hex.substring(17, 20) + "-" + hex.substring(20, 32);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
