package dev.netc.applier;

import java.util.ArrayList;
import java.util.List;

/**
 * Text given to a tool, line by line, each line remembering the artifact line it came from (0: written by
 * the applier), so an error the tool reports at a line of the script is reported at the artifact's line.
 */
public final class Script {
    private final List<String> lines = new ArrayList<>();
    private final List<Integer> origins = new ArrayList<>();

    public Script add(String line, int origin) {
        for (String l : line.split("\n", -1)) {
            lines.add(l);
            origins.add(origin);
        }
        return this;
    }

    /** Adds {@code text} as it is, its lines numbered from {@code firstLine} on. */
    public Script addNumbered(String text, int firstLine) {
        String[] ls = text.split("\n", -1);
        int n = ls.length;
        if (n > 0 && ls[n - 1].isEmpty()) n--;
        for (int i = 0; i < n; i++) {
            lines.add(ls[i]);
            origins.add(firstLine + i);
        }
        return this;
    }

    public Script add(String line) {
        return add(line, 0);
    }

    public Script addAll(Script other) {
        lines.addAll(other.lines);
        origins.addAll(other.origins);
        return this;
    }

    public int size() {
        return lines.size();
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The artifact line behind script line {@code line} (1-based), 0 when the applier wrote it. */
    public int origin(int line) {
        return line >= 1 && line <= origins.size() ? origins.get(line - 1) : 0;
    }

    public String line(int line) {
        return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        for (String l : lines) b.append(l).append('\n');
        return b.toString();
    }
}
