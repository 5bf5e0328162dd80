package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.AdminNetworkPolicy;
import dev.netc.ir.model.AdminNetworkPolicy.Action;
import dev.netc.ir.model.AdminNetworkPolicy.Peer;
import dev.netc.ir.model.AdminNetworkPolicy.Port;
import dev.netc.ir.model.AdminNetworkPolicy.Rule;
import dev.netc.ir.model.AdminNetworkPolicy.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1), both cluster-scoped;
 * the baseline policy is a singleton named "default" and has no Pass action.
 */
final class AdminPolicyKind {
    private static final int MAX_RULES = 100;

    private AdminPolicyKind() {
    }

    static Optional<AdminNetworkPolicy> policy(MapVal obj, boolean baseline) {
        Decoding dc = obj.dc;
        String kind = baseline ? "BaselineAdminNetworkPolicy" : "AdminNetworkPolicy";
        Meta meta = Common.meta(obj, kind, false, NameRule.DNS1123_SUBDOMAIN);
        if (baseline && !meta.name().isEmpty() && !meta.name().equals("default")) {
            obj.dc.error(DiagnosticCode.NETC012, obj.mapOrEmpty("metadata").get("name").map(Val::pos).orElse(obj.node.pos()),
                    "the BaselineAdminNetworkPolicy must be named \"default\" (it is a singleton)");
        }
        MapVal spec = obj.mapOrEmpty("spec");
        int priority = 0;
        if (!baseline) {
            Optional<Val> p = spec.required("priority");
            Optional<Long> n = p.flatMap(Val::integer);
            if (n.isPresent() && (n.get() < 0 || n.get() > 1000)) {
                dc.error(DiagnosticCode.NETC015, p.get().pos(), "priority " + n.get() + " out of range 0-1000");
            }
            priority = n.map(Long::intValue).orElse(0);
        }
        Optional<Subject> subject = spec.required("subject").flatMap(AdminPolicyKind::subject);
        List<Rule> ingress = rules(spec, "ingress", "from", baseline, false);
        List<Rule> egress = rules(spec, "egress", "to", baseline, true);
        if (dc.failed() || subject.isEmpty()) return Optional.empty();
        return Optional.of(new AdminNetworkPolicy(meta.build(dc), baseline, priority, subject.get(), ingress, egress));
    }

    private static Optional<Subject> subject(Val v) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        Optional<Val> ns = m.get().get("namespaces");
        Optional<Val> pods = m.get().get("pods");
        if (ns.isPresent() == pods.isPresent()) {
            v.dc.error(DiagnosticCode.NETC009, v.pos(), "subject must set exactly one of namespaces or pods");
            return Optional.empty();
        }
        if (ns.isPresent()) return ns.get().map().isPresent() ? Common.selector(ns.get()).map(s -> new Subject(s, Optional.empty())) : Optional.empty();
        return namespacedPods(pods.get()).map(p -> new Subject(p[0], Optional.of(p[1])));
    }

    /** {@code {namespaceSelector, podSelector}}: both required by the API. */
    private static Optional<LabelSelector[]> namespacedPods(Val v) {
        Optional<MapVal> m = v.map();
        if (m.isEmpty()) return Optional.empty();
        Optional<LabelSelector> ns = m.get().required("namespaceSelector").flatMap(Common::selector);
        Optional<LabelSelector> pods = m.get().required("podSelector").flatMap(Common::selector);
        if (ns.isEmpty() || pods.isEmpty()) return Optional.empty();
        return Optional.of(new LabelSelector[] {ns.get(), pods.get()});
    }

    private static List<Rule> rules(MapVal spec, String key, String peersKey, boolean baseline, boolean egress) {
        List<Rule> out = new ArrayList<>();
        List<Val> items = spec.list(key);
        if (items.size() > MAX_RULES) {
            spec.dc.error(DiagnosticCode.NETC015, items.get(MAX_RULES).pos(), "at most " + MAX_RULES + " " + key + " rules");
        }
        for (Val r : items) {
            Optional<MapVal> rm = r.map();
            if (rm.isEmpty()) continue;
            String name = rm.get().string("name").orElse("");
            Optional<Val> actionVal = rm.get().required("action");
            Optional<Action> action = actionVal.flatMap(a -> Common.enumValue(a, Action.class, "action"));
            if (action.isPresent() && baseline && action.get() == Action.Pass) {
                r.dc.error(DiagnosticCode.NETC014, actionVal.get().pos(), "action \"Pass\" is not allowed in a "
                        + "BaselineAdminNetworkPolicy (allowed: Allow, Deny)");
                continue;
            }
            List<Val> peerVals = rm.get().list(peersKey);
            if (peerVals.isEmpty()) {
                r.dc.error(DiagnosticCode.NETC009, r.pos(), key + " rule needs at least one peer in " + peersKey);
                continue;
            }
            List<Peer> peers = new ArrayList<>();
            for (Val p : peerVals) peer(p, egress).ifPresent(peers::add);
            List<Port> ports = new ArrayList<>();
            for (Val p : rm.get().list("ports")) port(p).ifPresent(ports::add);
            if (action.isPresent()) out.add(new Rule(name, action.get(), peers, ports, r.pos()));
        }
        return out;
    }

    private static Optional<Peer> peer(Val v, boolean egress) {
        Optional<MapVal> pm = v.map();
        if (pm.isEmpty()) return Optional.empty();
        MapVal m = pm.get();
        if (m.has("namespaces")) {
            return m.get("namespaces").flatMap(Common::selector)
                    .map(s -> new Peer(Peer.Kind.PODS, s, Optional.empty(), LabelSelector.EVERYTHING, List.of()));
        }
        if (m.has("pods")) {
            return m.get("pods").flatMap(AdminPolicyKind::namespacedPods)
                    .map(p -> new Peer(Peer.Kind.PODS, p[0], Optional.of(p[1]), LabelSelector.EVERYTHING, List.of()));
        }
        if (egress && m.has("nodes")) {
            return m.get("nodes").flatMap(Common::selector)
                    .map(s -> new Peer(Peer.Kind.NODES, LabelSelector.EVERYTHING, Optional.empty(), s, List.of()));
        }
        if (egress && m.has("networks")) {
            List<Cidr> nets = new ArrayList<>();
            for (Val c : m.list("networks")) Common.cidr(c).ifPresent(nets::add);
            return Optional.of(new Peer(Peer.Kind.NETWORKS, LabelSelector.EVERYTHING, Optional.empty(), LabelSelector.EVERYTHING, nets));
        }
        v.dc.error(DiagnosticCode.NETC009, v.pos(), "peer must set " + (egress ? "namespaces, pods, nodes or networks"
                : "namespaces or pods"));
        return Optional.empty();
    }

    private static Optional<Port> port(Val v) {
        Optional<MapVal> pm = v.map();
        if (pm.isEmpty()) return Optional.empty();
        MapVal m = pm.get();
        if (m.has("portNumber")) {
            MapVal pn = m.mapOrEmpty("portNumber");
            Protocol proto = Common.protocol(pn);
            return pn.required("port").flatMap(p -> Common.portNumber(p, "port")).map(n -> new Port(proto, n, n, Optional.empty()));
        }
        if (m.has("namedPort")) {
            return m.get("namedPort").flatMap(Val::string).map(n -> new Port(Protocol.TCP, 0, 0, Optional.of(n)));
        }
        if (m.has("portRange")) {
            MapVal pr = m.mapOrEmpty("portRange");
            Protocol proto = Common.protocol(pr);
            Optional<Integer> start = pr.required("start").flatMap(p -> Common.portNumber(p, "start"));
            Optional<Val> endVal = pr.required("end");
            Optional<Integer> end = endVal.flatMap(p -> Common.portNumber(p, "end"));
            if (start.isEmpty() || end.isEmpty()) return Optional.empty();
            if (end.get() < start.get()) {
                v.dc.error(DiagnosticCode.NETC015, endVal.get().pos(), "portRange end " + end.get() + " is less than start " + start.get());
                return Optional.empty();
            }
            return Optional.of(new Port(proto, start.get(), end.get(), Optional.empty()));
        }
        v.dc.error(DiagnosticCode.NETC009, v.pos(), "port must set portNumber, namedPort or portRange");
        return Optional.empty();
    }
}
