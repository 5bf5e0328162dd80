package dev.netc.compiler.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.frontend.YamlNode.Entry;
import dev.netc.compiler.frontend.YamlNode.Mapping;
import dev.netc.compiler.frontend.YamlNode.Scalar;
import dev.netc.compiler.frontend.YamlNode.Sequence;
import dev.netc.ir.Diagnostic;
import dev.netc.ir.DiagnosticCode;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.SourcePos;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anchors, aliases and merge keys are expanded as kubectl (go-yaml v3) does, within the value bound. */
class YamlAliasTest {
    private static final String F = "a.yaml";

    private static List<YamlNode> read(String text, Diagnostics d) {
        return new TreeReader(Limits.DEFAULT).read(new InputSource(F, text.getBytes(StandardCharsets.UTF_8)), d);
    }

    private static Mapping readClean(String text) {
        Diagnostics d = new Diagnostics();
        List<YamlNode> docs = read(text, d);
        assertEquals(List.of(), d.sorted());
        assertEquals(1, docs.size());
        return assertInstanceOf(Mapping.class, docs.get(0));
    }

    private static YamlNode get(YamlNode m, String key) {
        return assertInstanceOf(Mapping.class, m).entry(key).map(Entry::value).orElseThrow(() -> new AssertionError(key));
    }

    private static String text(YamlNode n) {
        return assertInstanceOf(Scalar.class, n).text();
    }

    private static List<String> keys(YamlNode m) {
        return assertInstanceOf(Mapping.class, m).entries().stream().map(Entry::key).toList();
    }

    @Test
    void anAliasOfAScalarMappingOrSequenceStandsForTheAnchoredNodeWithItsPositions() {
        Mapping m = readClean("s: &s hello\n"
                + "m: &m {a: 1, b: [x]}\n"
                + "q: &q [1, 2]\n"
                + "s2: *s\n"
                + "m2: *m\n"
                + "q2: *q\n");
        assertEquals("hello", text(get(m, "s2")));
        assertEquals(new SourcePos(F, 1, 4), get(m, "s2").pos(), "the copy points at the anchored value");
        assertEquals(List.of("a", "b"), keys(get(m, "m2")));
        assertEquals("x", text(assertInstanceOf(Sequence.class, get(get(m, "m2"), "b")).items().get(0)));
        assertEquals(new SourcePos(F, 2, 11), get(get(m, "m2"), "a").pos());
        assertEquals(2, assertInstanceOf(Sequence.class, get(m, "q2")).items().size());
        assertEquals(get(m, "q"), get(m, "q2"));
    }

    @Test
    void mergeKeysMergeMappingsExplicitKeysWinThenEarlierMergedMaps() {
        Mapping m = readClean("base: &base {a: 1, b: 2}\n"
                + "more: &more {b: 3, c: 4, d: 5}\n"
                + "one:\n"
                + "  a: 10\n"
                + "  <<: *base\n"
                + "list:\n"
                + "  <<: [*base, *more]\n"
                + "  d: 6\n");
        YamlNode one = get(m, "one");
        assertEquals(List.of("a", "b"), keys(one));
        assertEquals("10", text(get(one, "a")), "an explicit key wins, even written before the merge key");
        assertEquals("2", text(get(one, "b")));
        assertEquals(new SourcePos(F, 1, 20), assertInstanceOf(Mapping.class, one).entry("b").orElseThrow().keyPos());
        YamlNode list = get(m, "list");
        assertEquals(List.of("d", "a", "b", "c"), keys(list));
        assertEquals("2", text(get(list, "b")), "the earlier merged mapping wins over a later one");
        assertEquals("4", text(get(list, "c")));
        assertEquals("6", text(get(list, "d")));
    }

    @Test
    void anInlineMergedMappingIsAcceptedAndExplicitDuplicatesStillAreNot() {
        Mapping m = readClean("p:\n  <<: {protocol: TCP, port: 1}\n  port: 80\n");
        assertEquals("80", text(get(get(m, "p"), "port")));
        assertEquals("TCP", text(get(get(m, "p"), "protocol")));
        Diagnostics d = new Diagnostics();
        read("b: &b {x: 1}\np:\n  <<: *b\n  y: 1\n  y: 2\n", d);
        assertEquals(List.of(DiagnosticCode.NETC003), d.sorted().stream().map(Diagnostic::code).toList());
        assertEquals(5, d.sorted().get(0).pos().line());
        d = new Diagnostics();
        read("p:\n  <<: 5\n", d);
        assertEquals(List.of(DiagnosticCode.NETC002), d.sorted().stream().map(Diagnostic::code).toList());
        assertEquals(new SourcePos(F, 2, 3), d.sorted().get(0).pos());
    }

    @Test
    void aLinkerdStyleDocumentReusesContainerSpecs() {
        String yaml = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: linkerd-destination
                  namespace: linkerd
                spec:
                  selector:
                    matchLabels: &labels
                      linkerd.io/control-plane-component: destination
                  template:
                    metadata:
                      labels: *labels
                    spec:
                      containers:
                      - &proxy
                        name: linkerd-proxy
                        image: cr.l5d.io/linkerd/proxy:stable
                        ports: &proxyPorts
                        - name: linkerd-proxy
                          containerPort: 4143
                        - name: linkerd-admin
                          containerPort: 4191
                      - <<: *proxy
                        name: destination
                        ports:
                        - name: grpc
                          containerPort: 8086
                      - name: sp-validator
                        image: cr.l5d.io/linkerd/controller:stable
                        ports: *proxyPorts
                """;
        Mapping m = readClean(yaml);
        YamlNode spec = get(get(m, "spec"), "template");
        assertEquals(get(get(get(m, "spec"), "selector"), "matchLabels"), get(get(spec, "metadata"), "labels"));
        List<YamlNode> cs = assertInstanceOf(Sequence.class, get(get(spec, "spec"), "containers")).items();
        assertEquals("destination", text(get(cs.get(1), "name")));
        assertEquals("cr.l5d.io/linkerd/proxy:stable", text(get(cs.get(1), "image")));
        assertEquals(new SourcePos(F, 17, 16), get(cs.get(1), "image").pos());
        assertEquals(1, assertInstanceOf(Sequence.class, get(cs.get(1), "ports")).items().size());
        assertEquals(2, assertInstanceOf(Sequence.class, get(cs.get(2), "ports")).items().size());
        // And the whole front end reads it into a workload with the merged container's ports.
        Diagnostics d = new Diagnostics();
        new YamlFrontEnd().apply(List.of(new InputSource(F, yaml.getBytes(StandardCharsets.UTF_8))), d);
        assertTrue(d.sorted().stream().noneMatch(x -> x.code() == DiagnosticCode.NETC002), d.sorted().toString());
    }

    @Test
    void billionLaughsIsRefusedFastAtTheAliasThatGoesPastTheBound() {
        StringBuilder b = new StringBuilder("a0: &a0 lol\n");
        for (int i = 1; i <= 9; i++) {
            b.append('a').append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 9; j++) b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            b.append("]\n");
        }
        long t0 = System.nanoTime();
        Diagnostics d = new Diagnostics();
        List<YamlNode> docs = read(b.toString(), d);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2000, "took " + ms + " ms");
        assertEquals(List.of(), docs);
        List<Diagnostic> all = d.sorted();
        assertEquals(1, all.size(), all.toString());
        Diagnostic x = all.get(0);
        assertEquals(DiagnosticCode.NETC002, x.code());
        // a5 holds 66430 values, a0 to a5 together about 75000: the first alias of a6 (line 7) goes past 100000.
        assertEquals(new SourcePos(F, 7, 10), x.pos());
        assertEquals("alias \"*a5\": document expands past 100000 values through aliases", x.message());
    }

    @Test
    void anUndefinedAliasIsAnError() {
        Diagnostics d = new Diagnostics();
        List<YamlNode> docs = read("a: 1\nb: *nowhere\n", d);
        assertEquals(List.of(), docs);
        Diagnostic x = d.sorted().get(0);
        assertEquals(DiagnosticCode.NETC002, x.code());
        assertEquals(new SourcePos(F, 2, 4), x.pos());
        assertEquals("alias \"*nowhere\" has no anchor before it in the document", x.message());
    }
}
