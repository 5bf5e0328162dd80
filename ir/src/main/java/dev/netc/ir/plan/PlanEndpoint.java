package dev.netc.ir.plan;

import dev.netc.ir.IpAddress;

/** One endpoint of one Service port, as a node sees it. */
public record PlanEndpoint(IpAddress ip, int port, String nodeName, boolean local, boolean ready, boolean serving,
                           boolean terminating) implements Comparable<PlanEndpoint> {
    /** {@code 10.244.1.5:8080} or {@code [fd00::5]:8080}. */
    public String hostPort() {
        return ip.family() == dev.netc.ir.Family.IPV4 ? ip.text() + ":" + port : "[" + ip.text() + "]:" + port;
    }

    public PlanEndpoint withLocal(boolean l) {
        return new PlanEndpoint(ip, port, nodeName, l, ready, serving, terminating);
    }

    @Override
    public int compareTo(PlanEndpoint o) {
        int c = ip.compareTo(o.ip);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
