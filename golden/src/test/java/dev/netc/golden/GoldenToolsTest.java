package dev.netc.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.netc.backends.testing.NetnsTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every approved ruleset is accepted by the real tool that loads it, each in a fresh network namespace:
 * {@code nft -c -f} for nftables files, {@code ipset restore} then {@code iptables-restore --test} for iptables
 * files (their sibling {@code ipset.rules} first), {@code ipset restore} for IPVS sets.
 */
class GoldenToolsTest {
    @TestFactory
    List<DynamicTest> everyApprovedRulesetLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(GoldenNamer.APPROVED.toPath())) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        // A node file composed of parts is checked composed (its parts do not load alone); the parts are skipped.
        java.util.Set<Path> parts = new java.util.HashSet<>();
        List<Path> composed = new ArrayList<>();
        Path work = Files.createDirectories(Path.of("target", "golden-composed"));
        for (Path manifest : files.stream().filter(f -> f.getFileName().toString().equals("netc-manifest.json")).toList()) {
            Path root = manifest.getParent();
            for (var c : new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.toFile()).path("composed")) {
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                for (var part : c.path("parts")) {
                    Path p = root.resolve(part.asText());
                    parts.add(p);
                    b.writeBytes(Files.readAllBytes(p));
                }
                Path f = work.resolve(GoldenNamer.APPROVED.toPath().relativize(root)).resolve(c.path("path").asText());
                Files.createDirectories(f.getParent());
                Files.write(f, b.toByteArray());
                composed.add(f);
            }
        }
        // a composed iptables file's sibling ipset.rules is the approved one
        for (Path f : files) {
            if (f.getFileName().toString().equals("ipset.rules") && !parts.contains(f)) {
                Path copy = work.resolve(GoldenNamer.APPROVED.toPath().relativize(f));
                Files.createDirectories(copy.getParent());
                if (!Files.exists(copy)) Files.copy(f, copy);
            }
        }
        List<Path> all = new ArrayList<>(files.stream().filter(f -> !parts.contains(f)).toList());
        all.addAll(composed);
        for (Path f : all) {
            String name = f.getFileName().toString();
            if (name.endsWith(".nft")) {
                tests.add(DynamicTest.dynamicTest(f.toString(), () -> check(f, List.of(), "nft", "-c", "-f", "-")));
            } else if (name.equals("iptables.rules") || name.equals("ip6tables.rules")) {
                String tool = name.startsWith("ip6") ? "ip6tables-restore" : "iptables-restore";
                tests.add(DynamicTest.dynamicTest(f.toString(), () -> check(f, sets(f), tool, "--test")));
            } else if (name.equals("nginx.conf")) {
                tests.add(DynamicTest.dynamicTest(f.toString(), () -> nginxTest(f)));
            } else if (name.equals("ipset.rules")) {
                tests.add(DynamicTest.dynamicTest(f.toString(), () -> check(f, List.of(), "ipset", "restore")));
            }
        }
        assertFalse(tests.isEmpty(), "there are approved rulesets to check");
        return tests;
    }

    /** nginx -t on a copy of the ingress folder (nginx writes its log files into the prefix). */
    private static void nginxTest(Path conf) throws Exception {
        NetnsTool.require("nginx");
        Path dir = Files.createTempDirectory("netc-nginx-");
        try {
            try (Stream<Path> s = Files.list(conf.getParent())) {
                for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName()));
            }
            NetnsTool.Result r = NetnsTool.exec(null, "nginx", "-t", "-q", "-p", dir + "/", "-c", "nginx.conf");
            assertEquals(0, r.exit(), conf + ": " + r.output());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
    }

    /** iptables rules that match ipsets need them to exist: the sibling ipset.rules. */
    private static List<Path> sets(Path rules) {
        Path s = rules.resolveSibling("ipset.rules");
        return Files.exists(s) ? List.of(s) : List.of();
    }

    private static void check(Path file, List<Path> before, String... cmd) throws Exception {
        NetnsTool.require("ip", cmd[0], "ipset");
        try (NetnsTool ns = new NetnsTool()) {
            for (Path b : before) {
                NetnsTool.Result r = ns.run(Files.readString(b), "ipset", "restore");
                assertEquals(0, r.exit(), b + ": " + r.output());
            }
            NetnsTool.Result r = ns.run(Files.readString(file), cmd);
            assertEquals(0, r.exit(), file + ": " + r.output());
        }
    }
}
