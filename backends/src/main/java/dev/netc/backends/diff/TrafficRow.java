package dev.netc.backends.diff;

import dev.netc.ir.Family;
import dev.netc.ir.Origin;
import dev.netc.ir.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * One class of traffic whose fate differs between two plans ({@link TrafficDiff}): every connection from {@code from}
 * to {@code to} on {@code protocol} (empty: every protocol) and {@code ports} (empty: every port) had the fate
 * {@code before} and has {@code after}. Rows of one diff are disjoint.
 *
 * @param node          the node the row holds on (the one that does the Service's DNAT for a node port, an external
 *                      or load-balancer IP, or a cluster IP under internalTrafficPolicy Local); empty when it holds
 *                      alike wherever the sender is (pod to pod: the sender's egress and the receiver's ingress together)
 * @param kind          {@link #POLICY} (to a pod or an address, not translated: a frontend's own address, protocol and
 *                      port are translated, so they are in the frontend's rows, never here), {@link #SERVICE} (to a cluster IP),
 *                      {@link #NODE_PORT} (to a node address's node port), {@link #EXTERNAL} (to an external or
 *                      load-balancer IP)
 * @param family        the address family the row holds in; empty for both (the same pods, nodes, ports and fates in each)
 * @param originsBefore where the rules and Service ports that decide {@code before} were written
 */
public record TrafficRow(Optional<String> node, String kind, Peer from, Peer to, Optional<Family> family, Optional<Protocol> protocol, List<Ports> ports,
                         Fate before, Fate after, List<Origin> originsBefore, List<Origin> originsAfter) {
    public static final String POLICY = "policy";
    public static final String SERVICE = "service";
    public static final String NODE_PORT = "node-port";
    public static final String EXTERNAL = "external-ip";

    public TrafficRow {
        ports = List.copyOf(ports);
        originsBefore = List.copyOf(originsBefore);
        originsAfter = List.copyOf(originsAfter);
    }

    /** Ports {@code first..last}. */
    public record Ports(int first, int last) {
        public boolean contains(int port) {
            return port >= first && port <= last;
        }

        @Override
        public String toString() {
            return first == last ? "" + first : first + "-" + last;
        }
    }

    /**
     * One side of a row: pods by {@code namespace/name}, node hosts by name, and {@code cidrs}: the addresses in
     * them that no pod and no node holds (outside the cluster, or free pod addresses). For a Service frontend,
     * {@code service} ({@code ns/name:port}) and {@code address} (the frontend's address).
     */
    public record Peer(List<String> pods, List<String> nodes, List<String> cidrs, Optional<String> service, Optional<String> address) {
        public Peer {
            pods = List.copyOf(pods);
            nodes = List.copyOf(nodes);
            cidrs = List.copyOf(cidrs);
        }
    }

    /** An endpoint a connection is delivered to: {@code ip:port}, its pod, and whether it sees a masqueraded source. */
    public record Delivery(String endpoint, String pod, boolean masqueraded) implements Comparable<Delivery> {
        @Override
        public int compareTo(Delivery o) {
            int c = endpoint.compareTo(o.endpoint);
            return c != 0 ? c : Boolean.compare(masqueraded, o.masqueraded);
        }

        @Override
        public String toString() {
            return endpoint + (pod.isEmpty() ? "" : " (" + pod + ")") + (masqueraded ? " masqueraded" : "");
        }
    }

    /**
     * A fate: {@code allowed} (delivered), {@code denied} (by policy), {@code rejected} (a Service port without
     * endpoints), {@code dropped} (a Local policy without an endpoint on the node, or
     * only endpoints whose answer cannot come back: a pod of another node reaching a node port under
     * externalTrafficPolicy Local is translated without a masquerade, so an endpoint off that node answers it directly), {@code none} (there is no such
     * connection on that side: the sending or the receiving pod, or the frontend, is not there), or {@code delivered} to {@code endpoints}.
     */
    public record Fate(String verdict, List<Delivery> endpoints) {
        public static final Fate ALLOWED = new Fate("allowed", List.of());
        public static final Fate DENIED = new Fate("denied", List.of());
        public static final Fate REJECTED = new Fate("rejected", List.of());
        public static final Fate DROPPED = new Fate("dropped", List.of());
        public static final Fate NONE = new Fate("none", List.of());

        public Fate {
            endpoints = List.copyOf(endpoints);
        }

        public static Fate delivered(List<Delivery> to) {
            return to.isEmpty() ? DENIED : new Fate("delivered", to.stream().sorted().distinct().toList());
        }

        /** Whether a connection gets an answer from a pod. */
        public boolean reaches() {
            return verdict.equals("allowed") || verdict.equals("delivered");
        }

        @Override
        public String toString() {
            return endpoints.isEmpty() ? verdict : "to " + String.join(", ", endpoints.stream().map(Delivery::toString).toList());
        }
    }
}
