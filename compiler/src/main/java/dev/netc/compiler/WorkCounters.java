package dev.netc.compiler;

import java.util.Map;
import java.util.TreeMap;

/**
 * Units of work the passes did, by counter name: a measure of cost that does not depend on the machine, so a test
 * can check how a pass grows with its input (doubling the cluster at most doubles the count) without timing it.
 * A pass counts into the instance it was given (or its own); the counts are for reading, never for deciding
 * anything. Passes add once per run, so the lock is taken a handful of times per compile.
 */
public final class WorkCounters {
    private final Map<String, Long> counts = new TreeMap<>();

    public synchronized void add(String counter, long units) {
        counts.merge(counter, units, Long::sum);
    }

    public synchronized long get(String counter) {
        return counts.getOrDefault(counter, 0L);
    }

    /** Every counter, by name. */
    public synchronized Map<String, Long> snapshot() {
        return Map.copyOf(counts);
    }

    @Override
    public synchronized String toString() {
        return counts.toString();
    }
}
