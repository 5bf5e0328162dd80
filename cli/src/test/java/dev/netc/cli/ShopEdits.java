package dev.netc.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Edits of samples/shop as a pull request would make them, for the tests that run {@code netc diff} on a copy of
 * the shop against the shop: each changes one file's text.
 */
record ShopEdits(String name, String file, UnaryOperator<String> edit) {
    /** ops/metrics takes ingress only from its own namespace, on its port. */
    static final ShopEdits NEW_POLICY = new ShopEdits("new-policy", "policies.yaml", t -> t + """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: metrics-scrape
              namespace: ops
            spec:
              podSelector:
                matchLabels: {app: metrics}
              policyTypes: [Ingress]
              ingress:
                - from:
                    - namespaceSelector:
                        matchLabels: {kubernetes.io/metadata.name: ops}
                  ports:
                    - {port: 9090}
            """);

    /** The ledger takes the api's connections on 5433, no longer on 5432 (its pods still listen on 5432). */
    static final ShopEdits LEDGER_PORT = new ShopEdits("ledger-port", "policies.yaml", t -> t.replace("- {port: 5432}", "- {port: 5433}"));

    /** storefront/web from 3 replicas to 4. */
    static final ShopEdits SCALED_DEPLOYMENT = new ShopEdits("scaled-deployment", "storefront.yaml",
            t -> t.replace("name: web\n  namespace: storefront\nspec:\n  replicas: 3", "name: web\n  namespace: storefront\nspec:\n  replicas: 4"));

    /** shop.example.com/checkout to the cart. */
    static final ShopEdits INGRESS_PATH = new ShopEdits("ingress-path", "ingress.yaml", t -> t.replace("""
                      - path: /healthz
            """, """
                      - path: /checkout
                        pathType: Prefix
                        backend:
                          service: {name: cart, port: {number: 7000}}
                      - path: /healthz
            """));

    /** ops/metrics under externalTrafficPolicy Local: its external IP drops what reaches a node without its pod. */
    static final ShopEdits METRICS_LOCAL = new ShopEdits("metrics-local", "ops.yaml",
            t -> t.replace("spec:\n  externalIPs: [192.168.77.100]", "spec:\n  externalTrafficPolicy: Local\n  externalIPs: [192.168.77.100]"));

    /** storefront/web selects no pod: its cluster IP rejects. */
    static final ShopEdits WEB_SELECTS_NOTHING = new ShopEdits("web-selects-nothing", "storefront.yaml",
            t -> t.replace("  selector: {app: web}\n  ports:\n    - {name: http, port: 80", "  selector: {app: webshop}\n  ports:\n    - {name: http, port: 80"));

    /** ops/metrics isolated for ingress with no rule: nothing but its own node reaches it, by any protocol. */
    static final ShopEdits METRICS_ISOLATED = new ShopEdits("metrics-isolated", "policies.yaml", t -> t + """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: metrics-isolated
              namespace: ops
            spec:
              podSelector:
                matchLabels: {app: metrics}
              policyTypes: [Ingress]
            """);

    /** The payment provider outside the cluster moves one of its two addresses: endpoints that are no pod. */
    static final ShopEdits PSP_MOVED = new ShopEdits("psp-moved", "payments.yaml",
            t -> t.replace("  - addresses: [192.168.50.11]", "  - addresses: [192.168.50.12]"));

    /** The pull request's edits that have approved outputs (DiffGoldenTest). */
    static final List<ShopEdits> GOLDEN = List.of(NEW_POLICY, LEDGER_PORT, SCALED_DEPLOYMENT, INGRESS_PATH);

    /** Every edit. */
    static final List<ShopEdits> ALL = List.of(NEW_POLICY, LEDGER_PORT, SCALED_DEPLOYMENT, INGRESS_PATH, METRICS_LOCAL, WEB_SELECTS_NOTHING,
            METRICS_ISOLATED, PSP_MOVED);

    /** The shop copied to {@code dir}, with this edit applied; an edit that changes nothing is a broken test. */
    Path apply(Path dir) throws IOException {
        copy(dir);
        Path f = dir.resolve(file);
        String before = Files.readString(f);
        String after = edit.apply(before);
        assertNotEquals(before, after, name + " changes " + file);
        Files.writeString(f, after);
        return dir;
    }

    /** The shop as it is, copied to {@code dir}. */
    static Path copy(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(CompileCommandTest.SHOP)) {
            for (Path f : s.sorted().toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    @Override
    public String toString() {
        return name;
    }
}
