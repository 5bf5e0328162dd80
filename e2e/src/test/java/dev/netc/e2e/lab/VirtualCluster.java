package dev.netc.e2e.lab;

import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.ContainerPort;
import dev.netc.ir.model.Node;
import dev.netc.ir.model.Pod;
import dev.netc.ir.plan.NetworkPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A cluster made of network namespaces, built from a compiled plan: one namespace per node and per pod, a
 * fabric namespace with a bridge joining the nodes and an external client, routes between nodes' pod CIDRs,
 * and in every pod TCP and UDP servers on its container ports that answer {@code ns/pod <source-ip>}.
 * IPv4 only. Nothing is created in, or changed in, the namespace the JVM runs in; {@link #close} removes every
 * namespace, and a new cluster first removes namespaces left by a crashed run.
 *
 * <p>Layout: nodes on 192.168.77.0/24 (their addresses from the plan), the external client at
 * {@link #EXTERNAL_ADDRESS}, with two more source addresses ({@link #ALLOWED_SOURCE}, {@link #OTHER_SOURCE})
 * for source-range tests. Pods reach their node through a veth with a /32 route (Calico's layout: the pod's
 * default route points at a link-local gateway the node answers by proxy ARP).
 */
public final class VirtualCluster implements AutoCloseable {
    public static final String RUN_PREFIX = "nce2e";
    public static final IpAddress EXTERNAL_ADDRESS = IpAddress.parse("192.168.77.200");
    public static final IpAddress ALLOWED_SOURCE = IpAddress.parse("203.0.113.10");
    public static final IpAddress OTHER_SOURCE = IpAddress.parse("198.18.0.10");

    private final String id = UUID.randomUUID().toString().substring(0, 6);
    private final List<String> created = new ArrayList<>();
    private final Map<String, String> nodeNs = new LinkedHashMap<>();
    private final Map<String, String> podNs = new LinkedHashMap<>();
    private final Map<String, Netns> threads = new LinkedHashMap<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vc-io");
        t.setDaemon(true);
        return t;
    });
    private final Netns.LibC libc = Netns.libc();
    private final String ext;
    /** The external client's routing table per source whose cluster IP traffic goes its own way ({@link #routeExternalFrom}). */
    private final Map<IpAddress, Integer> sourceTables = new TreeMap<>();
    private final Set<String> sourceRules = new TreeSet<>();

    private VirtualCluster() {
        this.ext = ns("ext");
    }

    private String ns(String role) {
        return scratchName(id + "-" + role);
    }

    /**
     * A namespace name of this test run: {@code nce2e-<pid>-<suffix>}. The JVM's pid in the name lets
     * {@link #sweepStale()} remove only what a run that no longer exists left behind, so two test runs on one
     * machine never delete each other's namespaces.
     */
    public static String scratchName(String suffix) {
        return RUN_PREFIX + "-" + ProcessHandle.current().pid() + "-" + suffix;
    }

    /** Builds the namespaces of {@code plan}'s nodes and pods and starts the pods' servers. */
    public static VirtualCluster build(NetworkPlan plan) throws IOException {
        return build(plan, Set.of());
    }

    /**
     * As {@link #build(NetworkPlan)}, but the pods named in {@code serverless} ({@code ns/name}) get no identity
     * servers: the test runs a real server on their ports (a DNS pod's knotd on 53).
     */
    public static VirtualCluster build(NetworkPlan plan, Set<String> serverless) throws IOException {
        sweepStale();
        VirtualCluster vc = new VirtualCluster();
        try {
            vc.create(plan, serverless);
            return vc;
        } catch (IOException | RuntimeException e) {
            vc.close();
            throw e;
        }
    }

    /** Removes namespaces that runs which no longer exist left behind (only this harness's prefix). */
    public static void sweepStale() {
        for (String line : Sh.ok("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0];
            if (!name.startsWith(RUN_PREFIX + "-")) continue;
            String[] parts = name.split("-");
            long pid;
            try {
                pid = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                pid = -1; // an older run's name without a pid
            }
            if (pid > 0 && ProcessHandle.of(pid).isPresent()) continue;
            Sh.run(null, List.of("ip", "netns", "del", name));
        }
    }

    private void addNs(String name) {
        Sh.ok("ip", "netns", "add", name);
        created.add(name);
        Sh.ok("ip", "-n", name, "link", "set", "lo", "up");
    }

    private void create(NetworkPlan plan, Set<String> serverless) throws IOException {
        String fab = ns("fab");
        addNs(fab);
        Sh.ok("ip", "-n", fab, "link", "add", "br0", "type", "bridge");
        Sh.ok("ip", "-n", fab, "link", "set", "br0", "up");
        addNs(ext);
        Sh.ok("ip", "link", "add", "x0", "netns", fab, "type", "veth", "peer", "name", "eth0", "netns", ext);
        Sh.ok("ip", "-n", fab, "link", "set", "x0", "master", "br0", "up");
        Sh.ok("ip", "-n", ext, "addr", "add", EXTERNAL_ADDRESS.text() + "/24", "dev", "eth0");
        Sh.ok("ip", "-n", ext, "link", "set", "eth0", "up");
        Sh.ok("ip", "-n", ext, "addr", "add", ALLOWED_SOURCE.text() + "/32", "dev", "lo");
        Sh.ok("ip", "-n", ext, "addr", "add", OTHER_SOURCE.text() + "/32", "dev", "lo");
        Sh.in(ext, null, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        threads.put(ext, new Netns(libc, ext));

        List<Node> nodes = plan.cluster().nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String nn = ns("n" + i);
            nodeNs.put(n.name(), nn);
            addNs(nn);
            Sh.in(nn, null, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0",
                    "net.ipv4.conf.default.rp_filter=0");
            Sh.ok("ip", "link", "add", "n" + i, "netns", fab, "type", "veth", "peer", "name", "eth0", "netns", nn);
            Sh.ok("ip", "-n", fab, "link", "set", "n" + i, "master", "br0", "up");
            IpAddress addr = n.primaryAddress(Family.IPV4).orElseThrow(() -> new IOException("node " + n.name() + " has no IPv4 address"));
            Sh.ok("ip", "-n", nn, "addr", "add", addr.text() + "/24", "dev", "eth0");
            Sh.ok("ip", "-n", nn, "link", "set", "eth0", "up");
            Sh.ok("ip", "-n", nn, "route", "add", "default", "via", EXTERNAL_ADDRESS.text());
            threads.put(nn, new Netns(libc, nn));
        }
        for (Node n : nodes) {
            for (Node other : nodes) {
                if (other == n) continue;
                for (var cidr : other.podCIDRs()) {
                    if (cidr.family() != Family.IPV4) continue;
                    Sh.ok("ip", "-n", nodeNs.get(n.name()), "route", "add", cidr.text(), "via",
                            other.primaryAddress(Family.IPV4).orElseThrow().text());
                }
            }
        }
        int j = 0;
        for (Pod p : plan.cluster().pods()) {
            if (p.hostNetwork() || p.ip(Family.IPV4).isEmpty() || !nodeNs.containsKey(p.nodeName())) continue;
            String pn = ns("p" + j);
            String nn = nodeNs.get(p.nodeName());
            String ip = p.ip(Family.IPV4).get().text();
            podNs.put(p.meta().qualifiedName(), pn);
            addNs(pn);
            Sh.ok("ip", "link", "add", "p" + j, "netns", nn, "type", "veth", "peer", "name", "eth0", "netns", pn);
            Sh.ok("ip", "-n", pn, "addr", "add", ip + "/32", "dev", "eth0");
            Sh.ok("ip", "-n", pn, "link", "set", "eth0", "up");
            Sh.ok("ip", "-n", pn, "route", "add", "169.254.1.1", "dev", "eth0");
            Sh.ok("ip", "-n", pn, "route", "add", "default", "via", "169.254.1.1", "dev", "eth0");
            Sh.ok("ip", "-n", nn, "link", "set", "p" + j, "up");
            Sh.ok("ip", "-n", nn, "route", "add", ip + "/32", "dev", "p" + j);
            Sh.in(nn, null, "sysctl", "-qw", "net.ipv4.conf.p" + j + ".proxy_arp=1", "net.ipv4.conf.p" + j + ".rp_filter=0");
            Netns t = new Netns(libc, pn);
            threads.put(pn, t);
            if (!serverless.contains(p.meta().qualifiedName())) startServers(t, p);
            j++;
        }
    }

    private void startServers(Netns t, Pod p) throws IOException {
        String who = p.meta().qualifiedName();
        for (ContainerPort cp : p.ports()) {
            if (cp.protocol() == Protocol.TCP) {
                ServerSocket ss = t.call(() -> new ServerSocket(cp.port(), 256, InetAddress.getByName("0.0.0.0")));
                servers.add(ss);
                pool.submit(() -> {
                    while (!ss.isClosed()) {
                        try (Socket s = ss.accept()) {
                            OutputStream o = s.getOutputStream();
                            o.write((who + " " + ((InetSocketAddress) s.getRemoteSocketAddress()).getAddress().getHostAddress() + "\n")
                                    .getBytes(StandardCharsets.UTF_8));
                            o.flush();
                        } catch (IOException e) {
                            // closed, or the client went away: keep serving until the socket is closed
                        }
                    }
                    return null;
                });
            } else if (cp.protocol() == Protocol.UDP) {
                DatagramSocket ds = t.call(() -> new DatagramSocket(new InetSocketAddress("0.0.0.0", cp.port())));
                servers.add(ds);
                pool.submit(() -> {
                    byte[] buf = new byte[512];
                    while (!ds.isClosed()) {
                        try {
                            DatagramPacket in = new DatagramPacket(buf, buf.length);
                            ds.receive(in);
                            byte[] out = (who + " " + in.getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8);
                            ds.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
                        } catch (IOException e) {
                            // closed: the loop ends
                        }
                    }
                    return null;
                });
            }
        }
    }

    /** The namespace of a node, a pod ({@code ns/name}), or "external". */
    public String namespaceOf(String who) {
        if (who.equals("external")) return ext;
        String n = nodeNs.get(who);
        if (n != null) return n;
        n = podNs.get(who);
        if (n == null) throw new IllegalArgumentException("no node or pod " + who);
        return n;
    }

    public String nodeNamespace(String node) {
        return nodeNs.get(node);
    }

    public List<String> nodes() {
        return List.copyOf(nodeNs.keySet());
    }

    /** Lets the external client reach {@code address} (an external or load-balancer IP) through {@code node}. */
    public void routeExternal(IpAddress address, IpAddress nodeAddress) {
        Sh.run(null, List.of("ip", "-n", ext, "route", "replace", address.text() + "/32", "via", nodeAddress.text()));
    }

    /**
     * Lets the external client reach {@code address} through {@code nodeAddress} when it sends from {@code source}
     * (a rule and a table of its own for the source); other destinations of that source go as before.
     */
    public void routeExternalFrom(IpAddress source, IpAddress address, IpAddress nodeAddress) {
        int table = 100 + sourceTables.computeIfAbsent(source, k -> sourceTables.size());
        Sh.run(null, List.of("ip", "-n", ext, "route", "replace", address.text() + "/32", "via", nodeAddress.text(), "table", String.valueOf(table)));
        String rule = source.text() + "->" + table;
        if (sourceRules.add(rule)) {
            Sh.run(null, List.of("ip", "-n", ext, "rule", "add", "from", source.text() + "/32", "lookup", String.valueOf(table), "priority", "100"));
        }
    }

    /** Gives the external client {@code address} too (on its loopback): a source it can send from, a destination that answers. */
    public void holdOutside(IpAddress address) {
        Sh.run(null, List.of("ip", "-n", ext, "addr", "replace", address.text() + "/32", "dev", "lo"));
    }

    /** One probe from {@code from} (node, pod, or "external"), optionally from a given source address. */
    public Probe probe(String from, IpAddress source, IpAddress dst, int port, Protocol protocol, int timeoutMs) throws IOException {
        Netns t = threads.get(namespaceOf(from));
        long start = System.nanoTime();
        InetAddress src = source == null ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName(source.text());
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(dst.text()), port);
        if (protocol == Protocol.TCP) {
            Socket s = t.call(() -> {
                Socket x = new Socket();
                x.bind(new InetSocketAddress(src, 0)); // creates the socket in the namespace
                return x;
            });
            try (s) {
                s.connect(target, timeoutMs);
                s.setSoTimeout(timeoutMs);
                String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
                return answered(line, start);
            } catch (ConnectException e) {
                return new Probe(Probe.Outcome.REFUSED, "", "", ms(start));
            } catch (NoRouteToHostException e) {
                return new Probe(Probe.Outcome.UNREACHABLE, "", "", ms(start));
            } catch (SocketTimeoutException e) {
                return new Probe(Probe.Outcome.TIMEOUT, "", "", ms(start));
            }
        }
        DatagramSocket d = t.call(() -> new DatagramSocket(new InetSocketAddress(src, 0)));
        try (d) {
            d.connect(target);
            d.setSoTimeout(timeoutMs);
            byte[] hello = "probe".getBytes(StandardCharsets.UTF_8);
            d.send(new DatagramPacket(hello, hello.length));
            DatagramPacket in = new DatagramPacket(new byte[512], 512);
            d.receive(in);
            return answered(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8).strip(), start);
        } catch (PortUnreachableException e) {
            return new Probe(Probe.Outcome.REFUSED, "", "", ms(start));
        } catch (SocketTimeoutException e) {
            return new Probe(Probe.Outcome.TIMEOUT, "", "", ms(start));
        } catch (IOException e) {
            return new Probe(Probe.Outcome.UNREACHABLE, "", "", ms(start));
        }
    }

    /** Many probes at once: results in the order of {@code specs}. */
    public List<Probe> probeAll(List<ProbeSpec> specs) throws IOException {
        List<Future<Probe>> fs = new ArrayList<>();
        for (ProbeSpec s : specs) fs.add(pool.submit(() -> probe(s.from(), s.source(), s.dst(), s.port(), s.protocol(), s.timeoutMs())));
        List<Probe> out = new ArrayList<>();
        for (Future<Probe> f : fs) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
        return out;
    }

    public record ProbeSpec(String from, IpAddress source, IpAddress dst, int port, Protocol protocol, int timeoutMs) {
    }

    private static Probe answered(String line, long start) {
        if (line == null) return new Probe(Probe.Outcome.TIMEOUT, "", "", ms(start));
        String[] parts = line.strip().split(" ");
        return new Probe(Probe.Outcome.ANSWERED, parts[0], parts.length > 1 ? parts[1] : "", ms(start));
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Runs a tool in a node's namespace, with {@code stdin}. */
    public String inNode(String node, String stdin, String... cmd) {
        return Sh.in(nodeNs.get(node), stdin, cmd);
    }

    @Override
    public void close() {
        for (AutoCloseable s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
        threads.values().forEach(Netns::close);
        pool.shutdownNow();
        for (int i = created.size() - 1; i >= 0; i--) Sh.run(null, List.of("ip", "netns", "del", created.get(i)));
    }
}
