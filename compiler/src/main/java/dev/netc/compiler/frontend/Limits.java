package dev.netc.compiler.frontend;

/**
 * Bounds on one document, checked while it is read so that a hostile input cannot exhaust memory or time.
 * Real manifests are far below them (a large CRD is about 1 MiB; nesting rarely exceeds 20).
 */
public record Limits(int maxDocumentChars, int maxNodes, int maxDepth) {
    public static final Limits DEFAULT = new Limits(4 * 1024 * 1024, 100_000, 64);

    public Limits {
        if (maxDocumentChars <= 0 || maxNodes <= 0 || maxDepth <= 0)
            throw new IllegalArgumentException("limits must be positive");
    }
}
