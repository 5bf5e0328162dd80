package dev.netc.backends.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.backends.testing.NetnsTool;
import dev.netc.ir.Cidr;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.plan.AddressSet;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyAllow;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.PortRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kernel here has no SCTP module, so SCTP policy is checked by its rendered rules: an SCTP-only rule still
 * isolates the pod (only SCTP on the port is let through, TCP and UDP fall to the reject), and the text loads.
 */
class SctpPolicyRenderTest {
    static PolicyPlan plan() {
        AddressSet peers = new AddressSet("peers-sctp00000000", List.of(Cidr.parse("10.244.2.0/24")));
        PodPolicy p = new PodPolicy("x", "a", List.of(IpAddress.parse("10.244.1.10")), List.of("x/sctp-only", "x/any-sctp"), List.of(),
                List.of(new PolicyAllow(Optional.of(peers.name()), List.of(new PortRange(Protocol.SCTP, 80, 80)), List.of("x/sctp-only")),
                        new PolicyAllow(Optional.empty(), List.of(PortRange.all(Protocol.SCTP)), List.of("x/any-sctp"))),
                List.of());
        return new PolicyPlan(List.of(p), List.of(peers));
    }

    @Test
    void sctpOnlyRulesRenderAndStillIsolate() throws Exception {
        String nft = NftPolicyRenderer.render(plan(), Family.IPV4);
        List<String> lines = nft.lines().map(String::strip).toList();
        int allow = lines.indexOf("ip saddr @peers-sctp00000000 meta l4proto sctp th dport { 80 } return comment \"x/sctp-only\"");
        int any = lines.indexOf("meta l4proto sctp return comment \"x/any-sctp\"");
        int reject = lines.indexOf("reject with icmp type admin-prohibited comment \"isolated for ingress by x/sctp-only, x/any-sctp\"");
        assertTrue(allow > 0 && any > allow && reject > any, nft);
        PolicyPlan plan = plan();
        List<String> ipt = IptablesPolicyRenderer.rules(plan, Family.IPV4);
        String chain = IptablesPolicyRenderer.chain(PolicyPrograms.of(plan).id(plan.pods().get(0), true), true);
        assertTrue(ipt.contains("-A " + chain
                + " -m set --match-set peers-sctp00000000 src -p sctp -m multiport --dports 80 -m comment --comment \"x/sctp-only\" -j RETURN"), ipt.toString());
        List<String> own = ipt.stream().filter(l -> l.startsWith("-A " + chain + " ")).toList();
        assertTrue(own.get(own.size() - 1).endsWith("-j REJECT --reject-with icmp-admin-prohibited"), ipt.toString());
        assertTrue(ipt.contains("-A NETC-POLICY -d 10.244.1.10/32 -m comment --comment \"x/a ingress\" -j " + chain), ipt.toString());
        NetnsTool.require("ip", "nft");
        try (NetnsTool ns = new NetnsTool()) {
            NetnsTool.Result r = ns.run("table ip t {\n" + nft + "}\n", "nft", "-c", "-f", "-");
            assertEquals(0, r.exit(), r.output());
        }
    }
}
