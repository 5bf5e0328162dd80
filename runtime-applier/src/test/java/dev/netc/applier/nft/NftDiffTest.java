package dev.netc.applier.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Drift lines: what the kernel's table lacks or has beyond what netc expects. */
class NftDiffTest {
    @Test
    void namesMissingAndUnexpectedRulesElementsAndChains() throws Exception {
        NftRuleset.TableId id = new NftRuleset.TableId("ip", "netc");
        var expected = NftRuleset.parse(NftDeltaTest.A).tables().get(id);
        String hand = NftDeltaTest.A.replace("\t\tip daddr . meta l4proto . th dport vmap @service-ips\n", "")
                .replace("10.96.0.11 . tcp . 443 comment \"a/api\" : goto svc-api", "10.96.0.99 . tcp . 443 comment \"a/api\" : goto svc-api")
                .replace("\tchain svc-api {\n\t\tdnat to 10.244.1.6:8443\n\t}\n", "")
                .replace("\tchain svc-web {", "\tchain extra {\n\t\tcounter\n\t}\n\n\tchain svc-web {");
        var actual = NftRuleset.parse(hand).tables().get(id);
        assertEquals(List.of(
                "map ip netc service-ips: missing element 10.96.0.11 . tcp . 443 comment \"a/api\" : goto svc-api",
                "map ip netc service-ips: unexpected element 10.96.0.99 . tcp . 443 comment \"a/api\" : goto svc-api",
                "unexpected chain ip netc extra",
                "chain ip netc services: missing rule: ip daddr . meta l4proto . th dport vmap @service-ips",
                "missing chain ip netc svc-api"), NftDiff.drift(expected, actual));
        assertEquals(List.of(), NftDiff.drift(expected, expected));
    }
}
