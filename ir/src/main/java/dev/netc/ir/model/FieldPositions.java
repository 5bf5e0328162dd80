package dev.netc.ir.model;

import dev.netc.ir.SourcePos;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * {@link ObjectMeta#fields}: field path to position, immutable, in the keys' natural order (as a {@code TreeMap}).
 * Held as sorted arrays, the lines and columns as ints and the file once when every position is in one file (the
 * usual case: an object is written in one file), so an entry costs a reference and two ints. A map of a
 * {@code TreeMap} entry and a {@link SourcePos} per field was the largest part of the model at scale (100k pods, some
 * 50 fields each); a position is made when it is read.
 */
final class FieldPositions extends AbstractMap<String, SourcePos> {
    static final FieldPositions EMPTY = new FieldPositions(new String[0], null, new String[0], new int[0]);

    private final String[] keys;
    /** The file of every position, or null when they differ (then {@link #files} holds one per key). */
    private final String file;
    private final String[] files;
    /** line, column of each key. */
    private final int[] at;

    private FieldPositions(String[] keys, String file, String[] files, int[] at) {
        this.keys = keys;
        this.file = file;
        this.files = files;
        this.at = at;
    }

    static FieldPositions of(Map<String, SourcePos> m) {
        if (m instanceof FieldPositions f) return f;
        if (m.isEmpty()) return EMPTY;
        List<Map.Entry<String, SourcePos>> entries = new ArrayList<>(m.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        int n = entries.size();
        String[] keys = new String[n];
        String[] files = new String[n];
        int[] at = new int[2 * n];
        boolean oneFile = true;
        for (int i = 0; i < n; i++) {
            keys[i] = Objects.requireNonNull(entries.get(i).getKey(), "field path");
            if (i > 0 && keys[i].equals(keys[i - 1])) throw new IllegalArgumentException("field " + keys[i] + " twice");
            SourcePos p = Objects.requireNonNull(entries.get(i).getValue(), "position");
            files[i] = p.file();
            at[2 * i] = p.line();
            at[2 * i + 1] = p.column();
            oneFile &= files[i].equals(files[0]);
        }
        return oneFile ? new FieldPositions(keys, files[0], null, at) : new FieldPositions(keys, null, files, at);
    }

    private SourcePos pos(int i) {
        return new SourcePos(file != null ? file : files[i], at[2 * i], at[2 * i + 1]);
    }

    private int index(Object key) {
        return key instanceof String s ? Arrays.binarySearch(keys, s) : -1;
    }

    @Override
    public SourcePos get(Object key) {
        int i = index(key);
        return i >= 0 ? pos(i) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return index(key) >= 0;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super SourcePos> action) {
        for (int i = 0; i < keys.length; i++) action.accept(keys[i], pos(i));
    }

    @Override
    public Set<Entry<String, SourcePos>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, SourcePos>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Entry<String, SourcePos> next() {
                        if (next >= keys.length) throw new NoSuchElementException();
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], pos(i));
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }
}
