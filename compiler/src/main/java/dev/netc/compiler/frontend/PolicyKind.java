package dev.netc.compiler.frontend;

import dev.netc.compiler.frontend.Common.Meta;
import dev.netc.compiler.frontend.Common.NameRule;
import dev.netc.ir.Cidr;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.LabelSelector;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.NetworkPolicy;
import dev.netc.ir.model.NetworkPolicy.IpBlock;
import dev.netc.ir.model.NetworkPolicy.Peer;
import dev.netc.ir.model.NetworkPolicy.Port;
import dev.netc.ir.model.NetworkPolicy.Rule;
import dev.netc.ir.model.PortRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A NetworkPolicy (networking.k8s.io/v1), policyTypes defaulted as the API server does. */
final class PolicyKind {
    private enum PolicyType { Ingress, Egress }

    private PolicyKind() {
    }

    static Optional<NetworkPolicy> networkPolicy(MapVal obj) {
        Decoding dc = obj.dc;
        Meta meta = Common.meta(obj, "NetworkPolicy", true, NameRule.DNS1123_SUBDOMAIN);
        MapVal spec = obj.mapOrEmpty("spec");
        LabelSelector podSelector = spec.get("podSelector").flatMap(Common::selector).orElse(LabelSelector.EVERYTHING);
        List<Rule> ingress = rules(spec, "ingress", "from");
        List<Rule> egress = rules(spec, "egress", "to");
        boolean ingressIsolation;
        boolean egressIsolation;
        // The API server defaults policyTypes when it is empty (len == 0): absent, null and [] alike.
        if (!spec.isMissingOrEmptyList("policyTypes")) {
            List<PolicyType> types = new ArrayList<>();
            for (Val v : spec.list("policyTypes"))
                Common.enumValue(v, PolicyType.class, "policy type").ifPresent(types::add);
            ingressIsolation = types.contains(PolicyType.Ingress);
            egressIsolation = types.contains(PolicyType.Egress);
        } else {
            // No policyTypes: Ingress always, Egress when the policy has egress rules.
            ingressIsolation = true;
            egressIsolation = !spec.isMissingOrEmptyList("egress");
        }
        if (dc.failed()) return Optional.empty();
        return Optional.of(new NetworkPolicy(meta.build(dc), podSelector, ingressIsolation, egressIsolation,
                ingress, egress));
    }

    private static List<Rule> rules(MapVal spec, String key, String peersKey) {
        List<Rule> out = new ArrayList<>();
        for (Val r : spec.list(key)) {
            Optional<MapVal> rm = r.map();
            if (rm.isEmpty()) continue;
            List<Peer> peers = new ArrayList<>();
            for (Val p : rm.get().list(peersKey)) peer(p).ifPresent(peers::add);
            List<Port> ports = new ArrayList<>();
            for (Val p : rm.get().list("ports")) port(p).ifPresent(ports::add);
            out.add(new Rule(peers, ports, r.pos()));
        }
        return out;
    }

    private static Optional<Peer> peer(Val v) {
        Optional<MapVal> pm = v.map();
        if (pm.isEmpty()) return Optional.empty();
        MapVal m = pm.get();
        Optional<Val> podVal = m.get("podSelector");
        Optional<Val> nsVal = m.get("namespaceSelector");
        Optional<Val> blockVal = m.get("ipBlock");
        if (podVal.isEmpty() && nsVal.isEmpty() && blockVal.isEmpty()) {
            v.dc.error(DiagnosticCode.NETC009, v.pos(), v.path
                    + " must set podSelector, namespaceSelector or ipBlock");
            return Optional.empty();
        }
        if (blockVal.isPresent() && (podVal.isPresent() || nsVal.isPresent())) {
            v.dc.error(DiagnosticCode.NETC019, blockVal.get().anchor(),
                    "ipBlock cannot be combined with podSelector or namespaceSelector in one peer");
            return Optional.empty();
        }
        Optional<LabelSelector> pods = podVal.flatMap(Common::selector);
        Optional<LabelSelector> namespaces = nsVal.flatMap(Common::selector);
        Optional<IpBlock> block = blockVal.flatMap(PolicyKind::ipBlock);
        if (podVal.isPresent() != pods.isPresent() || nsVal.isPresent() != namespaces.isPresent()
                || blockVal.isPresent() != block.isPresent()) return Optional.empty();
        return Optional.of(new Peer(pods, namespaces, block, v.pos()));
    }

    private static Optional<IpBlock> ipBlock(Val v) {
        Optional<MapVal> bm = v.map();
        if (bm.isEmpty()) return Optional.empty();
        Optional<Cidr> cidr = bm.get().required("cidr").flatMap(Common::cidr);
        List<Cidr> except = new ArrayList<>();
        boolean ok = cidr.isPresent();
        for (Val e : bm.get().list("except")) {
            Optional<Cidr> c = Common.cidr(e);
            if (c.isEmpty()) {
                ok = false;
                continue;
            }
            if (cidr.isPresent() && !cidr.get().contains(c.get())) {
                v.dc.error(DiagnosticCode.NETC021, e.pos(), "except " + c.get() + " is not inside cidr " + cidr.get());
                ok = false;
                continue;
            }
            if (cidr.isPresent() && c.get().prefixLength() <= cidr.get().prefixLength()) {
                v.dc.error(DiagnosticCode.NETC021, e.pos(), "except " + c.get() + " must be narrower than cidr "
                        + cidr.get());
                ok = false;
                continue;
            }
            except.add(c.get());
        }
        return ok ? Optional.of(new IpBlock(cidr.get(), except, bm.get().node.pos())) : Optional.empty();
    }

    private static Optional<Port> port(Val v) {
        Optional<MapVal> pm = v.map();
        if (pm.isEmpty()) return Optional.empty();
        MapVal m = pm.get();
        Protocol protocol = Common.protocol(m);
        Optional<Val> portVal = m.get("port");
        Optional<PortRef> port = portVal.flatMap(p -> Common.portRef(p, "port"));
        if (portVal.isPresent() && port.isEmpty()) return Optional.empty();
        int endPort = 0;
        Optional<Val> endVal = m.get("endPort");
        if (endVal.isPresent()) {
            Optional<Long> end = endVal.get().integer();
            if (end.isEmpty()) return Optional.empty();
            String shown = endVal.get().text();
            if (port.isEmpty()) {
                v.dc.error(DiagnosticCode.NETC022, endVal.get().pos(), "endPort " + shown + " needs a numeric port");
                return Optional.empty();
            }
            if (port.get() instanceof PortRef.Name n) {
                v.dc.error(DiagnosticCode.NETC022, endVal.get().pos(), "endPort cannot be used with named port "
                        + Messages.quote(n.value()));
                return Optional.empty();
            }
            if (end.get() < 1 || end.get() > 65535) {
                v.dc.error(DiagnosticCode.NETC015, endVal.get().pos(), "endPort " + shown + " out of range 1-65535");
                return Optional.empty();
            }
            int start = ((PortRef.Number) port.get()).value();
            if (end.get() < start) {
                v.dc.error(DiagnosticCode.NETC022, endVal.get().pos(), "endPort " + shown + " is less than port "
                        + start);
                return Optional.empty();
            }
            endPort = end.get().intValue();
        }
        return Optional.of(new Port(protocol, port, endPort, v.pos()));
    }
}
