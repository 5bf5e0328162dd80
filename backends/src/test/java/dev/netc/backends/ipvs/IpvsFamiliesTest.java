package dev.netc.backends.ipvs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.Artifact;
import dev.netc.backends.testing.Compile;
import dev.netc.backends.testing.NetnsTool;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each family's IPVS companion files reference only sets the bundle creates: an IPv6-only cluster, an IPv4-only
 * one and a dual-stack one each load with {@code ipset restore} then {@code iptables-restore --test} and
 * {@code ip6tables-restore --test} in a scratch network namespace.
 */
class IpvsFamiliesTest {
    static String cluster(String serviceCIDRs, String clusterCIDRs, String addresses, String podCIDRs) {
        return "apiVersion: netc.dev/v1alpha1\nkind: Cluster\nmetadata: {name: lab}\nspec:\n"
                + "  serviceCIDRs: " + serviceCIDRs + "\n  clusterCIDRs: " + clusterCIDRs + "\n"
                + "  nodes:\n    - {name: n1, addresses: " + addresses + ", podCIDRs: " + podCIDRs + "}\n"
                + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\n"
                + "spec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n"
                + "    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}\n"
                + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\n"
                + "spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}\n";
    }

    static final String IPV6_ONLY = cluster("[\"fd00:96::/108\"]", "[\"fd00:244::/56\"]", "[\"fd00:77::11\"]", "[\"fd00:244:0:1::/64\"]");
    static final String IPV4_ONLY = cluster("[10.96.0.0/12]", "[10.244.0.0/16]", "[192.168.77.11]", "[10.244.1.0/24]");
    static final String DUAL = cluster("[10.96.0.0/12, \"fd00:96::/108\"]", "[10.244.0.0/16, \"fd00:244::/56\"]",
            "[192.168.77.11, \"fd00:77::11\"]", "[10.244.1.0/24, \"fd00:244:0:1::/64\"]");

    private static final Pattern CREATE = Pattern.compile("(?m)^create (\\S+) ");
    private static final Pattern MATCH_SET = Pattern.compile("--match-set (\\S+) ");

    static Set<String> all(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void everySetAFileMatchesIsCreated() {
        for (String yaml : new String[] {IPV6_ONLY, IPV4_ONLY, DUAL}) {
            Map<String, Artifact> files = Compile.files(new IpvsBackend(), Compile.plan(yaml));
            Set<String> created = all(CREATE, files.get("nodes/n1/ipvs/ipset.rules").text());
            for (String f : new String[] {"iptables.rules", "ip6tables.rules"}) {
                Artifact a = files.get("nodes/n1/ipvs/" + f);
                if (a == null) continue;
                Set<String> used = all(MATCH_SET, a.text());
                assertTrue(created.containsAll(used), f + " matches sets that ipset.rules never creates: used " + used + ", created " + created);
            }
        }
        Map<String, Artifact> v6 = Compile.files(new IpvsBackend(), Compile.plan(IPV6_ONLY));
        assertTrue(v6.containsKey("nodes/n1/ipvs/ip6tables.rules"), "an IPv6 node has its IPv6 rules: " + v6.keySet());
        assertTrue(!v6.containsKey("nodes/n1/ipvs/iptables.rules"), "and no IPv4 rules for sets it has not: " + v6.keySet());
    }

    @Test
    void theBundlesLoad() throws Exception {
        NetnsTool.require("ip", "ipset", "iptables-restore", "ip6tables-restore");
        for (String yaml : new String[] {IPV6_ONLY, IPV4_ONLY, DUAL}) {
            Map<String, Artifact> files = Compile.files(new IpvsBackend(), Compile.plan(yaml));
            try (NetnsTool ns = new NetnsTool()) {
                NetnsTool.Result sets = ns.run(files.get("nodes/n1/ipvs/ipset.rules").text(), "ipset", "restore");
                assertEquals(0, sets.exit(), sets.output());
                int loaded = 0;
                for (String f : new String[] {"iptables.rules", "ip6tables.rules"}) {
                    Artifact a = files.get("nodes/n1/ipvs/" + f);
                    if (a == null) continue;
                    NetnsTool.Result r = ns.run(a.text(), f.startsWith("ip6") ? "ip6tables-restore" : "iptables-restore", "--test");
                    assertEquals(0, r.exit(), f + ": " + r.output());
                    loaded++;
                }
                assertTrue(loaded > 0, "some rules were loaded");
            }
        }
    }
}
