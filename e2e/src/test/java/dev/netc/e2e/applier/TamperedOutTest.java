package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.e2e.lab.Lab;
import dev.netc.e2e.lab.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OUT changed by someone who can write it — files swapped for a FIFO, a device or a symlink, artifacts edited
 * and the manifest re-hashed so that only the applier's content checks can catch it: each is refused (exit
 * 5, or exit 1 for what would abort libnftables), fast, and the node keeps exactly what it had.
 */
class TamperedOutTest {
    static final String NFT = "nodes/n1/nftables.nft";
    static final String FOREIGN = """
            table inet filter {
            	chain input {
            		type filter hook input priority filter; policy accept;
            		tcp dport 22 accept
            	}
            }
            """;

    static ApplyLab.Run fast(ApplyLab lab, String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> lab.apply(args));
    }

    @Test
    void filesThatAreNotRegularFilesInsideOutAreRefusedAtOnce() throws Exception {
        Lab.require();
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            assertEquals(0, lab.apply(a.toString()).exit());
            String before = lab.nftRuleset();
            List<Path> outs = new ArrayList<>();

            Path fifo = copy(lab, a, "fifo");
            Files.delete(fifo.resolve(NFT));
            Sh.ok("mkfifo", fifo.resolve(NFT).toString());
            outs.add(fifo);
            Path zero = copy(lab, a, "zero");
            Files.delete(zero.resolve(NFT));
            Files.createSymbolicLink(zero.resolve(NFT), Path.of("/dev/zero"));
            outs.add(zero);
            Path out = copy(lab, a, "outside");
            Path elsewhere = lab.dir.resolve("elsewhere.nft");
            Files.move(out.resolve(NFT), elsewhere);
            Files.createSymbolicLink(out.resolve(NFT), elsewhere); // same bytes, same digest: only the link is wrong
            outs.add(out);
            Path big = copy(lab, a, "oversize");
            try (var ch = java.nio.channels.FileChannel.open(big.resolve(NFT), java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), 4L << 30); // 4 GiB, sparse
            }
            outs.add(big);

            for (Path o : outs) {
                ApplyLab.Run r = fast(lab, o.toString());
                assertEquals(5, r.exit(), o + ": " + r.all());
                assertTrue(r.err().contains(NFT + ": listed in the manifest but cannot be read: is "), r.err());
                assertEquals(before, lab.nftRuleset(), o.toString());
            }
            assertTrue(fast(lab, fifo.toString()).err().contains("a FIFO"));
            assertTrue(fast(lab, zero.toString()).err().contains("symbolic link (to /dev/zero)"));
            assertTrue(fast(lab, big.toString()).err().contains("does not match the manifest's"));
        }
    }

    @Test
    void nftablesArtifactsTouchOnlyNetcsTablesAndNeverAbortTheApplier() throws Exception {
        Lab.require();
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            NftApplyTest.Foreign.load(lab, FOREIGN);
            assertEquals(0, lab.apply(a.toString()).exit());
            String before = lab.nftRuleset();

            ApplyLab.Run del = lab.apply(lab.withLastLine(a, "delete", NFT, "delete table inet filter").toString());
            assertEquals(5, del.exit(), del.all());
            assertTrue(del.err().contains("table inet filter is not netc's"), del.err());
            ApplyLab.Run drop = lab.apply(lab.withLastLine(a, "drop", NFT,
                    "table ip filter {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t}\n}").toString());
            assertEquals(5, drop.exit(), drop.all());
            assertTrue(drop.err().contains("table ip filter is not netc's"), drop.err());
            assertEquals(before, lab.nftRuleset(), "the foreign table is there, no table was added");

            // A jump to a 300-byte chain name makes libnftables 1.0.6 assert (SIGABRT in the applier's JVM).
            Path longName = lab.withLastLine(a, "long", NFT, "table ip netc {\n\tchain zz {\n\t\tjump " + "c".repeat(300) + "\n\t}\n}");
            int lines = ApplyLab.read(longName.resolve(NFT)).split("\n").length;
            for (String mode : new String[] {"", "--full", "--dry-run"}) {
                ApplyLab.Run r = mode.isEmpty() ? lab.apply(longName.toString()) : lab.apply(mode, longName.toString());
                assertEquals(1, r.exit(), r.all());
                assertTrue(r.err().contains(NFT + ":" + (lines - 2) + ": chain (jump target) name of 300 bytes"), r.err());
                assertEquals(before, lab.nftRuleset());
            }
            ApplyLab.Run log = lab.apply(lab.withLastLine(a, "log", NFT, "table ip netc {\n\tchain zz {\n\t\tlog prefix \"" + "p".repeat(200)
                    + "\"\n\t}\n}").toString());
            assertEquals(1, log.exit(), log.all());
            assertEquals(before, lab.nftRuleset());
            assertEquals(0, lab.apply("--check", a.toString()).exit(), "the applier lives on and the node holds a");
        }
    }

    @Test
    void iptablesAndIpsetArtifactsHoldOnlyNetcsChainsJumpsAndSets() throws Exception {
        Lab.require();
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            IptablesApplyTest.foreign(lab);
            lab.sh("ipset", "create", "foreign", "hash:ip");
            lab.sh("ipset", "add", "foreign", "192.0.2.7");
            assertEquals(0, lab.apply("--backend", "iptables", a.toString()).exit());
            String before = lab.iptablesSave();
            String sets = lab.sh("ipset", "save");

            String v4 = ApplyLab.read(a.resolve("nodes/n1/iptables.rules"));
            Path accept = copy(lab, a, "accept");
            int filter = v4.indexOf("*filter");
            int commit = v4.indexOf("COMMIT", filter);
            Files.writeString(accept.resolve("nodes/n1/iptables.rules"),
                    v4.substring(0, commit) + "-A INPUT -p tcp --dport 9999 -j ACCEPT\n" + v4.substring(commit));
            ApplyLab.rehash(accept, "nodes/n1/iptables.rules");
            ApplyLab.Run r = lab.apply("--backend", "iptables", accept.toString());
            assertEquals(5, r.exit(), r.all());
            assertTrue(r.err().contains("in the built-in chain INPUT netc writes only jumps to its own chains"), r.err());
            assertEquals(before, lab.iptablesSave());

            ApplyLab.Run flush = lab.apply("--backend", "iptables", lab.withLastLine(a, "flush", "nodes/n1/ipset.rules", "flush foreign").toString());
            assertEquals(5, flush.exit(), flush.all());
            assertTrue(flush.err().contains("set foreign is not netc's"), flush.err());
            assertEquals(sets, lab.sh("ipset", "save"));
            assertEquals(before, lab.iptablesSave());
        }
    }

    @Test
    void nginxConfigNamingFilesOutsideItsReleaseIsRefusedBeforeNginxT() throws Exception {
        Lab.requireNginx();
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path prefix = lab.dir.resolve("nginx");
            Path evil = lab.dir.resolve("evil");
            String conf = ApplyLab.read(a.resolve("ingress/nginx.conf"));
            java.util.regex.Matcher cert = java.util.regex.Pattern.compile("ssl_certificate [^;]+;").matcher(conf);
            assertTrue(cert.find(), "the shop sample serves a TLS host");
            String[][] tamperings = {
                {"access_log access.log;", "access_log " + evil + "-access.log;"},
                {"pid nginx.pid;", "pid " + evil + ".pid;"},
                {"error_log error.log warn;", "error_log " + evil + "-error.log warn;"},
                {"client_body_temp_path client_body_temp;", "client_body_temp_path " + evil + "-body;"},
                {"proxy_http_version 1.1;", "proxy_http_version 1.1;\n    include /etc/nginx/mime.types;"},
                {cert.group(), "ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;"},
                {"worker_processes 1;", "worker_processes 1;\nload_module modules/ngx_http_perl_module.so;"},
            };
            for (int i = 0; i < tamperings.length; i++) {
                assertTrue(conf.contains(tamperings[i][0]), tamperings[i][0]);
                Path t = copy(lab, a, "nginx-" + i);
                Files.writeString(t.resolve("ingress/nginx.conf"), conf.replace(tamperings[i][0], tamperings[i][1]));
                ApplyLab.rehash(t, "ingress/nginx.conf");
                ApplyLab.Run r = lab.apply("--backend", "nginx", "--nginx-prefix", prefix.toString(), "--dry-run", t.toString());
                assertEquals(5, r.exit(), tamperings[i][1] + ": " + r.all());
                assertTrue(r.err().contains("ingress/nginx.conf:") && r.err().contains("refused before nginx -t"), r.err());
            }
            try (var s = Files.list(lab.dir)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("evil")), "nginx created nothing outside its release");
            }
            ApplyLab.Run ok = lab.apply("--backend", "nginx", "--nginx-prefix", prefix.toString(), "--dry-run", a.toString());
            assertEquals(0, ok.exit(), ok.all());
            try (var s = Files.list(prefix)) {
                assertEquals(List.of("releases"), s.map(p -> p.getFileName().toString()).toList(), "nginx -t ran inside the release");
            }
        }
    }

    @Test
    void aSignedOutputAppliesUnderVerifyKeyAndAReSignedOrUnsignedOneDoesNot() throws Exception {
        Lab.require();
        try (ApplyLab lab = new ApplyLab()) {
            Path key = lab.dir.resolve("netc.key");
            Path pub = lab.dir.resolve("netc.pub");
            assertEquals(0, lab.netc(List.of("keygen", "--private", key.toString(), "--public", pub.toString())).exit());
            Path signed = lab.dir.resolve("signed");
            ApplyLab.Run c = lab.netc(List.of("compile", ApplyLab.SHOP.toString(), "--node", "n1", "-o", signed.toString(), "--sign", key.toString()));
            assertEquals(0, c.exit(), c.all());
            Path unsigned = lab.compile("unsigned", null);
            String before = lab.nftRuleset();

            ApplyLab.Run none = lab.apply("--verify-key", pub.toString(), unsigned.toString());
            assertEquals(5, none.exit(), none.all());
            assertTrue(none.err().contains("no signature"), none.err());
            // anyone who can write OUT can re-hash the manifest, but not re-sign it
            Path rehashed = lab.withLastLine(signed, "rehashed", NFT, "table ip netc {\n\tchain zz {\n\t}\n}");
            Files.copy(signed.resolve("netc-manifest.json.sig"), rehashed.resolve("netc-manifest.json.sig"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            ApplyLab.Run stale = lab.apply("--verify-key", pub.toString(), rehashed.toString());
            assertEquals(5, stale.exit(), stale.all());
            assertTrue(stale.err().contains("not a valid signature"), stale.err());
            assertEquals(before, lab.nftRuleset());

            ApplyLab.Run ok = lab.apply("--verify-key", pub.toString(), signed.toString());
            assertEquals(0, ok.exit(), ok.all());
            assertEquals(0, lab.apply("--check", "--verify-key", pub.toString(), signed.toString()).exit());
        }
    }

    @Test
    void theGuardsPassWhatTheBackendsWriteForTheIngressPathsSample() throws Exception {
        Lab.requireNginx();
        try (ApplyLab lab = new ApplyLab()) {
            // allow-lists, body size, rewrites, TLS, regex hosts: every directive the nginx template can write
            Path out = lab.dir.resolve("paths");
            ApplyLab.Run c = lab.netc(List.of("compile", "src/test/resources/ingress/paths.yaml", "-o", out.toString()));
            assertEquals(0, c.exit(), c.all());
            ApplyLab.Run r = lab.apply("--backend", "nginx", "--nginx-prefix", lab.dir.resolve("nginx").toString(), "--dry-run", out.toString());
            assertEquals(0, r.exit(), r.all());
            assertTrue(r.out().contains("nginx -t passed"), r.out());
        }
    }

    static Path copy(ApplyLab lab, Path out, String name) throws Exception {
        Path c = lab.dir.resolve(name);
        ApplyLab.copyTree(out, c);
        return c;
    }
}
