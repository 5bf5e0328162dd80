package dev.netc.applier.nft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The incremental transaction between two nftables artifacts. */
class NftDeltaTest {
    static final String A = """
            table ip netc {
            }
            delete table ip netc
            table ip netc {
            	map service-ips {
            		type ipv4_addr . inet_proto . inet_service : verdict
            		elements = {
            			10.96.0.10 . tcp . 80 comment "a/web" : goto svc-web,
            			10.96.0.11 . tcp . 443 comment "a/api" : goto svc-api
            		}
            	}

            	chain services {
            		type nat hook prerouting priority dstnat; policy accept;
            		ip daddr . meta l4proto . th dport vmap @service-ips
            	}

            	chain svc-web {
            		dnat to 10.244.1.5:8080
            	}

            	chain svc-api {
            		dnat to 10.244.1.6:8443
            	}
            }
            """;

    @Test
    void anEndpointChangeIsAFewCommandsNotTheTable() throws Exception {
        String b = A.replace("10.96.0.11 . tcp . 443 comment \"a/api\" : goto svc-api", "10.96.0.12 . tcp . 443 comment \"a/api\" : goto svc-api")
                .replace("dnat to 10.244.1.5:8080", "dnat to 10.244.1.7:8080");
        NftDelta.Result r = NftDelta.compute(NftRuleset.parse(A), NftRuleset.parse(b));
        assertTrue(r.delta().isPresent(), r.whyNot());
        assertEquals("""
                flush chain ip netc svc-web
                table ip netc {
                	chain svc-web {
                		dnat to 10.244.1.7:8080
                	}
                }
                delete element ip netc service-ips {
                			10.96.0.11 . tcp . 443
                }
                add element ip netc service-ips {
                			10.96.0.12 . tcp . 443 comment "a/api" : goto svc-api
                }
                """, r.delta().get().script().text());
        assertEquals(2, r.delta().get().changes().size());
    }

    @Test
    void aChangedHookMeansWholeTables() throws Exception {
        String b = A.replace("priority dstnat", "priority -110");
        NftDelta.Result r = NftDelta.compute(NftRuleset.parse(A), NftRuleset.parse(b));
        assertTrue(r.delta().isEmpty());
        assertTrue(r.whyNot().contains("base chain services"), r.whyNot());
    }

    @Test
    void theSameTextIsNoChange() throws Exception {
        assertTrue(NftDelta.compute(NftRuleset.parse(A), NftRuleset.parse(A)).delta().orElseThrow().isEmpty());
    }
}
