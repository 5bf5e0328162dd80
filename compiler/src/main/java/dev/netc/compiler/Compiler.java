package dev.netc.compiler;

import dev.netc.ir.Diagnostic;
import dev.netc.ir.Diagnostics;
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
        Diagnostics d = new Diagnostics();
        Optional<NetworkPlan> plan;
        try {
            plan = new Pipeline().run(inputs, d, timings);
        } catch (RuntimeException e) {
            // A bug in netc, not a mistake in the input: say so plainly, still without a stack trace on stdout.
            throw new InternalCompilerError(e);
        }
        return new Result(d.hasErrors() ? Optional.empty() : plan, d.sorted());
    }

    /** Thrown only for netc's own bugs; the CLI prints it as an internal error with exit code 70. */
    public static final class InternalCompilerError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InternalCompilerError(Throwable cause) {
            super("internal compiler error: " + cause, cause);
        }
    }
}
