package dev.netc.applier.podnet;

import dev.netc.applier.podnet.PlanLine.Address;
import dev.netc.applier.podnet.PlanLine.Device;
import dev.netc.applier.podnet.PlanLine.Fdb;
import dev.netc.applier.podnet.PlanLine.Mode;
import dev.netc.applier.podnet.PlanLine.ModeLine;
import dev.netc.applier.podnet.PlanLine.Neigh;
import dev.netc.applier.podnet.PlanLine.Route;
import dev.netc.applier.podnet.PlanLine.Self;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads {@code nodes/<node>/podnet/routes}: one entry per line, {@code #} to the end of a line is a comment, blank
 * lines are ignored. Every mistake is reported at its line and column, and nothing of a bad file is applied.
 */
public final class PodnetPlanParser {
    /** Interface names: at most IFNAMSIZ-1 bytes; netc's own devices are called {@code netc.*}. */
    static final String DEVICE_PREFIX = "netc.";
    private static final int IFNAMSIZ = 16;

    private final String file;

    private PodnetPlanParser(String file) {
        this.file = file;
    }

    private record Token(String text, int col) {
    }

    public static PodnetPlan parse(String file, String text) throws PlanSyntaxException {
        return new PodnetPlanParser(file).parse(text);
    }

    private PodnetPlan parse(String text) throws PlanSyntaxException {
        List<PlanLine> lines = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int i = 0; i < raw.length; i++) {
            List<Token> t = tokens(raw[i]);
            if (!t.isEmpty()) lines.add(line(i + 1, t));
        }
        return assemble(lines);
    }

    private static List<Token> tokens(String line) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = line.indexOf('#') >= 0 ? line.indexOf('#') : line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r') {
                i++;
                continue;
            }
            int start = i;
            while (i < n && " \t\r".indexOf(line.charAt(i)) < 0) i++;
            out.add(new Token(line.substring(start, i), start + 1));
        }
        return out;
    }

    private PlanSyntaxException error(int line, int col, String message) {
        return new PlanSyntaxException(file, line, col, message);
    }

    private PlanLine line(int n, List<Token> t) throws PlanSyntaxException {
        Token kw = t.get(0);
        return switch (kw.text()) {
            case "mode" -> {
                Token m = need(n, t, 1, "a mode (host-gw or vxlan)");
                end(n, t, 2);
                Mode mode = switch (m.text()) {
                    case "host-gw" -> Mode.HOST_GW;
                    case "vxlan" -> Mode.VXLAN;
                    default -> throw error(n, m.col(), "unknown mode '" + m.text() + "' (host-gw or vxlan)");
                };
                yield new ModeLine(n, mode);
            }
            case "self" -> {
                Token name = need(n, t, 1, "the node's name");
                end(n, t, 2);
                yield new Self(n, name.text());
            }
            case "device" -> device(n, t);
            case "address" -> {
                Cidr c = value(n, need(n, t, 1, "an address with its prefix length"), s -> Cidr.parse(s, false), "an address with its prefix length");
                end(n, t, 2);
                yield new Address(n, c);
            }
            case "route" -> {
                Cidr dst = value(n, need(n, t, 1, "a destination CIDR"), s -> Cidr.parse(s, true), "a destination CIDR (no host bits set)");
                keyword(n, t, 2, "via");
                Token viaTok = need(n, t, 3, "a gateway address");
                Ip via = value(n, viaTok, Ip::parse, "a gateway address");
                if (via.family() != dst.family()) throw error(n, viaTok.col(), "gateway " + via + " is not of the family of " + dst);
                int i = 4;
                boolean onlink = i < t.size() && t.get(i).text().equals("onlink");
                if (onlink) i++;
                Optional<String> node = node(n, t, i);
                yield new Route(n, dst, via, onlink, node);
            }
            case "neigh" -> {
                Ip dst = value(n, need(n, t, 1, "a neighbour address"), Ip::parse, "a neighbour address");
                keyword(n, t, 2, "lladdr");
                Mac mac = value(n, need(n, t, 3, "a MAC address"), Mac::parse, "a MAC address (6 hex octets)");
                yield new Neigh(n, dst, mac, node(n, t, 4));
            }
            case "fdb" -> {
                Mac mac = value(n, need(n, t, 1, "a MAC address"), Mac::parse, "a MAC address (6 hex octets)");
                keyword(n, t, 2, "dst");
                Ip dst = value(n, need(n, t, 3, "the remote node's address"), Ip::parse, "the remote node's address");
                yield new Fdb(n, mac, dst, node(n, t, 4));
            }
            default -> throw error(n, kw.col(), "unknown entry '" + kw.text() + "' (mode, self, device, address, route, neigh or fdb)");
        };
    }

    private Device device(int n, List<Token> t) throws PlanSyntaxException {
        Token name = need(n, t, 1, "a device name");
        if (!name.text().startsWith(DEVICE_PREFIX) || name.text().length() >= IFNAMSIZ || !name.text().matches("[A-Za-z0-9._-]+")) {
            throw error(n, name.col(), "device name '" + name.text() + "' is not netc's (netc.*, at most " + (IFNAMSIZ - 1)
                    + " letters, digits, '.', '_' or '-')");
        }
        Map<String, Token> values = new HashMap<>();
        for (int i = 2; i < t.size(); i += 2) {
            Token k = t.get(i);
            if (!List.of("vni", "port", "local", "mtu", "mac").contains(k.text())) {
                throw error(n, k.col(), "unknown device setting '" + k.text() + "' (vni, port, local, mtu, mac)");
            }
            if (values.containsKey(k.text())) throw error(n, k.col(), "'" + k.text() + "' given twice");
            values.put(k.text(), need(n, t, i + 1, "a value for '" + k.text() + "'"));
        }
        for (String k : List.of("vni", "port", "local", "mtu", "mac")) {
            if (!values.containsKey(k)) throw error(n, t.get(t.size() - 1).col() + t.get(t.size() - 1).text().length(), "the device needs '" + k + "'");
        }
        int vni = number(n, values.get("vni"), 1, (1 << 24) - 1, "a VNI");
        int port = number(n, values.get("port"), 1, 65535, "a UDP port");
        Ip local = value(n, values.get("local"), Ip::parse, "the node's underlay address");
        int mtu = number(n, values.get("mtu"), 68, 65535, "an MTU");
        Mac mac = value(n, values.get("mac"), Mac::parse, "a MAC address (6 hex octets)");
        if ((mac.bytes()[0] & 1) != 0) throw error(n, values.get("mac").col(), "the device's MAC " + mac + " is a multicast address");
        return new Device(n, name.text(), vni, port, local, mtu, mac);
    }

    private int number(int n, Token t, int min, int max, String what) throws PlanSyntaxException {
        if (!t.text().matches("\\d{1,9}") || Integer.parseInt(t.text()) < min || Integer.parseInt(t.text()) > max) {
            throw error(n, t.col(), "expected " + what + " (" + min + " to " + max + "), got '" + t.text() + "'");
        }
        return Integer.parseInt(t.text());
    }

    private <T> T value(int n, Token t, Function<String, Optional<T>> parse, String what) throws PlanSyntaxException {
        return parse.apply(t.text()).orElseThrow(() -> error(n, t.col(), "expected " + what + ", got '" + t.text() + "'"));
    }

    private Token need(int n, List<Token> t, int i, String what) throws PlanSyntaxException {
        if (i < t.size()) return t.get(i);
        Token last = t.get(t.size() - 1);
        throw error(n, last.col() + last.text().length(), "expected " + what + " after '" + last.text() + "'");
    }

    private void keyword(int n, List<Token> t, int i, String kw) throws PlanSyntaxException {
        Token k = need(n, t, i, "'" + kw + "'");
        if (!k.text().equals(kw)) throw error(n, k.col(), "expected '" + kw + "', got '" + k.text() + "'");
    }

    private void end(int n, List<Token> t, int i) throws PlanSyntaxException {
        if (i < t.size()) throw error(n, t.get(i).col(), "unexpected '" + t.get(i).text() + "' at the end of the line");
    }

    private Optional<String> node(int n, List<Token> t, int i) throws PlanSyntaxException {
        if (i >= t.size()) return Optional.empty();
        keyword(n, t, i, "node");
        Token name = need(n, t, i + 1, "a node name");
        end(n, t, i + 2);
        return Optional.of(name.text());
    }

    private PodnetPlan assemble(List<PlanLine> lines) throws PlanSyntaxException {
        Optional<ModeLine> mode = Optional.empty();
        Optional<Device> device = Optional.empty();
        Optional<Self> self = Optional.empty();
        for (PlanLine l : lines) {
            if (!(l instanceof Self s)) continue;
            if (self.isPresent()) throw error(s.line(), 1, "a second self line (the first is on line " + self.get().line() + ")");
            self = Optional.of(s);
        }
        Optional<String> me = self.map(Self::node);
        List<Address> addresses = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        List<Neigh> neighs = new ArrayList<>();
        List<Fdb> fdbs = new ArrayList<>();
        Map<Object, Integer> seen = new HashMap<>();
        for (PlanLine l : lines) {
            Object key;
            if (l instanceof Self) {
                continue;
            } else if (l instanceof ModeLine m) {
                if (mode.isPresent()) throw error(m.line(), 1, "a second mode line (the first is on line " + mode.get().line() + ")");
                mode = Optional.of(m);
                key = "mode";
            } else if (l instanceof Device d) {
                if (device.isPresent()) throw error(d.line(), 1, "a second device (the first is on line " + device.get().line() + ")");
                device = Optional.of(d);
                key = "device";
            } else if (l instanceof Address a) {
                addresses.add(a);
                key = List.of("address", a.cidr());
            } else if (l instanceof Route r) {
                if (r.node().isPresent() && r.node().equals(me)) continue; // its own pod CIDR
                routes.add(r);
                key = List.of("route", r.dst());
            } else if (l instanceof Neigh x) {
                if (x.node().isPresent() && x.node().equals(me)) continue;
                neighs.add(x);
                key = List.of("neigh", x.dst());
            } else {
                Fdb f = (Fdb) l;
                if (f.node().isPresent() && f.node().equals(me)) continue;
                fdbs.add(f);
                key = List.of("fdb", f.mac());
            }
            Integer first = seen.putIfAbsent(key, l.line());
            if (first != null) throw error(l.line(), 1, "the same entry as line " + first);
        }
        if (mode.isEmpty()) throw error(1, 1, "no 'mode' line (mode host-gw or mode vxlan)");
        boolean vxlan = mode.get().mode() == Mode.VXLAN;
        if (vxlan && device.isEmpty()) throw error(mode.get().line(), 1, "mode vxlan needs a 'device' line");
        if (!vxlan) {
            for (PlanLine l : lines) {
                if (l instanceof Device || l instanceof Address || l instanceof Neigh || l instanceof Fdb
                        || l instanceof Route r && r.onlink()) {
                    throw error(l.line(), 1, "mode host-gw has no device: only routes via a node address");
                }
            }
        }
        return new PodnetPlan(mode.get().mode(), device, addresses, routes, neighs, fdbs);
    }
}
