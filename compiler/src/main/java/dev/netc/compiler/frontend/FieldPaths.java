package dev.netc.compiler.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The field paths of one compile ({@code spec.containers[0].ports[1].name}), each made once: every object of a
 * kind has the same paths, and each is a key of its {@code ObjectMeta.fields}. Built by concatenation per value
 * read, they were a string per field of every object, kept to the end (a third of the front end's live memory
 * at scale) and made again on every lookup.
 */
final class FieldPaths {
    private final Map<String, Map<String, String>> children = new HashMap<>();
    private final Map<String, List<String>> items = new HashMap<>();

    /** {@code parent.key}, or {@code key} at the top. */
    String child(String parent, String key) {
        Map<String, String> of = children.get(parent);
        if (of == null) {
            of = new HashMap<>();
            children.put(parent, of);
        }
        String path = of.get(key);
        if (path == null) {
            path = parent.isEmpty() ? key : parent + "." + key;
            of.put(key, path);
        }
        return path;
    }

    /** {@code parent[index]}. */
    String item(String parent, int index) {
        List<String> of = items.get(parent);
        if (of == null) {
            of = new ArrayList<>();
            items.put(parent, of);
        }
        while (of.size() <= index) of.add(parent + "[" + of.size() + "]");
        return of.get(index);
    }
}
