package dev.netc.compiler;

import java.util.Arrays;

/**
 * The bytes of one input file, with the path diagnostics name it by ({@code -} for standard input). {@code found}:
 * the file was found in a directory rather than named itself, so a file that holds no Kubernetes object (a
 * Chart.yaml, a package.json beside the manifests) is skipped with a note rather than refused.
 */
public record InputSource(String path, byte[] content, boolean found) {
    public InputSource {
        content = content.clone();
    }

    public InputSource(String path, byte[] content) {
        this(path, content, false);
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSource s && s.path.equals(path) && Arrays.equals(s.content, content);
    }

    @Override
    public int hashCode() {
        return path.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "InputSource[" + path + ", " + content.length + " bytes]";
    }
}
