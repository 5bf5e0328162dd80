package dev.netc.compiler;

import dev.netc.compiler.frontend.YamlFrontEnd;
import dev.netc.compiler.passes.Allocate;
import dev.netc.compiler.passes.Endpoints;
import dev.netc.compiler.passes.IngressRoutes;
import dev.netc.compiler.passes.MergePolicy;
import dev.netc.compiler.passes.ResolveAdminTiers;
import dev.netc.compiler.passes.ResolveDns;
import dev.netc.compiler.passes.ResolveNamespaces;
import dev.netc.compiler.passes.ResolveNetworkPolicies;
import dev.netc.compiler.passes.ResolveNodes;
import dev.netc.compiler.passes.ResolvePodNetwork;
import dev.netc.compiler.passes.Services;
import dev.netc.compiler.passes.Validate;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.plan.NetworkPlan;
import java.util.List;
import java.util.Optional;

/**
 * The compiler, in order. This is the one place that lists the passes. Each stage runs only when the
 * stages before it reported no error, so a later pass never sees a model that failed validation.
 */
public final class Pipeline {
    private final Pass<List<InputSource>, Cluster> frontEnd = new YamlFrontEnd();
    private final List<Pass<Cluster, Cluster>> modelPasses = List.of(
            new ResolveNodes(),   // cluster profile + Node objects -> the node list
            new ResolveNamespaces(), // implicit namespaces, kubernetes.io/metadata.name labels
            new Validate(),       // values, references, ranges
            new Allocate());      // ClusterIPs, NodePorts, workload replicas' pods and their IPs
    private final Pass<Cluster, NetworkPlan> endpoints = new Endpoints();
    private final List<Pass<NetworkPlan, NetworkPlan>> planPasses = List.of(
            new Services(),       // per node: every Service frontend -> its endpoints
            new ResolveNetworkPolicies(), // NetworkPolicy: the pods each selects, each rule's peers and ports
            new ResolveAdminTiers(), // AdminNetworkPolicy and the baseline: subjects, rules' peers and ports
            new MergePolicy(),    // per node: each local pod's isolation and allow-lists, content-named sets
            new IngressRoutes(),  // Ingress: virtual hosts, routes, upstreams, certificates
            new ResolvePodNetwork(), // the pod network's members, their VXLAN MACs, what pods reach unmasqueraded
            new ResolveDns());    // the cluster DNS zones: every Service's, endpoint's and pod's records

    /**
     * What a caller sees after each pass ({@code netc compile --dump-after PASS}, the pass golden tests): the model
     * after the front end and each model pass, the plan after each plan pass, under the pass's name ({@link #names}).
     */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        default void model(String pass, Cluster model) {
        }

        default void plan(String pass, NetworkPlan plan) {
        }
    }

    /** The name of every pass, in order: the front end's, the model passes', then the plan passes'. */
    public List<String> names() {
        List<String> out = new java.util.ArrayList<>();
        out.add(name(frontEnd));
        modelPasses.forEach(p -> out.add(name(p)));
        out.add(name(endpoints));
        planPasses.forEach(p -> out.add(name(p)));
        return List.copyOf(out);
    }

    private static String name(Pass<?, ?> p) {
        return p.getClass().getSimpleName();
    }

    public Optional<NetworkPlan> run(List<InputSource> inputs, Diagnostics diagnostics) {
        return run(inputs, diagnostics, Timings.OFF);
    }

    /** As {@link #run(List, Diagnostics)}, each pass timed under its class's simple name. */
    public Optional<NetworkPlan> run(List<InputSource> inputs, Diagnostics diagnostics, Timings timings) {
        Optional<Cluster> cluster = read(inputs, diagnostics, timings);
        return cluster.isEmpty() ? Optional.empty() : plan(cluster.get(), diagnostics, timings);
    }

    /**
     * The front end alone: the inputs read into the model, empty when it reported an error. The caller can let go of
     * the inputs' bytes before the passes run ({@link #plan}).
     */
    public Optional<Cluster> read(List<InputSource> inputs, Diagnostics diagnostics, Timings timings) {
        return read(inputs, diagnostics, timings, Observer.NONE);
    }

    /** {@link #read(List, Diagnostics, Timings)}, the model shown to {@code observer} when it has no error. */
    public Optional<Cluster> read(List<InputSource> inputs, Diagnostics diagnostics, Timings timings, Observer observer) {
        Cluster cluster = timed(frontEnd, inputs, diagnostics, timings);
        if (diagnostics.hasErrors()) return Optional.empty();
        observer.model(name(frontEnd), cluster);
        return Optional.of(cluster);
    }

    /** Every pass after the front end, in order, on the model it read. */
    public Optional<NetworkPlan> plan(Cluster read, Diagnostics diagnostics, Timings timings) {
        return plan(read, diagnostics, timings, Observer.NONE);
    }

    /** {@link #plan(Cluster, Diagnostics, Timings)}, what each pass gave shown to {@code observer} (until one reports an error). */
    public Optional<NetworkPlan> plan(Cluster read, Diagnostics diagnostics, Timings timings, Observer observer) {
        Cluster cluster = read;
        for (Pass<Cluster, Cluster> p : modelPasses) {
            cluster = timed(p, cluster, diagnostics, timings);
            if (diagnostics.hasErrors()) return Optional.empty();
            observer.model(name(p), cluster);
        }
        NetworkPlan plan = timed(endpoints, cluster, diagnostics, timings);
        if (diagnostics.hasErrors()) return Optional.empty();
        observer.plan(name(endpoints), plan);
        for (Pass<NetworkPlan, NetworkPlan> p : planPasses) {
            plan = timed(p, plan, diagnostics, timings);
            if (diagnostics.hasErrors()) return Optional.empty();
            observer.plan(name(p), plan);
        }
        return Optional.of(plan);
    }

    private static <I, O> O timed(Pass<I, O> pass, I input, Diagnostics diagnostics, Timings timings) {
        return timings.time(name(pass), () -> pass.apply(input, diagnostics));
    }
}
