package dev.netc.compiler;

import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import dev.netc.ir.plan.NetworkPlan;
import java.util.List;
import java.util.Optional;

/** Entry point for tools and tests: inputs in, plan (when the input had no error) and diagnostics out. */
public final class Compiler {
    public record Result(Optional<NetworkPlan> plan, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return plan.isPresent();
        }
    }

    public Result compile(List<InputSource> inputs) {
        return compile(inputs, Timings.OFF);
    }

    /** As {@link #compile(List)}, each pass measured into {@code timings}. */
    public Result compile(List<InputSource> inputs, Timings timings) {
        return compile(read(inputs, timings), timings);
    }

    /**
     * The inputs as the front end read them, before the passes: what {@link #compile(Read, Timings)} goes on from. A
     * caller that holds no reference to the inputs past this point lets their bytes go before the passes run.
     */
    public static final class Read {
        private final Diagnostics diagnostics;
        private Cluster cluster;

        private Read(Cluster cluster, Diagnostics diagnostics) {
            this.cluster = cluster;
            this.diagnostics = diagnostics;
        }
    }

    /** The front end alone ({@link Read}). */
    public Read read(List<InputSource> inputs, Timings timings) {
        return read(inputs, timings, Pipeline.Observer.NONE);
    }

    /** {@link #read(List, Timings)}, the model shown to {@code observer} ({@link Pipeline.Observer}). */
    public Read read(List<InputSource> inputs, Timings timings, Pipeline.Observer observer) {
        Diagnostics d = new Diagnostics();
        try {
            return new Read(new Pipeline().read(inputs, d, timings, observer).orElse(null), d);
        } catch (RuntimeException e) {
            throw new InternalCompilerError(e);
        }
    }

    /** The passes on what {@link #read} gave (once: the read model is handed on, not kept). */
    public Result compile(Read read, Timings timings) {
        return compile(read, timings, Pipeline.Observer.NONE);
    }

    /** {@link #compile(Read, Timings)}, what each pass gave shown to {@code observer} ({@link Pipeline.Observer}). */
    public Result compile(Read read, Timings timings, Pipeline.Observer observer) {
        Cluster cluster = read.cluster;
        read.cluster = null;
        Optional<NetworkPlan> plan = Optional.empty();
        try {
            if (cluster != null) plan = new Pipeline().plan(cluster, read.diagnostics, timings, observer);
        } catch (RuntimeException e) {
            // A bug in netc, not a mistake in the input: say so plainly, still without a stack trace on stdout.
            throw new InternalCompilerError(e);
        }
        return new Result(read.diagnostics.hasErrors() ? Optional.empty() : plan, read.diagnostics.sorted());
    }

    /** Thrown only for netc's own bugs; the CLI prints it as an internal error with exit code 70. */
    public static final class InternalCompilerError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InternalCompilerError(Throwable cause) {
            super("internal compiler error: " + cause, cause);
        }
    }
}
