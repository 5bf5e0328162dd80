package dev.netc.ir.plan;

import dev.netc.ir.IpAddress;
import dev.netc.ir.Origin;
import java.util.List;

/**
 * The cluster DNS as zones (Kubernetes DNS-Based Service Discovery, schema {@link #SCHEMA_VERSION}): the forward zone
 * (the profile's {@code dnsDomain}) and one reverse zone per octet-aligned (IPv4) or nibble-aligned (IPv6) block of the
 * service and cluster CIDRs. Every record carries where it came from; the backend only writes them out.
 *
 * @param server   the DNS server's addresses (the NS glue {@code ns.dns.<zone>}) and how they were chosen
 * @param zones    the forward zone first, then the reverse zones by name
 */
public record DnsPlan(Server server, List<Zone> zones) {
    public static final String SCHEMA_VERSION = "1.1.0";
    public static final DnsPlan NONE = new DnsPlan(new Server(List.of(), ""), List.of());

    public DnsPlan {
        zones = List.copyOf(zones);
    }

    public boolean present() {
        return !zones.isEmpty();
    }

    /** The DNS server's addresses and, for plan.txt, where they came from ({@code Service kube-system/kube-dns}, ...). */
    public record Server(List<IpAddress> addresses, String source) {
        public Server {
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * One zone: its name (absolute, without the final dot), every record's TTL, its SOA serial (a 32-bit number from
     * the hash of its other records: the same records, the same serial) and its records in groups: the apex first (SOA,
     * NS, glue, {@code dns-version}), then one per object the records came from, by {@link Origin#object()}.
     */
    public record Zone(String name, boolean reverse, int ttl, long serial, List<Group> groups) {
        public Zone {
            groups = List.copyOf(groups);
        }

        public int recordCount() {
            return groups.stream().mapToInt(g -> g.records().size()).sum();
        }
    }

    /** The records one object gave ({@code Service/shop/web}, written at {@code origin}), sorted by owner, type and data. */
    public record Group(Origin origin, List<Record> records) {
        public Group {
            records = List.copyOf(records);
        }
    }

    /** One resource record: its owner (absolute, without the final dot), its data and its origin. */
    public record Record(String owner, Data data, Origin origin) {
    }

    /** A record's type and data, in master-file form (names absolute, with the final dot). */
    public sealed interface Data permits Soa, Ns, A, Txt, Cname, Srv, Ptr {
        String type();

        String text();
    }

    public record Soa(String mname, String rname, long serial, int refresh, int retry, int expire, int minimum) implements Data {
        public String type() {
            return "SOA";
        }

        public String text() {
            return mname + ". " + rname + ". " + serial + " " + refresh + " " + retry + " " + expire + " " + minimum;
        }
    }

    public record Ns(String host) implements Data {
        public String type() {
            return "NS";
        }

        public String text() {
            return host + ".";
        }
    }

    /** A or AAAA, by the address's family. */
    public record A(IpAddress address) implements Data {
        public String type() {
            return address.family() == dev.netc.ir.Family.IPV4 ? "A" : "AAAA";
        }

        public String text() {
            return address.text();
        }
    }

    /** A TXT record of one string; only netc's own text ({@code dns-version}), never user text. */
    public record Txt(String value) implements Data {
        public String type() {
            return "TXT";
        }

        public String text() {
            return "\"" + value + "\"";
        }
    }

    public record Cname(String target) implements Data {
        public String type() {
            return "CNAME";
        }

        public String text() {
            return target + ".";
        }
    }

    public record Srv(int priority, int weight, int port, String target) implements Data {
        public String type() {
            return "SRV";
        }

        public String text() {
            return priority + " " + weight + " " + port + " " + target + ".";
        }
    }

    public record Ptr(String target) implements Data {
        public String type() {
            return "PTR";
        }

        public String text() {
            return target + ".";
        }
    }
}
