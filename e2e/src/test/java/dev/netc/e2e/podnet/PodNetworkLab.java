package dev.netc.e2e.podnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netc.cli.Netc;
import dev.netc.e2e.lab.Netns;
import dev.netc.e2e.lab.Sh;
import dev.netc.e2e.lab.VirtualCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A cluster that netc wires: node namespaces on an underlay, {@code netc compile} of a generated profile, on every node
 * {@code netc apply --backend podnet} and {@code --backend nftables}, and pods made as a container runtime makes them,
 * through the reference CNI plugins running netc's conflist verbatim. Every pod, node and the outside run a TCP server
 * that answers each connection with the peer address it sees.
 *
 * <p>Underlays: host-gw needs the nodes on one link (a bridge in a fabric namespace, 192.168.77.0/24, the outside at
 * .200 on it); VXLAN is put where host-gw could not work, a routed underlay (node i alone on 192.168.(100+i).0/24, a
 * router at .1 of each, which is also the outside). The outside holds {@link #OUTSIDE} on its loopback: an address
 * outside the cluster the nodes reach through their default route.
 *
 * <p>Nothing is created in the JVM's own namespace. Names carry the JVM's pid ({@link VirtualCluster#scratchName}) so a
 * later run removes what a crashed one left; {@link #close} removes every namespace and file, also after a failure.
 */
final class PodNetworkLab implements AutoCloseable {
    static final int ECHO_PORT = 8080;
    static final String OUTSIDE = "203.0.113.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Mode {
        HOST_GW("host-gw"), VXLAN("vxlan");

        final String id;

        Mode(String id) {
            this.id = id;
        }

        /** Node i's underlay address. */
        String address(int i) {
            return this == HOST_GW ? "192.168.77." + (10 + i) : "192.168." + (100 + i) + ".2";
        }

        @Override
        public String toString() {
            return id;
        }
    }

    record NodeSpec(String name, String address, String podCidr) {
        /** The pod CIDR's network address (a /24 here): VXLAN's gateway and device address for the node. */
        String podNetwork() {
            return podCidr.substring(0, podCidr.indexOf('/'));
        }
    }

    /** A cluster profile of nodes n1..nN, node i with {@code mode.address(i)} and 10.244.i.0/24. */
    record Profile(Mode mode, List<NodeSpec> nodes) {
        Profile {
            nodes = List.copyOf(nodes);
        }

        static Profile of(Mode mode, int n) {
            return new Profile(mode, IntStream.rangeClosed(1, n).mapToObj(i -> new NodeSpec("n" + i, mode.address(i), "10.244." + i + ".0/24")).toList());
        }

        String yaml() {
            StringBuilder b = new StringBuilder("""
                    apiVersion: netc.dev/v1alpha1
                    kind: Cluster
                    metadata: {name: podnet-lab}
                    spec:
                      clusterCIDRs: [10.244.0.0/16]
                      podNetwork: {mode: %s}
                      nodes:
                    """.formatted(mode.id));
            for (NodeSpec n : nodes) {
                b.append("    - {name: ").append(n.name()).append(", addresses: [").append(n.address()).append("], podCIDRs: [")
                        .append(n.podCidr()).append("]}\n");
            }
            return b.toString();
        }
    }

    record Node(NodeSpec spec, String ns) {
        String name() {
            return spec.name();
        }
    }

    /** A pod: its namespace, its node, the CNI attachment (for CHECK and DEL) and its address from the ADD result. */
    record Pod(String name, Node node, String ns, CniRuntime cni, CniRuntime.Attachment attachment) {
        String ip() {
            String cidr = attachment.result().at("/ips/0/address").asText();
            return cidr.substring(0, cidr.indexOf('/'));
        }
    }

    /** One connection: the address the server saw it from, and the client socket's own local address. */
    record Seen(String byServer, String byClient) {
    }

    private final Mode mode;
    private final String id = UUID.randomUUID().toString().substring(0, 6);
    private final Path dir;
    private final List<String> created = new ArrayList<>();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Pod> pods = new ArrayList<>();
    private final Map<String, Netns> threads = new LinkedHashMap<>();
    private final Map<String, List<AutoCloseable>> sockets = new LinkedHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "podnet-lab-io");
        t.setDaemon(true);
        return t;
    });
    private final Netns.LibC libc = Netns.libc();
    private String outside;
    private Profile profile;
    private Path out;
    private int compiles;

    private PodNetworkLab(Mode mode, Profile profile) throws IOException {
        this.mode = mode;
        this.profile = profile;
        this.dir = Files.createTempDirectory("netc-podnet-lab-");
    }

    /** A wired cluster of {@code nodeCount} nodes with {@code podsPerNode} pods each. */
    static PodNetworkLab start(Mode mode, int nodeCount, int podsPerNode) throws IOException {
        VirtualCluster.sweepStale();
        PodNetworkLab lab = new PodNetworkLab(mode, Profile.of(mode, nodeCount));
        try {
            lab.build(podsPerNode);
            return lab;
        } catch (IOException | RuntimeException e) {
            try {
                lab.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private void build(int podsPerNode) throws IOException {
        if (mode == Mode.HOST_GW) sharedLink();
        else routedUnderlay();
        out = compile(profile);
        applyEverywhere();
        for (Node n : nodes.values()) {
            for (int j = 0; j < podsPerNode; j++) addPod(n, "p" + j, c -> { });
        }
        for (Node n : nodes.values()) serveEcho(n.ns());
        serveEcho(outside);
    }

    private String addNs(String role, boolean forwarding) throws IOException {
        String name = VirtualCluster.scratchName(id + "-" + role);
        Sh.ok("ip", "netns", "add", name);
        created.add(name);
        Sh.ok("ip", "-n", name, "link", "set", "lo", "up");
        // Replies between a node and another node's pods come back over the underlay while the requests went through
        // the VXLAN device (or the reverse): strict reverse-path filtering would drop them. Set before any interface.
        Sh.in(name, null, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv4.ip_forward=" + (forwarding ? 1 : 0));
        threads.put(name, new Netns(libc, name));
        return name;
    }

    /** host-gw's underlay: every node and the outside on one bridge. */
    private void sharedLink() throws IOException {
        String fab = addNs("fab", false);
        Sh.ok("ip", "-n", fab, "link", "add", "br0", "type", "bridge");
        Sh.ok("ip", "-n", fab, "link", "set", "br0", "up");
        outside = addNs("out", false);
        String outsideAddress = "192.168.77.200";
        link(fab, "out", outside, outsideAddress + "/24");
        Sh.ok("ip", "-n", fab, "link", "set", "out", "master", "br0");
        Sh.ok("ip", "-n", outside, "addr", "add", OUTSIDE + "/32", "dev", "lo");
        for (NodeSpec s : profile.nodes()) {
            String ns = addNs(s.name(), true);
            link(fab, s.name(), ns, s.address() + "/24");
            Sh.ok("ip", "-n", fab, "link", "set", s.name(), "master", "br0");
            Sh.ok("ip", "-n", ns, "route", "add", "default", "via", outsideAddress);
            nodes.put(s.name(), new Node(s, ns));
        }
    }

    /** VXLAN's underlay: each node on a /24 of its own behind a router, so no node is on another's link. */
    private void routedUnderlay() throws IOException {
        outside = addNs("router", true);
        Sh.ok("ip", "-n", outside, "addr", "add", OUTSIDE + "/32", "dev", "lo");
        for (NodeSpec s : profile.nodes()) {
            String ns = addNs(s.name(), true);
            String gateway = s.address().substring(0, s.address().lastIndexOf('.')) + ".1";
            link(outside, "r-" + s.name(), ns, s.address() + "/24");
            Sh.ok("ip", "-n", outside, "addr", "add", gateway + "/24", "dev", "r-" + s.name());
            Sh.ok("ip", "-n", ns, "route", "add", "default", "via", gateway);
            nodes.put(s.name(), new Node(s, ns));
        }
    }

    /** A veth from {@code hubNs} (named {@code hubEnd}) to {@code ns}'s eth0 holding {@code cidr}; both ends up. */
    private static void link(String hubNs, String hubEnd, String ns, String cidr) {
        Sh.ok("ip", "link", "add", hubEnd, "netns", hubNs, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.ok("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0");
        Sh.ok("ip", "-n", ns, "link", "set", "eth0", "up");
        Sh.ok("ip", "-n", hubNs, "link", "set", hubEnd, "up");
    }

    record NetcRun(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + err;
        }
    }

    static NetcRun netc(List<String> args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Netc.run(args.toArray(String[]::new), new PrintWriter(o), new PrintWriter(e));
        return new NetcRun(code, o.toString(), e.toString());
    }

    private Path compile(Profile p) throws IOException {
        compiles++;
        Path in = Files.writeString(dir.resolve("profile-" + compiles + ".yaml"), p.yaml());
        Path o = dir.resolve("out-" + compiles);
        // A profile alone holds no Kubernetes object: --allow-empty says that is meant.
        NetcRun r = netc(List.of("compile", in.toString(), "--backend", "podnet,nftables", "--allow-empty", "-o", o.toString()));
        if (r.exit() != 0) throw new IllegalStateException("netc compile: " + r);
        return o;
    }

    /** {@code netc apply} of the current OUT on every node of the lab, podnet then nftables. */
    private void applyEverywhere() {
        for (Node n : nodes.values()) {
            for (String backend : List.of("podnet", "nftables")) {
                NetcRun r = netc(List.of("apply", "--backend", backend, "--node", n.name(), "--netns", n.ns(), "--state-dir",
                        dir.resolve("state").resolve(n.name()).toString(), "--lock-timeout", "30", out.toString()));
                if (r.exit() != 0) throw new IllegalStateException("netc apply --backend " + backend + " on " + n.name() + ": " + r);
            }
        }
    }

    /** Compiles {@code next} and applies it on every node the lab has (a node only in {@code next} gets no namespace). */
    void reconfigure(Profile next) throws IOException {
        Path o = compile(next);
        profile = next;
        out = o;
        applyEverywhere();
    }

    /** netc's conflist for {@code node} in the current OUT, as the runtime would read it from /etc/cni/net.d. */
    JsonNode conflist(Node node) throws IOException {
        return JSON.readTree(out.resolve("nodes").resolve(node.name()).resolve("cni/10-netc.conflist").toFile());
    }

    /**
     * A pod on {@code node} made by the plugins of the node's conflist, as {@code edit} leaves a copy of it (the tests
     * that show a wrong configuration is caught edit it; every other pod gets it unchanged). Starts its echo server.
     */
    Pod addPod(Node node, String name, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode conf = (ObjectNode) conflist(node).deepCopy();
        edit.accept(conf);
        Path leases = Files.createDirectories(dir.resolve("leases").resolve(node.name()));
        CniRuntime cni = new CniRuntime(conf, node.ns(), leases);
        String ns = addNs(node.name() + "-" + name, false);
        String containerId = "podnet-lab-" + id + "-" + node.name() + "-" + name;
        CniRuntime.Attachment a;
        try {
            a = cni.add(containerId, ns);
        } catch (IOException e) {
            // A failed ADD may have left part of the attachment: the spec's answer is a DEL.
            cni.del(new CniRuntime.Attachment(containerId, ns, null));
            throw e;
        }
        Pod pod = new Pod(name, node, ns, cni, a);
        pods.add(pod);
        serveEcho(ns);
        return pod;
    }

    /** DEL of the pod's attachment, then its namespace goes; the runs of every plugin are returned. */
    List<CniRuntime.Run> removePod(Pod pod) throws IOException {
        closeSockets(pod.ns());
        List<CniRuntime.Run> runs = pod.cni().del(pod.attachment());
        pods.remove(pod);
        dropNs(pod.ns());
        return runs;
    }

    private void serveEcho(String ns) throws IOException {
        ServerSocket ss = thread(ns).call(() -> new ServerSocket(ECHO_PORT, 64, InetAddress.getByName("0.0.0.0")));
        keep(ns, ss);
        pool.submit(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    String peer = ((InetSocketAddress) s.getRemoteSocketAddress()).getAddress().getHostAddress();
                    s.getOutputStream().write((peer + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed, or the client went away: serve the next one until the socket is closed
                }
            }
            return null;
        });
    }

    private void keep(String ns, AutoCloseable socket) {
        sockets.computeIfAbsent(ns, k -> new ArrayList<>()).add(socket);
    }

    /**
     * Connects from namespace {@code fromNs} (bound to {@code bind}, or the kernel's choice when null) to the echo server
     * at {@code dst}; fails with both ends named when no answer comes.
     */
    Seen connect(String fromNs, String bind, String dst) throws IOException {
        Socket s = thread(fromNs).call(() -> {
            Socket x = new Socket();
            x.bind(new InetSocketAddress(bind == null ? "0.0.0.0" : bind, 0)); // the socket is made here, in fromNs
            return x;
        });
        try (s) {
            s.connect(new InetSocketAddress(dst, ECHO_PORT), 3000);
            s.setSoTimeout(3000);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (line == null) throw new IOException("no answer");
            return new Seen(line.strip(), s.getLocalAddress().getHostAddress());
        } catch (IOException e) {
            throw new IOException(fromNs + " (" + bind + ") -> " + dst + ":" + ECHO_PORT + ": " + e.getMessage(), e);
        }
    }

    Netns thread(String ns) {
        Netns t = threads.get(ns);
        if (t == null) throw new IllegalArgumentException("no namespace " + ns + " in the lab");
        return t;
    }

    /** {@code ip -j ARGS} in {@code ns}, parsed. */
    static JsonNode ipJson(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns, "-j"));
        cmd.addAll(List.of(args));
        return JSON.readTree(Sh.ok(cmd.toArray(String[]::new)));
    }

    /** {@code bridge -j ARGS} in {@code ns}, parsed. */
    static JsonNode bridgeJson(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bridge", "-j"));
        cmd.addAll(List.of(args));
        return JSON.readTree(Sh.in(ns, null, cmd.toArray(String[]::new)));
    }

    Mode mode() {
        return mode;
    }

    Profile profile() {
        return profile;
    }

    Path out() {
        return out;
    }

    List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    Node node(String name) {
        return nodes.get(name);
    }

    List<Pod> pods() {
        return List.copyOf(pods);
    }

    /** Every namespace the lab made and has not removed yet. */
    List<String> namespaces() {
        return List.copyOf(created);
    }

    Path dir() {
        return dir;
    }

    private void closeSockets(String ns) {
        for (AutoCloseable s : sockets.getOrDefault(ns, List.of())) {
            try {
                s.close();
            } catch (Exception e) {
                // closing anyway: the namespace goes next
            }
        }
        sockets.remove(ns);
    }

    private void dropNs(String ns) {
        Netns t = threads.remove(ns);
        if (t != null) t.close();
        Sh.run(null, List.of("ip", "netns", "del", ns));
        created.remove(ns);
    }

    /**
     * Removes the pods (CNI DEL first, as a runtime does, so their leases and the bridge ports go), then every
     * namespace and file. Fails after the clean-up, never before it, when a DEL failed.
     */
    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        List<Pod> newestFirst = new ArrayList<>(pods);
        Collections.reverse(newestFirst);
        for (Pod p : newestFirst) {
            try {
                removePod(p).stream().filter(r -> r.exit() != 0).forEach(r -> failures.add(p.ns() + ": DEL " + r));
            } catch (IOException | RuntimeException e) {
                failures.add(p.ns() + ": " + e);
            }
        }
        new ArrayList<>(sockets.keySet()).forEach(this::closeSockets);
        pool.shutdownNow();
        List<String> namespaces = new ArrayList<>(created);
        Collections.reverse(namespaces);
        namespaces.forEach(this::dropNs);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            failures.add("removing " + dir + ": " + e);
        }
        if (!failures.isEmpty()) throw new IllegalStateException("podnet lab clean-up: " + String.join("; ", failures));
    }
}
