package dev.netc.compiler;

import java.util.Arrays;

/** The bytes of one input file, with the path diagnostics name it by ({@code -} for standard input). */
public record InputSource(String path, byte[] content) {
    public InputSource {
        content = content.clone();
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
