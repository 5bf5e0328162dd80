package dev.netc.backends.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.netc.ir.plan.TierRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyRenderersTest {
    static PolicyPlan plan() {
        AddressSet web = new AddressSet("peers-aaaaaaaaaaaa", List.of(Cidr.parse("10.244.1.5/32"), Cidr.parse("10.244.2.0/24"),
                Cidr.parse("fd00:244::5/128")));
        AddressSet everywhere = new AddressSet("peers-bbbbbbbbbbbb", List.of(Cidr.parse("0.0.0.0/0")));
        AddressSet v6only = new AddressSet("peers-cccccccccccc", List.of(Cidr.parse("fd00::/8")));
        List<PortRange> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) many.add(new PortRange(Protocol.TCP, 1000 + i * 10, 1000 + i * 10 + (i % 2)));
        many.add(PortRange.all(Protocol.SCTP));
        PodPolicy a = new PodPolicy("x", "a", List.of(IpAddress.parse("10.244.1.10"), IpAddress.parse("fd00:244::10")), List.of("x/web", "x/v6"),
                List.of("x/\"quoted\""),
                List.of(new PolicyAllow(Optional.of(web.name()), List.of(new PortRange(Protocol.TCP, 80, 81),
                                new PortRange(Protocol.UDP, 53, 53)), List.of("x/web")),
                        new PolicyAllow(Optional.of(v6only.name()), List.of(), List.of("x/v6"))),
                List.of(new PolicyAllow(Optional.of(everywhere.name()), many, List.of("x/\"quoted\""))),
                List.of(new TierRule(TierRule.Action.DENY, Optional.of(web.name()), List.of(new PortRange(Protocol.TCP, 22, 22)), "AdminNetworkPolicy/a:ssh"),
                        new TierRule(TierRule.Action.PASS, Optional.of(everywhere.name()), List.of(), "AdminNetworkPolicy/a:rest")),
                List.of(), List.of(), List.of());
        PodPolicy b = new PodPolicy("x", "b", List.of(IpAddress.parse("10.244.1.11")), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(new TierRule(TierRule.Action.ALLOW, Optional.of(web.name()), List.of(), "BaselineAdminNetworkPolicy/default:web"),
                        new TierRule(TierRule.Action.DENY, Optional.of(everywhere.name()), List.of(), "BaselineAdminNetworkPolicy/default:all")),
                List.of());
        return new PolicyPlan(List.of(a, b), List.of(web, everywhere, v6only));
    }

    @Test
    void longCommentsAreCutToTheToolsLimit() {
        String many = String.join(", ", java.util.Collections.nCopies(30, "namespace-0123/policy-0123"));
        String cut = PolicyChains.clip(many, 128);
        assertTrue(cut.length() <= 128, cut);
        assertTrue(cut.startsWith("namespace-0123/policy-0123, ") && cut.matches(".* \\+\\d+ more"), cut);
        assertEquals("x/a", PolicyChains.clip("x/a", 128));
        assertEquals(128, PolicyChains.clip("y".repeat(300), 128).length());
    }

    @Test
    void programsFollowTheTiers() {
        PolicyPlan p = plan();
        PolicyChains.Program aIn = PolicyChains.program(p.pods().get(0), true);
        assertEquals(List.of(PolicyChains.Verdict.REJECT, PolicyChains.Verdict.TO_NETWORK_POLICY),
                aIn.admin().stream().map(PolicyChains.Step::verdict).toList());
        assertEquals(List.of(PolicyChains.Verdict.RETURN, PolicyChains.Verdict.RETURN, PolicyChains.Verdict.REJECT),
                aIn.rest().stream().map(PolicyChains.Step::verdict).toList());
        PolicyChains.Program bIn = PolicyChains.program(p.pods().get(1), true);
        assertEquals(List.of(PolicyChains.Verdict.RETURN, PolicyChains.Verdict.REJECT),
                bIn.rest().stream().map(PolicyChains.Step::verdict).toList(), "baseline applies: b is not isolated");
        assertTrue(PolicyChains.program(p.pods().get(1), false).rest().isEmpty(), "nothing restricts b's egress");
    }

    /** Pods that run the same program share its chains: the chains grow with the distinct programs, not the pods. */
    @Test
    void podsWithTheSameProgramShareItsChains() {
        PolicyPlan one = plan();
        PodPolicy a = one.pods().get(0);
        PodPolicy twin = new PodPolicy(a.namespace(), "a-twin", List.of(IpAddress.parse("10.244.1.12"), IpAddress.parse("fd00:244::12")),
                a.ingressIsolatedBy(), a.egressIsolatedBy(), a.ingress(), a.egress(), a.adminIngress(), a.adminEgress(),
                a.baselineIngress(), a.baselineEgress());
        PolicyPlan two = new PolicyPlan(List.of(a, twin, one.pods().get(1)), one.addressSets());
        PolicyPrograms programs = PolicyPrograms.of(two);
        assertEquals(programs.id(a, true), programs.id(twin, true));
        assertEquals(programs.id(a, false), programs.id(twin, false));
        assertNotEquals(programs.id(a, true), programs.id(one.pods().get(1), true));
        for (Family f : Family.values()) {
            String once = NftPolicyRenderer.renderPrograms(PolicyPrograms.of(one), f, PolicyChains.usedSets(one, f));
            assertEquals(once, NftPolicyRenderer.renderPrograms(programs, f, PolicyChains.usedSets(two, f)), "the twin adds no chain");
            assertEquals(IptablesPolicyRenderer.programRules(PolicyPrograms.of(one), f, PolicyChains.usedSets(one, f)),
                    IptablesPolicyRenderer.programRules(programs, f, PolicyChains.usedSets(two, f)));
        }
        String pods = NftPolicyRenderer.renderPods(two, Family.IPV4, programs);
        assertTrue(pods.contains("10.244.1.12 comment \"x/a-twin\" : jump " + NftPolicyRenderer.chain(programs.id(a, true), true)), pods);
        assertTrue(pods.contains("10.244.1.12 . 10.244.1.12"), "its own address pair: " + pods);
    }

    @Test
    void nftTextLoadsIntoAKernel() throws Exception {
        NetnsTool.require("ip", "nft");
        String v4 = NftPolicyRenderer.render(plan(), Family.IPV4);
        String v6 = NftPolicyRenderer.render(plan(), Family.IPV6);
        assertTrue(v4.contains("ip saddr @peers-aaaaaaaaaaaa meta l4proto tcp th dport { 80-81 } return"), v4);
        assertTrue(!v4.contains("peers-cccccccccccc"), "an IPv6-only set has no IPv4 rules");
        assertTrue(v6.contains("ip6 saddr @peers-cccccccccccc return"), v6);
        String ruleset = "table ip netc-policy-test {\n" + v4 + "}\ntable ip6 netc-policy-test {\n" + v6 + "}\n";
        assertTrue(!ruleset.contains("} }"), "nft 1.0.6 rejects } } on one line");
        try (NetnsTool ns = new NetnsTool()) {
            NetnsTool.Result r = ns.run(ruleset, "nft", "-f", "-");
            assertEquals(0, r.exit(), r.output() + "\n" + ruleset);
            NetnsTool.Result listed = ns.run(null, "nft", "list", "map", "ip", "netc-policy-test", "policy-ingress-pods");
            PolicyPlan plan = plan();
            PodPolicy b = plan.pods().stream().filter(p -> p.name().equals("b")).findFirst().orElseThrow();
            String chain = NftPolicyRenderer.chain(PolicyPrograms.of(plan).id(b, true), true);
            assertTrue(chain.matches("policy-ingress-[A-Z2-7]{16}"), chain);
            assertTrue(listed.output().contains("10.244.1.11 comment \"x/b\" : jump " + chain), listed.output());
        }
    }

    @Test
    void iptablesTextAndIpsetsLoadIntoAKernel() throws Exception {
        NetnsTool.require("ip", "ipset", "iptables-restore", "ip6tables-restore");
        try (NetnsTool ns = new NetnsTool()) {
            for (Family f : Family.values()) {
                String sets = IptablesPolicyRenderer.ipsets(plan(), f);
                NetnsTool.Result r = ns.run(sets, "ipset", "restore");
                assertEquals(0, r.exit(), r.output() + "\n" + sets);
                // a second restore replaces the sets in place
                assertEquals(0, ns.run(sets, "ipset", "restore").exit());
                StringBuilder b = new StringBuilder("*filter\n");
                IptablesPolicyRenderer.chainDeclarations(plan(), f).forEach(l -> b.append(l).append('\n'));
                IptablesPolicyRenderer.forwardJump(plan(), f).forEach(l -> b.append(l).append('\n'));
                IptablesPolicyRenderer.rules(plan(), f).forEach(l -> b.append(l).append('\n'));
                b.append("COMMIT\n");
                String tool = f == Family.IPV4 ? "iptables-restore" : "ip6tables-restore";
                NetnsTool.Result loaded = ns.run(b.toString(), tool);
                assertEquals(0, loaded.exit(), loaded.output() + "\n" + b);
            }
            NetnsTool.Result list = ns.run(null, "ipset", "list", "peers-bbbbbbbbbbbb");
            assertTrue(list.output().contains("0.0.0.0/1") && list.output().contains("128.0.0.0/1"), list.output());
            NetnsTool.Result saved = ns.run(null, "iptables-save", "-t", "filter");
            assertTrue(saved.output().contains("-A FORWARD -m comment --comment \"netc network policy\" -j NETC-POLICY"), saved.output());
            assertTrue(saved.output().contains("--reject-with icmp-admin-prohibited"), saved.output());
        }
    }
}
