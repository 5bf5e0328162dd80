package dev.netc.applier;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.applier.nft.NftGuard;
import dev.netc.applier.nft.NftRuleset;
import dev.netc.applier.nginx.NginxGuard;
import dev.netc.applier.xt.XtGuard;
import dev.netc.applier.xt.XtRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The content checks that stand between a re-hashed artifact and the node: ownership (exit 5) and what would
 * abort libnftables (exit 1). Every generated golden artifact passes them; each tampering is caught.
 */
class GuardsTest {
    static final Path GOLDEN = Path.of("..", "golden", "approved");

    static ApplyException nft(String text) {
        return assertThrows(ApplyException.class, () -> NftGuard.check("nodes/n1/nftables.nft", NftRuleset.parse(text)));
    }

    @Test
    void everyGeneratedArtifactPasses() throws Exception {
        for (String s : List.of("shop/nodes/n1", "shop/nodes/n2", "minimal/nodes/node-1", "state-dump/nodes/worker-a")) {
            Path d = GOLDEN.resolve(s);
            // nftables.nft is composed of parts: read as the applier reads it, through the manifest
            String[] sampleNode = s.split("/nodes/");
            String nft = OutDir.read(GOLDEN.resolve(sampleNode[0])).select(sampleNode[1], BackendKind.NFTABLES).find("nftables.nft")
                    .orElseThrow().text();
            NftGuard.check("nftables.nft", NftRuleset.parse(nft));
            Bundle xt = OutDir.read(GOLDEN.resolve(sampleNode[0])).select(sampleNode[1], BackendKind.IPTABLES);
            Bundle ipvs = OutDir.read(GOLDEN.resolve(sampleNode[0])).select(sampleNode[1], BackendKind.IPVS);
            assertTrue(xt.find("iptables.rules").isPresent());
            for (Bundle b : List.of(xt, ipvs)) {
                for (String f : List.of("iptables.rules", "ipvs/iptables.rules", "ip6tables.rules", "ipvs/ip6tables.rules")) {
                    if (b.find(f).isPresent()) XtGuard.checkRules(f, XtRules.parse(b.find(f).get().text()));
                }
                for (String f : List.of("ipset.rules", "ipvs/ipset.rules")) {
                    if (b.find(f).isPresent()) XtGuard.checkIpset(f, b.find(f).get().text());
                }
            }
        }
        NginxGuard.check("ingress/nginx.conf", Files.readString(GOLDEN.resolve("shop/ingress/nginx.conf")), shopIngressFiles());
    }

    @Test
    void nftForeignTablesAreRefused() {
        ApplyException del = nft("delete table inet filter\ntable ip netc {\n}\n");
        assertEquals(ExitCode.REFUSED, del.exitCode());
        assertTrue(del.getMessage().startsWith("nodes/n1/nftables.nft:1: table inet filter is not netc's"), del.getMessage());
        ApplyException create = nft("table ip netc {\n}\ntable ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}\n");
        assertEquals(ExitCode.REFUSED, create.exitCode());
        assertTrue(create.getMessage().contains(":3: table ip filter is not netc's"), create.getMessage());
        assertEquals(ExitCode.REFUSED, nft("flush table ip6 nat\n").exitCode());
        assertEquals(ExitCode.REFUSED, nft("table ip netc {\n\tinclude \"/etc/nftables.conf\"\n}\n").exitCode());
    }

    @Test
    void whatWouldAbortLibnftablesIsRejectedWithItsLine() {
        String longName = "c".repeat(300);
        ApplyException jump = nft("table ip netc {\n\tchain x {\n\t\tjump " + longName + "\n\t}\n}\n");
        assertEquals(ExitCode.REJECTED, jump.exitCode());
        assertTrue(jump.getMessage().startsWith("nodes/n1/nftables.nft:3: chain (jump target) name of 300 bytes"), jump.getMessage());
        ApplyException decl = nft("table ip netc {\n\tchain " + longName + " {\n\t}\n}\n");
        assertTrue(decl.getMessage().startsWith("nodes/n1/nftables.nft:2: chain name of 300 bytes"), decl.getMessage());
        ApplyException vmap = nft("table ip netc {\n\tmap m {\n\t\ttype ipv4_addr : verdict\n\t\telements = { 1.2.3.4 : goto " + longName + " }\n\t}\n}\n");
        assertEquals(ExitCode.REJECTED, vmap.exitCode());
        assertTrue(vmap.getMessage().contains(":4:"), vmap.getMessage());
        assertEquals(ExitCode.REJECTED, nft("table ip netc {\n\tchain x {\n\t\tlog prefix \"" + "p".repeat(200) + "\"\n\t}\n}\n").exitCode());
        assertEquals(ExitCode.REJECTED, nft("table inet netc {\n\tchain x {\n\t\ttype filter hook ingress devices = { " + "d".repeat(100)
                + " } priority 0;\n\t}\n}\n").exitCode());
        assertEquals(ExitCode.REJECTED, nft("table ip netc {\n\tchain x {\n\t\tcounter comment \"" + "k".repeat(129) + "\"\n\t}\n}\n").exitCode());
        assertDoesNotThrow(() -> NftGuard.check("x", NftRuleset.parse("table ip netc {\n\tchain " + "c".repeat(255) + " {\n\t}\n\tchain y {\n\t\tjump "
                + "c".repeat(255) + "\n\t}\n}\n")));
    }

    static ApplyException xt(String text) {
        return assertThrows(ApplyException.class, () -> XtGuard.checkRules("nodes/n1/iptables.rules", XtRules.parse(text)));
    }

    @Test
    void iptablesForeignRulesAndChainsAreRefused() {
        String own = "*filter\n:NETC-POLICY - [0:0]\n-A FORWARD -m comment --comment \"netc network policy\" -j NETC-POLICY\n";
        assertDoesNotThrow(() -> XtGuard.checkRules("x", XtRules.parse(own + "COMMIT\n")));
        ApplyException accept = xt(own + "-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
        assertEquals(ExitCode.REFUSED, accept.exitCode());
        assertTrue(accept.getMessage().startsWith("nodes/n1/iptables.rules:4: in the built-in chain INPUT netc writes only jumps"), accept.getMessage());
        assertTrue(xt(own + ":FOREIGN - [0:0]\nCOMMIT\n").getMessage().contains(":4: chain FOREIGN is not netc's"));
        assertTrue(xt(own + "-A FOREIGN -j ACCEPT\nCOMMIT\n").getMessage().contains("chain FOREIGN, which is not netc's"));
        assertTrue(xt(own + ":INPUT DROP [0:0]\nCOMMIT\n").getMessage().contains("built-in chain INPUT"));
        assertTrue(xt(own + "-A INPUT -j NETC-POLICY -g FOREIGN\nCOMMIT\n").getMessage().contains("only jumps"));
        assertTrue(xt("*security\n:NETC-X - [0:0]\nCOMMIT\n").getMessage().contains("table security"));
    }

    @Test
    void ipsetForeignSetsAreRefused() {
        String own = "create peers-3ad3899ac5f4 hash:net family inet -exist\nadd peers-3ad3899ac5f4 10.0.0.1/32\n";
        assertDoesNotThrow(() -> XtGuard.checkIpset("x", own));
        for (String bad : List.of("flush foreign", "destroy", "flush", "destroy foreign", "add foreign 10.0.0.1", "swap peers-a foreign",
                "rename peers-a peers-b", "create foreign hash:ip")) {
            ApplyException e = assertThrows(ApplyException.class, () -> XtGuard.checkIpset("nodes/n1/ipset.rules", own + bad + "\n"), bad);
            assertEquals(ExitCode.REFUSED, e.exitCode());
            assertTrue(e.getMessage().startsWith("nodes/n1/ipset.rules:3: "), e.getMessage());
        }
    }

    @Test
    void nginxConfigNamesOnlyItsOwnFiles() throws Exception {
        String conf = Files.readString(GOLDEN.resolve("shop/ingress/nginx.conf"));
        Set<String> files = shopIngressFiles();
        String crt = fileEnding(files, ".crt");
        String key = fileEnding(files, ".key");
        List<String[]> tamperings = List.of(
                new String[] {"access_log access.log;", "access_log /tmp/x;"},
                new String[] {"pid nginx.pid;", "pid /tmp/netc.pid;"},
                new String[] {"error_log error.log warn;", "error_log /tmp/e.log warn;"},
                new String[] {"client_body_temp_path client_body_temp;", "client_body_temp_path /tmp/body;"},
                new String[] {"ssl_certificate " + crt + ";", "ssl_certificate /etc/ssl/private/other.crt;"},
                new String[] {"ssl_certificate_key " + key + ";", "ssl_certificate_key ../other/x.key;"},
                new String[] {"worker_processes 1;", "worker_processes 1;\nload_module /usr/lib/nginx/modules/x.so;"},
                new String[] {"worker_processes 1;", "worker_processes 1;\ninclude /etc/nginx/modules-enabled/*.conf;"},
                new String[] {"proxy_http_version 1.1;", "proxy_http_version 1.1;\n    include /etc/nginx/mime.types;"},
                new String[] {"proxy_http_version 1.1;", "proxy_http_version 1.1;\n    perl_modules /tmp;"},
                new String[] {"return 404;", "content_by_lua_block { os.execute('id') }"},
                new String[] {"return 404;", "alias /etc/;"},
                new String[] {"listen 80 default_server;", "listen unix:/tmp/x.sock;"},
                new String[] {"proxy_pass http://" + upstream(conf) + ";", "proxy_pass http://unix:/run/docker.sock;"});
        for (String[] t : tamperings) {
            assertTrue(conf.contains(t[0]), t[0]);
            String bad = conf.replaceFirst(java.util.regex.Pattern.quote(t[0]), java.util.regex.Matcher.quoteReplacement(t[1]));
            ApplyException e = assertThrows(ApplyException.class, () -> NginxGuard.check("ingress/nginx.conf", bad, files), t[1]);
            assertEquals(ExitCode.REFUSED, e.exitCode());
            assertTrue(e.getMessage().startsWith("ingress/nginx.conf:"), e.getMessage());
        }
    }

    /** The files of the approved shop sample's ingress folder, as the applier's bundle lists them. */
    private static Set<String> shopIngressFiles() throws java.io.IOException {
        try (var files = Files.list(GOLDEN.resolve("shop/ingress"))) {
            return files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    private static String fileEnding(Set<String> files, String suffix) {
        return files.stream().filter(f -> f.endsWith(suffix)).findFirst().orElseThrow();
    }

    /** The first upstream a location of the config proxies to. */
    private static String upstream(String conf) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("proxy_pass http://([^;]+);").matcher(conf);
        assertTrue(m.find(), "the shop sample's nginx.conf proxies somewhere");
        return m.group(1);
    }
}
