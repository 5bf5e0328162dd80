package dev.netc.compiler.frontend;

/**
 * Bounds on one document, checked so that a hostile input cannot exhaust memory or time: the size and the
 * longest run of characters without a blank or line break (one long scalar) on the raw text before parsing,
 * the value count and depth while it is read. Real manifests are far below them (a large CRD is about 1 MiB,
 * the API server stores no object over 1.5 MiB; nesting rarely exceeds 20).
 */
public record Limits(int maxDocumentChars, int maxScalarChars, int maxNodes, int maxDepth) {
    public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, 3 * 512 * 1024, 100_000, 64);

    public Limits {
        if (maxDocumentChars <= 0 || maxScalarChars <= 0 || maxNodes <= 0 || maxDepth <= 0)
            throw new IllegalArgumentException("limits must be positive");
    }
}
