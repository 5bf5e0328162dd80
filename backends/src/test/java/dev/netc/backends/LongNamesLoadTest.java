package dev.netc.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.iptables.IptablesBackend;
import dev.netc.backends.ipvs.IpvsBackend;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.testing.Compile;
import dev.netc.backends.testing.NetnsTool;
import dev.netc.ir.plan.NetworkPlan;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The longest names the API admits — a 63-character namespace, Service and port name, a 253-character pod name,
 * an IPv6 endpoint of 39 characters, ClientIP affinity and a NetworkPolicy isolating the pod — compile end to end,
 * every nft name stays within the kernel's 255 bytes, and the real tools accept the files in a scratch namespace:
 * {@code nft -c -f}, {@code ipset restore} then {@code iptables-restore --test} / {@code ip6tables-restore --test}.
 */
class LongNamesLoadTest {
    static final String NS = "n" + "s".repeat(61) + "1";
    static final String SVC = "s" + "v".repeat(61) + "1";
    static final String PORT = "p" + "o".repeat(61) + "1";
    /** 253 characters, dotted like a StatefulSet pod of a long-named set might be. */
    static final String POD = ("p".repeat(62) + ".").repeat(3) + "p".repeat(64);
    static final String POD_IP6 = "fd00:2440:1234:5678:ffff:ffff:ffff:fffe";

    static final String YAML = """
            apiVersion: netc.dev/v1alpha1
            kind: Cluster
            metadata: {name: lab}
            spec:
              serviceCIDRs: [10.96.0.0/12, "fd00:96::/108"]
              clusterCIDRs: [10.244.0.0/16, "fd00:2440:1234::/48"]
              nodes:
                - {name: n1, addresses: [192.168.77.11, "fd00:77::11"], podCIDRs: [10.244.1.0/24, "fd00:2440:1234:5678::/64"]}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: NS}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: POD, namespace: NS, labels: {app: long}}
            spec:
              nodeName: n1
              containers: [{name: c, image: i, ports: [{name: web, containerPort: 8080}]}]
            status:
              podIP: 10.244.1.77
              podIPs: [{ip: 10.244.1.77}, {ip: "POD_IP6"}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: SVC, namespace: NS}
            spec:
              type: NodePort
              ipFamilyPolicy: RequireDualStack
              selector: {app: long}
              sessionAffinity: ClientIP
              ports: [{name: PORT, port: 80, targetPort: web}]
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: only-from-the-lab, namespace: NS}
            spec:
              podSelector: {matchLabels: {app: long}}
              policyTypes: [Ingress, Egress]
              ingress:
                - from: [{ipBlock: {cidr: 192.168.0.0/16}}, {ipBlock: {cidr: "fd00:77::/64"}}]
              egress:
                - to: [{podSelector: {}}]
            """.replace("POD_IP6", POD_IP6).replace("NS", NS).replace("SVC", SVC).replace("PORT", PORT).replace("POD", POD);

    private static final Pattern COMMENT = Pattern.compile("--comment \"([^\"]*)\"");
    private static final Pattern XT_CHAIN = Pattern.compile("(?m)^:(\\S+) ");
    private static final Pattern NFT_NAME = Pattern.compile("(?m)^\\t(?:chain|set|map) (\\S+) \\{");

    static NetworkPlan plan() {
        return Compile.plan(YAML);
    }

    @Test
    void everyNftNameFitsAndNftAcceptsTheFile() throws Exception {
        String nft = Compile.files(new NftablesBackend(), plan()).get("nodes/n1/nftables.nft").text();
        assertTrue(nft.contains(POD_IP6.replace(':', '.').substring(0, 20)) || nft.contains("affinity-"), "the IPv6 endpoint is there");
        Matcher m = NFT_NAME.matcher(nft);
        int names = 0;
        while (m.find()) {
            names++;
            String name = m.group(1);
            assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= Names.NFT_MAX_BYTES, "over 255 bytes: " + name);
        }
        assertTrue(names > 20, "found the names: " + names);
        // the pod's name is in its map element's comment, cut to nft's 128 characters
        assertTrue(nft.contains("comment \"" + (NS + "/" + POD).substring(0, 100)), "a long name stays readable where it fits");
        NetnsTool.require("ip", "nft");
        try (NetnsTool ns = new NetnsTool()) {
            NetnsTool.Result r = ns.run(nft, "nft", "-c", "-f", "-");
            assertEquals(0, r.exit(), r.output());
        }
    }

    @Test
    void iptablesAndIpvsFilesLoad() throws Exception {
        NetworkPlan plan = plan();
        Map<String, Artifact> xt = Compile.files(new IptablesBackend(), plan);
        Map<String, Artifact> ipvs = Compile.files(new IpvsBackend(), plan);
        NetnsTool.require("ip", "ipset", "iptables-restore", "ip6tables-restore");
        for (String dir : new String[] {"nodes/n1/", "nodes/n1/ipvs/"}) {
            Map<String, Artifact> files = dir.endsWith("ipvs/") ? ipvs : xt;
            try (NetnsTool ns = new NetnsTool()) {
                if (files.containsKey(dir + "ipset.rules")) {
                    NetnsTool.Result r = ns.run(files.get(dir + "ipset.rules").text(), "ipset", "restore");
                    assertEquals(0, r.exit(), dir + "ipset.rules: " + r.output());
                }
                for (String f : new String[] {"iptables.rules", "ip6tables.rules"}) {
                    assertTrue(files.containsKey(dir + f), dir + f);
                    Matcher c = COMMENT.matcher(files.get(dir + f).text());
                    while (c.find()) {
                        assertTrue(c.group(1).length() <= 255, "the kernel keeps 255 characters of a comment: " + c.group(1));
                    }
                    Matcher chains = XT_CHAIN.matcher(files.get(dir + f).text());
                    while (chains.find()) assertTrue(chains.group(1).length() <= Names.IPTABLES_CHAIN_MAX, chains.group(1));
                    String tool = f.startsWith("ip6") ? "ip6tables-restore" : "iptables-restore";
                    NetnsTool.Result r = ns.run(files.get(dir + f).text(), tool, "--test");
                    assertEquals(0, r.exit(), dir + f + ": " + r.output());
                }
            }
        }
    }
}
