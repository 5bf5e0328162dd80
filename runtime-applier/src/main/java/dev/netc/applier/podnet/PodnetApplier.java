package dev.netc.applier.podnet;

import dev.netc.applier.ApplyException;
import dev.netc.applier.Artifact;
import dev.netc.applier.BackendApplier;
import dev.netc.applier.Change;
import dev.netc.applier.Context;
import dev.netc.applier.Outcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Installs a node's pod network ({@code podnet/routes}) through rtnetlink: dumps the kernel's links, addresses,
 * rules, netc's routes, neighbours and FDB entries, has {@link PodnetPlanner} compute the requests, and sends them
 * phase by phase, each phase's acks read before the next starts.
 */
public final class PodnetApplier implements BackendApplier {
    static final String ROUTES = "podnet/routes";

    @Override
    public Outcome apply(Context c) throws ApplyException {
        PodnetPlan want = plan(c);
        try (RtnlSocket nl = RtnlSocket.open()) {
            PodnetPlanner.Plan plan = PodnetPlanner.plan(want, dump(nl));
            c.say("podnet: plan for node " + c.target().node() + " (" + want.mode().id + ", " + plan.changes().size() + " changes, "
                    + plan.ops().size() + " netlink requests)");
            for (Change ch : plan.changes()) c.say("  " + ch);
            if (c.dryRun()) {
                for (PodnetOp op : plan.ops()) c.say("    " + op.describe());
                return Outcome.dryRun();
            }
            if (plan.isEmpty()) return Outcome.unchanged(Map.of());
            c.beforeCommit().run();
            execute(nl, plan);
            return Outcome.applied(want.mode().id + ", " + plan.ops().size() + " requests", Map.of());
        }
    }

    @Override
    public List<String> check(Context c) throws ApplyException {
        PodnetPlan want = plan(c);
        try (RtnlSocket nl = RtnlSocket.open()) {
            return PodnetPlanner.drift(want, dump(nl)).stream().map(d -> "podnet: " + d).toList();
        }
    }

    static PodnetPlan plan(Context c) throws ApplyException {
        Artifact a = c.target().find(ROUTES).orElseThrow(() -> ApplyException.refused("no " + ROUTES + " for node " + c.target().node()));
        try {
            return PodnetPlanParser.parse(a.path(), a.text());
        } catch (PlanSyntaxException e) {
            throw ApplyException.rejected(e.getMessage() + " (nothing was changed)");
        }
    }

    static KernelState dump(RtnlSocket nl) throws ApplyException {
        List<KernelState.Link> links = decode(nl, Nl.RTM_GETLINK, Nl.AF_UNSPEC, m -> Optional.of(RtnlCodec.link(m)));
        List<KernelState.IfAddr> addrs = decode(nl, Nl.RTM_GETADDR, Nl.AF_UNSPEC, RtnlCodec::address);
        List<KernelState.Rule> rules = new ArrayList<>();
        List<KernelState.Route> routes = new ArrayList<>();
        List<KernelState.Neigh> neighs = new ArrayList<>();
        for (int family : List.of(Ip.AF_INET, Ip.AF_INET6)) {
            rules.addAll(decode(nl, Nl.RTM_GETRULE, family, m -> Optional.of(RtnlCodec.rule(m))));
            routes.addAll(decode(nl, Nl.RTM_GETROUTE, family, m -> RtnlCodec.route(m).filter(PodnetPlanner::ownedRoute)));
            neighs.addAll(decode(nl, Nl.RTM_GETNEIGH, family, RtnlCodec::neigh));
        }
        List<KernelState.Fdb> fdbs = decode(nl, Nl.RTM_GETNEIGH, Nl.AF_BRIDGE, RtnlCodec::fdb);
        // Only netc's devices' neighbours and FDB entries are planned with: the others are not read further.
        List<Integer> own = links.stream().filter(PodnetPlanner::ownedLink).map(KernelState.Link::index).toList();
        return new KernelState(links, addrs, rules, routes, neighs.stream().filter(n -> own.contains(n.ifindex())).toList(),
                fdbs.stream().filter(f -> own.contains(f.ifindex())).toList());
    }

    private static <T> List<T> decode(RtnlSocket nl, int type, int family, Function<Nl.Message, Optional<T>> f) throws ApplyException {
        List<T> out = new ArrayList<>();
        for (Nl.Message m : nl.dump(RtnlCodec.dump(type, family))) f.apply(m).ifPresent(out::add);
        return out;
    }

    private static void execute(RtnlSocket nl, PodnetPlanner.Plan plan) throws ApplyException {
        for (List<PodnetOp> phase : plan.phases()) {
            // Names resolve per phase: a device made or made anew in an earlier phase has its new index.
            Map<String, Integer> index = new HashMap<>();
            List<byte[]> requests = new ArrayList<>();
            List<String> what = new ArrayList<>();
            for (PodnetOp op : phase) {
                requests.add(RtnlCodec.encode(op, name -> index.computeIfAbsent(name, nl::ifindex)).build(0));
                what.add(op.describe());
            }
            nl.execute(requests, what);
        }
    }
}
