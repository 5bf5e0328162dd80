package dev.netc.e2e.lab;

import dev.netc.backends.Artifact;
import dev.netc.backends.Backend;
import dev.netc.ir.plan.NetworkPlan;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A backend as the traffic suites use it: what it emits, and how a node loads it with the real tool. */
public interface BackendUnderTest {
    String name();

    Backend backend();

    /** Loads the node's files (by path relative to {@code nodes/<node>/}) into the node's namespace. */
    void load(VirtualCluster vc, String node, Map<String, Artifact> files);

    /** Emits the plan and loads every node. */
    default void install(VirtualCluster vc, NetworkPlan plan) {
        List<Artifact> all = backend().emit(plan, Set.of());
        for (String node : vc.nodes()) {
            Map<String, Artifact> mine = new TreeMap<>();
            String prefix = "nodes/" + node + "/";
            for (Artifact a : all) if (a.path().startsWith(prefix)) mine.put(a.path().substring(prefix.length()), a);
            load(vc, node, mine);
        }
    }

    /** iptables-restore (ipset restore first when the node has policy sets). */
    static BackendUnderTest iptables() {
        return new BackendUnderTest() {
            @Override
            public String name() {
                return "iptables";
            }

            @Override
            public Backend backend() {
                return new dev.netc.backends.iptables.IptablesBackend();
            }

            @Override
            public void load(VirtualCluster vc, String node, Map<String, Artifact> files) {
                if (files.containsKey("ipset.rules")) vc.inNode(node, files.get("ipset.rules").text(), "ipset", "restore", "-exist");
                vc.inNode(node, files.get("iptables.rules").text(), "iptables-restore");
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** nft -f of the node's one file (all families, policy included). */
    static BackendUnderTest nftables() {
        return new BackendUnderTest() {
            @Override
            public String name() {
                return "nftables";
            }

            @Override
            public Backend backend() {
                return new dev.netc.backends.nftables.NftablesBackend();
            }

            @Override
            public void load(VirtualCluster vc, String node, Map<String, Artifact> files) {
                vc.inNode(node, files.get("nftables.nft").text(), "nft", "-f", "-");
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /** Every backend the traffic suites judge. */
    static java.util.stream.Stream<BackendUnderTest> all() {
        return java.util.stream.Stream.of(iptables(), nftables());
    }
}
