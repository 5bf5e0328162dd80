package dev.netc.ir.model;

/** A Secret of type kubernetes.io/tls (the only kind of Secret netc reads); PEM text, already decoded. */
public record TlsSecret(ObjectMeta meta, String certificatePem, String privateKeyPem) implements KubeObject {
    @Override
    public String toString() {
        return "TlsSecret[" + meta.id() + ", key redacted]";
    }
}
