package dev.netc.ir.model;

/** A port given as a number or as the name of a container port (IntOrString in the API). */
public sealed interface PortRef {
    record Number(int value) implements PortRef {
        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    record Name(String value) implements PortRef {
        @Override
        public String toString() {
            return value;
        }
    }

    static PortRef of(int n) {
        return new Number(n);
    }

    static PortRef of(String name) {
        return new Name(name);
    }
}
