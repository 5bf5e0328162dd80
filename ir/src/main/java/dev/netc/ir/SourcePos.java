package dev.netc.ir;

import java.util.Objects;

/**
 * A place in an input file, 1-based. Line 0 means "the whole file" (no finer position is known). The file name is
 * kept as given; {@link #toString} shows it escaped ({@link Text#fileName}), as it is user text.
 */
public record SourcePos(String file, int line, int column) implements Comparable<SourcePos> {
    public SourcePos {
        Objects.requireNonNull(file, "file");
    }

    /** A position for things that come from no file (defaults, the built-in cluster profile). */
    public static SourcePos builtin(String what) {
        return new SourcePos("<" + what + ">", 0, 0);
    }

    @Override
    public int compareTo(SourcePos o) {
        int c = file.compareTo(o.file);
        if (c != 0) return c;
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        String f = Text.fileName(file);
        return line <= 0 ? f : f + ":" + line + ":" + column;
    }
}
