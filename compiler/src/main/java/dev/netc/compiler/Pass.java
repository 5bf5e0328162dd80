package dev.netc.compiler;

import dev.netc.ir.Diagnostics;

/** One step of the compiler with one job: input to output, findings to {@code diagnostics}. */
public interface Pass<I, O> {
    O apply(I input, Diagnostics diagnostics);
}
