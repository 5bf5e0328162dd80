package dev.netc.ir.model;

public record Namespace(ObjectMeta meta) implements KubeObject {
}
