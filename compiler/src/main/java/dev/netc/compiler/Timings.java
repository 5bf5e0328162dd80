package dev.netc.compiler;

import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Measures named steps of a compile (each pass, the loader, each backend, the writer): wall time and the CPU time of
 * the whole process over the step (every thread: GC and JIT included, and worker threads if a step runs some). Each
 * measured step goes to the sink, in the order the steps end; {@link #OFF} measures nothing. Used by
 * {@code netc compile --timings}; it never changes what a compile does.
 */
public final class Timings {
    /** One finished step. */
    public record Step(String name, long wallNanos, long cpuNanos) {
        /** {@code timing: NAME wall_ms=W cpu_ms=C}, the line {@code --timings} prints. */
        public String line() {
            return "timing: " + name + " wall_ms=" + wallNanos / 1_000_000 + " cpu_ms=" + cpuNanos / 1_000_000;
        }
    }

    /** A checked step: an output write. */
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    public static final Timings OFF = new Timings(null);

    private final Consumer<Step> sink;

    public Timings(Consumer<Step> sink) {
        this.sink = sink;
    }

    public boolean on() {
        return sink != null;
    }

    public <T> T time(String name, Supplier<T> work) {
        return timeChecked(name, work::get);
    }

    public <T, E extends Exception> T timeChecked(String name, Work<T, E> work) throws E {
        if (sink == null) return work.run();
        long wall = System.nanoTime();
        long cpu = processCpuNanos();
        try {
            return work.run();
        } finally {
            sink.accept(new Step(name, System.nanoTime() - wall, Math.max(0, processCpuNanos() - cpu)));
        }
    }

    /** The process's CPU time so far, or 0 where the JVM cannot say. */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
