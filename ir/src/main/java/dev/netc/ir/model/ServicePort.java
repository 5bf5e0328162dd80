package dev.netc.ir.model;

import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;

/** One Service port; {@code nodePort} is 0 until given or allocated (and for types without one). */
public record ServicePort(String name, Protocol protocol, int port, PortRef targetPort, int nodePort,
                          SourcePos pos) {
    public ServicePort withNodePort(int np) {
        return new ServicePort(name, protocol, port, targetPort, np, pos);
    }
}
