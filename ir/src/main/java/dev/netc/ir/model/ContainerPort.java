package dev.netc.ir.model;

import dev.netc.ir.Protocol;
import dev.netc.ir.SourcePos;

/** A container port; {@code name} is empty when the port has none. */
public record ContainerPort(String name, int port, Protocol protocol, SourcePos pos) {
}
