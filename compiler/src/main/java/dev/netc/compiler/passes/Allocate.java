package dev.netc.compiler.passes;

import dev.netc.compiler.Pass;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;

/** SCAFFOLD: being written in this session; replaced before anything is committed as done. */
public final class Allocate implements Pass<Cluster, Cluster> {
    @Override
    public Cluster apply(Cluster input, Diagnostics diagnostics) {
        throw new UnsupportedOperationException("Allocate is not written yet");
    }
}
