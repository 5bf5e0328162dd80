package dev.netc.applier.podnet;

import dev.netc.applier.podnet.PlanLine.Address;
import dev.netc.applier.podnet.PlanLine.Device;
import dev.netc.applier.podnet.PlanLine.Fdb;
import dev.netc.applier.podnet.PlanLine.Mode;
import dev.netc.applier.podnet.PlanLine.Neigh;
import dev.netc.applier.podnet.PlanLine.Route;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A node's pod-network plan as {@link PodnetPlanParser} read it: the mode, netc's VXLAN device with its addresses
 * (vxlan only), and the routes, neighbours and forwarding entries toward the other nodes, each sorted by its key.
 */
public record PodnetPlan(Mode mode, Optional<Device> device, List<Address> addresses, List<Route> routes, List<Neigh> neighs,
                         List<Fdb> fdbs) {
    public PodnetPlan {
        addresses = addresses.stream().sorted(Comparator.comparing(Address::cidr)).toList();
        routes = routes.stream().sorted(Comparator.comparing(Route::dst)).toList();
        neighs = neighs.stream().sorted(Comparator.comparing(Neigh::dst)).toList();
        fdbs = fdbs.stream().sorted(Comparator.comparing(Fdb::mac)).toList();
    }
}
