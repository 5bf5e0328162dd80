package dev.netc.e2e.applier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.e2e.lab.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code netc apply --backend iptables}: iptables-restore --noflush owning only netc's chains and jumps. */
class IptablesApplyTest {
    @BeforeAll
    static void tools() {
        Lab.require();
    }

    /** Foreign state made before netc: a chain with a rule, a jump to it, a nat rule, an ipset. */
    static void foreign(ApplyLab lab) {
        lab.sh("iptables", "-N", "FOREIGN");
        lab.sh("iptables", "-A", "FOREIGN", "-p", "tcp", "--dport", "22", "-j", "ACCEPT");
        lab.sh("iptables", "-A", "INPUT", "-j", "FOREIGN");
        lab.sh("iptables", "-A", "FORWARD", "-s", "192.0.2.0/24", "-j", "DROP");
        lab.sh("iptables", "-t", "nat", "-A", "POSTROUTING", "-s", "198.51.100.0/24", "-j", "MASQUERADE");
        lab.sh("ip6tables", "-A", "INPUT", "-p", "tcp", "--dport", "2222", "-j", "ACCEPT");
    }

    static String foreignListing(ApplyLab lab) throws Exception {
        return dev.netc.applier.xt.XtRules.parse(lab.sh("iptables-save")).foreignListing()
                + dev.netc.applier.xt.XtRules.parse(lab.sh("ip6tables-save")).foreignListing();
    }

    static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void applyReapplyChangeRollbackKeepJumpsOnceAndForeignRulesAlone() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            foreign(lab);
            String foreign = foreignListing(lab);

            ApplyLab.Run first = lab.apply("--backend", "iptables", a.toString());
            assertEquals(0, first.exit(), first.all());
            assertTrue(first.out().contains("+ iptables nat KUBE-SERVICES"), first.out());
            assertEquals(foreign, foreignListing(lab));
            assertEquals(0, lab.apply("--backend", "iptables", "--check", a.toString()).exit());

            ApplyLab.Run again = lab.apply("--backend", "iptables", a.toString());
            assertEquals(0, again.exit(), again.all());
            assertTrue(again.out().contains("nothing to change"), again.out());

            ApplyLab.Run full = lab.apply("--backend", "iptables", "--full", a.toString());
            assertEquals(0, full.exit(), full.all());
            assertTrue(full.out().contains("(0 changes)"), "the same artifact again changes nothing: " + full.out());
            String save = lab.sh("iptables-save");
            assertEquals(1, count(save, "-A FORWARD -m comment --comment \"netc network policy\" -j NETC-POLICY"), save);
            assertEquals(1, count(save, "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"), save);

            ApplyLab.Run changed = lab.apply("--backend", "iptables", b.toString());
            assertEquals(0, changed.exit(), changed.all());
            assertTrue(changed.out().contains("~ iptables nat KUBE-SVC-4EICBWO4A2XU3KYK"), changed.out());
            assertTrue(changed.out().contains("(incremental, ") && changed.out().contains("applied"), "from the difference of the bundles: " + changed.out());
            assertEquals(0, lab.apply("--backend", "iptables", "--check", b.toString()).exit());
            assertEquals(foreign, foreignListing(lab));

            ApplyLab.Run back = lab.apply("--backend", "iptables", "--rollback");
            assertEquals(0, back.exit(), back.all());
            assertEquals(0, lab.apply("--backend", "iptables", "--check", a.toString()).exit());
            assertEquals(foreign, foreignListing(lab));
            assertTrue(lab.sh("iptables-save").contains("-A FOREIGN -p tcp -m tcp --dport 22 -j ACCEPT"));
        }
    }

    @Test
    void anErrorInTheLastLineLeavesThePreviousRulesByteForByte() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            Path b = lab.compile("b", ApplyLab.EXTRA_WEB_POD);
            foreign(lab);
            assertEquals(0, lab.apply("--backend", "iptables", a.toString()).exit());
            String before = lab.iptablesSave();
            String ipsets = lab.sh("ipset", "save");
            // The ip6tables file is restored last: break its last line (a rule in a table that is then committed).
            String v6 = ApplyLab.read(b.resolve("nodes/n1/ip6tables.rules"));
            Path broken = lab.dir.resolve("broken");
            ApplyLab.copyTree(b, broken);
            java.nio.file.Files.writeString(broken.resolve("nodes/n1/ip6tables.rules"),
                    v6.substring(0, v6.lastIndexOf("COMMIT")) + "-A KUBE-SERVICES -j NO-SUCH-CHAIN\nCOMMIT\n");
            ApplyLab.rehash(broken, "nodes/n1/ip6tables.rules");

            ApplyLab.Run r = lab.apply("--backend", "iptables", broken.toString());
            assertEquals(1, r.exit(), r.all());
            // iptables-nft names the line of the table's COMMIT, where the batch was refused
            assertTrue(r.err().contains("nodes/n1/ip6tables.rules:") && r.err().contains("NO-SUCH-CHAIN"), r.err());
            assertEquals(before, lab.iptablesSave(), "iptables and ip6tables unchanged");
            assertEquals(ipsets, lab.sh("ipset", "save"), "ipsets unchanged");

            Path brokenSet = lab.withLastLine(b, "broken-set", "nodes/n1/ipset.rules", "add peers-no-such-set 10.0.0.1");
            ApplyLab.Run s = lab.apply("--backend", "iptables", brokenSet.toString());
            assertEquals(1, s.exit(), s.all());
            assertTrue(s.err().contains("nodes/n1/ipset.rules:"), s.err());
            assertEquals(before, lab.iptablesSave());
            assertEquals(ipsets, lab.sh("ipset", "save"));
            assertEquals(0, lab.apply("--backend", "iptables", b.toString()).exit(), "the next apply succeeds");
        }
    }

    @Test
    void checkReportsARuleDeletedByHand() throws Exception {
        try (ApplyLab lab = new ApplyLab()) {
            Path a = lab.compile("a", null);
            assertEquals(0, lab.apply("--backend", "iptables", a.toString()).exit());
            ApplyLab.Run clean = lab.apply("--backend", "iptables", "--check", a.toString());
            assertEquals(0, clean.exit(), clean.all());
            lab.sh("iptables", "-D", "FORWARD", "-m", "comment", "--comment", "netc network policy", "-j", "NETC-POLICY");
            ApplyLab.Run drift = lab.apply("--backend", "iptables", "--check", a.toString());
            assertEquals(3, drift.exit(), drift.all());
            assertTrue(drift.out().contains("missing: -A FORWARD -m comment --comment \"netc network policy\" -j NETC-POLICY"), drift.out());
            ApplyLab.Run repair = lab.apply("--backend", "iptables", a.toString());
            assertEquals(0, repair.exit(), repair.all());
            assertEquals(0, lab.apply("--backend", "iptables", "--check", a.toString()).exit());
            assertEquals(1, count(lab.sh("iptables-save"), "-j NETC-POLICY"));
        }
    }
}
