package dev.netc.compiler.frontend;

import dev.netc.compiler.InputSource;
import dev.netc.compiler.Pass;
import dev.netc.ir.Diagnostics;
import dev.netc.ir.model.Cluster;
import java.util.List;

/** SCAFFOLD: being written in this session; replaced before anything is committed as done. */
public final class YamlFrontEnd implements Pass<List<InputSource>, Cluster> {
    @Override
    public Cluster apply(List<InputSource> input, Diagnostics diagnostics) {
        throw new UnsupportedOperationException("YamlFrontEnd is not written yet");
    }
}
