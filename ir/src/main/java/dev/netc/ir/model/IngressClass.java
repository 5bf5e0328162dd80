package dev.netc.ir.model;

public record IngressClass(ObjectMeta meta, String controller, boolean isDefault) implements KubeObject {
}
