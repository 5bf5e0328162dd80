package dev.netc.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netc.backends.iptables.ChainNames;
import dev.netc.backends.ipvs.IpvsSets;
import dev.netc.backends.nftables.NftablesBackend;
import dev.netc.backends.nginx.NginxBackend;
import dev.netc.backends.policy.IptablesPolicyRenderer;
import dev.netc.backends.policy.NftPolicyRenderer;
import dev.netc.backends.policy.PolicyChains;
import dev.netc.backends.policy.PolicyPrograms;
import dev.netc.ir.Family;
import dev.netc.ir.IpAddress;
import dev.netc.ir.Protocol;
import dev.netc.ir.model.PortRef;
import dev.netc.ir.plan.IngressPlan;
import dev.netc.ir.plan.PlanEndpoint;
import dev.netc.ir.plan.PodPolicy;
import dev.netc.ir.plan.PolicyPlan;
import dev.netc.ir.plan.TierRule;
import dev.netc.ir.plan.ServicePortPlan;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property test of every generated name, over adversarial identities from a seeded {@link Random}: names with
 * dashes where a separator could be, dots, the API's maximum lengths (63-character labels, 253-character
 * subdomains), IPv6 endpoints of 39 characters, characters the API refuses ({@code /}, {@code :}, {@code _},
 * upper case, Cyrillic, emoji). For each tool's namespace of names: no two distinct identities get one name,
 * and every name fits the tool's limit and character set.
 */
class NamesPropertyTest {
    private static final int ROUNDS = 4000;
    private static final Pattern NFT_IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9/._-]*");
    private static final Pattern XT_CHAIN = Pattern.compile("[A-Z0-9-]+");
    private static final Pattern NGINX_NAME = Pattern.compile("[a-z0-9._A-Z-]+");

    /** One namespace of names (a tool's chains, its sets, …): each name to the one identity it stands for. */
    private static final class Space {
        final String what;
        final Map<String, Object> owner = new HashMap<>();

        Space(String what) {
            this.what = what;
        }

        void add(String name, Object identity) {
            Object before = owner.putIfAbsent(name, identity);
            if (before != null && !before.equals(identity)) {
                fail(what + ": " + before + " and " + identity + " both get the name " + name);
            }
        }
    }

    private record Svc(String ns, String svc, String port, Protocol proto) {
    }

    private record Ep(Svc svc, String hostPort) {
    }

    private final Random random = new Random(20261201L);

    private static final String[] ODD = {"-", ".", "/", ":", "_", "__", "np-", "-np", "A", "\u0430", "\u00fc", "\ud83d\ude00", "0"};

    /** A name: mostly what the API admits, at its limits, sometimes what it does not. */
    private String name(int max) {
        int kind = random.nextInt(10);
        StringBuilder b = new StringBuilder();
        int len = switch (kind) {
            case 0 -> max;
            case 1 -> 1;
            default -> 1 + random.nextInt(Math.min(max, 20));
        };
        String alphabet = kind == 2 ? "ab-" : kind == 3 ? "a.b-" : "abcdefghijklmnopqrstuvwxyz0123456789-";
        for (int i = 0; i < len; i++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        if (random.nextInt(4) == 0) b.insert(random.nextInt(b.length() + 1), ODD[random.nextInt(ODD.length)]);
        return b.toString();
    }

    private IpAddress ip(Family f) {
        if (f == Family.IPV4) return IpAddress.of(f, BigInteger.valueOf(random.nextInt() & 0xffffffffL));
        if (random.nextBoolean()) {
            // every group with four non-zero hex digits: the longest text form (39 characters)
            BigInteger v = BigInteger.ZERO;
            for (int g = 0; g < 8; g++) v = v.shiftLeft(16).add(BigInteger.valueOf(0x1000 + random.nextInt(0xefff)));
            return IpAddress.of(f, v);
        }
        // random bits, or a compressed form such as fd00::5 or ::1.2.3.4
        return IpAddress.of(f, random.nextBoolean() ? new BigInteger(128, random)
                : BigInteger.valueOf(random.nextInt(65536)).shiftLeft(random.nextBoolean() ? 112 : 0).add(BigInteger.valueOf(random.nextInt())).abs());
    }

    private static ServicePortPlan port(Svc s, Family f, List<PlanEndpoint> eps) {
        return new ServicePortPlan(s.ns, s.svc, s.port, s.proto, f, Optional.empty(), 80, 0, List.of(), List.of(), List.of(),
                false, false, 0, eps, eps, !eps.isEmpty());
    }

    /** A pod isolated both ways by {@code isolating}, with one admin rule named {@code admin} before that. */
    private static PodPolicy program(String isolating, String admin) {
        List<TierRule> rule = List.of(new TierRule(TierRule.Action.DENY, Optional.empty(), List.of(), "AdminNetworkPolicy/" + admin));
        return new PodPolicy("ns", "pod", List.of(IpAddress.parse("10.0.0.1")), List.of(isolating), List.of(isolating), List.of(),
                List.of(), rule, rule, List.of(), List.of());
    }

    private static void nftFits(String name) {
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= Names.NFT_MAX_BYTES, () -> "over nft's limit: " + name);
        assertTrue(NFT_IDENTIFIER.matcher(name).matches(), () -> "not an nft identifier: " + name);
    }

    private static void xtFits(String chain) {
        assertTrue(chain.length() <= Names.IPTABLES_CHAIN_MAX, () -> "over iptables' limit: " + chain);
        assertTrue(XT_CHAIN.matcher(chain).matches(), chain);
    }

    @Test
    void noTwoIdentitiesShareANameAndEveryNameFits() {
        Space nftChains = new Space("nft chains");
        Space nftSets = new Space("nft sets");
        Space xtChains = new Space("iptables chains");
        Space upstreams = new Space("nginx upstreams");
        Space certificates = new Space("certificate files");
        Protocol[] protocols = Protocol.values();
        for (int i = 0; i < ROUNDS; i++) {
            Svc s = new Svc(name(63), name(63), random.nextInt(5) == 0 ? "" : name(63), protocols[random.nextInt(protocols.length)]);
            Family f = random.nextBoolean() ? Family.IPV4 : Family.IPV6;
            PlanEndpoint e = new PlanEndpoint(ip(f), 1 + random.nextInt(65535), "n1", true, true, true, false);
            ServicePortPlan sp = port(s, f, List.of(e));
            String base = NftablesBackend.serviceBase(sp);
            for (String prefix : List.of(NftablesBackend.SERVICE, NftablesBackend.LOCAL, NftablesBackend.EXTERNAL, NftablesBackend.FIREWALL)) {
                nftFits(prefix + base);
                nftChains.add(prefix + base, List.of(prefix, s, f));
            }
            Ep ep = new Ep(s, e.hostPort());
            String epBase = NftablesBackend.endpointBase(sp, e);
            nftFits(NftablesBackend.ENDPOINT + epBase);
            nftChains.add(NftablesBackend.ENDPOINT + epBase, List.of(ep, f));
            nftFits(NftablesBackend.AFFINITY + epBase);
            nftSets.add(NftablesBackend.AFFINITY + epBase, List.of(ep, f));

            String spn = sp.servicePortName();
            String proto = s.proto.lower();
            for (String prefix : List.of(ChainNames.SERVICE, ChainNames.SERVICE_LOCAL, ChainNames.EXTERNAL, ChainNames.FIREWALL)) {
                String c = ChainNames.service(prefix, spn, proto);
                xtFits(c);
                xtChains.add(c, List.of(prefix, spn, proto));
            }
            String sep = ChainNames.endpoint(spn, proto, e.hostPort());
            xtFits(sep);
            xtChains.add(sep, List.of(spn, proto, e.hostPort()));

            // a program's chains are named by its content: programs that differ (here: in the policy that isolates the
            // pod, and in an admin step before it) never share a chain name
            String isolating = name(63) + "/" + name(253);
            String admin = name(63);
            PodPolicy subject = program(isolating, admin);
            PolicyPrograms programs = PolicyPrograms.of(new PolicyPlan(List.of(subject), List.of()));
            for (boolean ingress : new boolean[] {true, false}) {
                String id = programs.id(subject, ingress);
                String restId = programs.restId(PolicyChains.program(subject, ingress));
                for (String nft : List.of(NftPolicyRenderer.chain(id, ingress), NftPolicyRenderer.npChain(restId, ingress))) nftFits(nft);
                nftChains.add(NftPolicyRenderer.chain(id, ingress), List.of(isolating, admin, ingress));
                nftChains.add(NftPolicyRenderer.npChain(restId, ingress), List.of(isolating, ingress));
                for (String xt : List.of(IptablesPolicyRenderer.chain(id, ingress), IptablesPolicyRenderer.npChain(restId, ingress))) xtFits(xt);
                xtChains.add(IptablesPolicyRenderer.chain(id, ingress), List.of(isolating, admin, ingress));
                xtChains.add(IptablesPolicyRenderer.npChain(restId, ingress), List.of(isolating, ingress));
            }

            PortRef port = random.nextBoolean() ? PortRef.of(1 + random.nextInt(65535)) : PortRef.of(name(15));
            IngressPlan.ServiceRef ref = new IngressPlan.ServiceRef(s.ns, s.svc, port);
            String up = NginxBackend.upstreamName(ref);
            assertTrue(NGINX_NAME.matcher(up).matches(), up);
            upstreams.add(up, ref);
            IngressPlan.SecretRef secret = new IngressPlan.SecretRef(name(63), name(253));
            String cert = NginxBackend.certificateName(secret);
            assertTrue(NGINX_NAME.matcher(cert).matches(), cert);
            assertTrue((cert + ".crt").getBytes(StandardCharsets.UTF_8).length <= Names.FILE_NAME_MAX_BYTES, cert);
            certificates.add(cert, secret);
        }
        assertTrue(nftChains.owner.size() > ROUNDS * 8, "the rounds produced distinct identities: " + nftChains.owner.size());
    }

    /** The collisions the hostile-input review found, each pair now two names. */
    @Test
    void theReportedCollisionsAreGone() {
        assertNotEquals(NginxBackend.upstreamName(new IngressPlan.ServiceRef("a-b", "c", PortRef.of(80))),
                NginxBackend.upstreamName(new IngressPlan.ServiceRef("a", "b-c", PortRef.of(80))));
        assertNotEquals(NginxBackend.upstreamName(new IngressPlan.ServiceRef("ns", "web", PortRef.of("x-http"))),
                NginxBackend.upstreamName(new IngressPlan.ServiceRef("ns", "web-x", PortRef.of("http"))));
        assertNotEquals(NginxBackend.certificateName(new IngressPlan.SecretRef("a-b", "c")),
                NginxBackend.certificateName(new IngressPlan.SecretRef("a", "b-c")));
        // a program id is upper-case base32: policy-ingress- + an id never reads as policy-ingress-np- + another
        PodPolicy p = program("x/deny", "a");
        PolicyPrograms programs = PolicyPrograms.of(new PolicyPlan(List.of(p), List.of()));
        assertTrue(programs.id(p, true).matches("[A-Z2-7]{16}"), programs.id(p, true));
        assertTrue(programs.restId(PolicyChains.program(p, true)).matches("[A-Z2-7]{16}"));
    }

    /** ipset names: IPVS mode's fixed sets and the policy peer sets, with the temporary suffix, within 31. */
    @Test
    void ipsetNamesFitAndDoNotCollide() {
        Space sets = new Space("ipsets");
        for (Family f : Family.values()) {
            for (String base : IpvsSets.TYPES.keySet()) {
                String n = IpvsSets.name(base, f);
                assertTrue(n.length() <= Names.IPSET_MAX, n);
                sets.add(n, List.of(base, f));
            }
        }
        for (int i = 0; i < ROUNDS; i++) {
            // the plan's own shape (peers- and 12 hex digits) and anything else a plan could hold
            String planName = random.nextBoolean()
                    ? "peers-" + String.format("%012x", random.nextLong() & 0xffffffffffffL) : name(253);
            for (Family f : Family.values()) {
                String n = IptablesPolicyRenderer.ipsetName(planName, f);
                assertTrue((n + IptablesPolicyRenderer.TEMPORARY).length() <= Names.IPSET_MAX, n);
                assertTrue(n.matches("[A-Za-z0-9-]+"), n);
                sets.add(n, List.of(planName, f));
                sets.add(n + IptablesPolicyRenderer.TEMPORARY, List.of("temporary", planName, f));
            }
        }
    }

    /** kube-proxy's names are kept exactly: the well-known chains of every cluster's kubernetes and kube-dns Services. */
    @Test
    void kubeProxyNamesAreKept() {
        assertEquals("KUBE-SVC-NPX46M4PTMTKRN6Y", ChainNames.service(ChainNames.SERVICE, "default/kubernetes:https", "tcp"));
        assertEquals("KUBE-SVC-TCOU7JCQXEZGVUNU", ChainNames.service(ChainNames.SERVICE, "kube-system/kube-dns:dns", "udp"));
        assertEquals("KUBE-SVC-ERIFXISQEP7F7OF4", ChainNames.service(ChainNames.SERVICE, "kube-system/kube-dns:dns-tcp", "tcp"));
        assertEquals("KUBE-SVC-JD5MR3NA4I4DYORP", ChainNames.service(ChainNames.SERVICE, "kube-system/kube-dns:metrics", "tcp"));
        // kube-proxy's nftables names where they fit: HASH8-ns/svc/proto/port
        ServicePortPlan sp = port(new Svc("ns1", "svc1", "p80", Protocol.TCP), Family.IPV4, List.of());
        assertEquals(ChainNames.hash("ns1/svc1:p80tcp").substring(0, 8) + "-ns1/svc1/tcp/p80", NftablesBackend.serviceBase(sp));
    }

    /** Two programs that differ only at the end of a long policy name have two chains. */
    @Test
    void longNamesThatDifferOnlyAtTheEndStayApart() {
        List<String> names = new ArrayList<>();
        for (String tail : List.of("a", "b")) {
            PodPolicy p = program("n".repeat(63) + "/" + "p".repeat(252) + tail, "x");
            String chain = NftPolicyRenderer.chain(PolicyPrograms.of(new PolicyPlan(List.of(p), List.of())).id(p, true), true);
            nftFits(chain);
            names.add(chain);
        }
        assertNotEquals(names.get(0), names.get(1));
    }
}
