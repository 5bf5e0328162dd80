package dev.netc.compiler.passes;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What nginx checks when it loads a kubernetes.io/tls Secret ({@code ssl_certificate}, {@code ssl_certificate_key}),
 * checked before a config is written: the certificate file holds PEM certificates (the first is the server's,
 * the others its chain), each of them X.509; the key file holds one unencrypted private key, and when it is a
 * PKCS#8 key ({@code PRIVATE KEY}) it must belong to the certificate. Messages never quote the material.
 */
final class TlsPem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n([A-Za-z0-9+/=\\r\\n]*?)-----END \\1-----");
    private static final byte[] PROBE = "netc checks that the key belongs to the certificate".getBytes(StandardCharsets.UTF_8);

    private TlsPem() {
    }

    /** One PEM block: its label and its DER bytes (empty when the base64 is broken). */
    private record Block(String label, Optional<byte[]> der) {
    }

    private static List<Block> blocks(String pem) {
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String body = m.group(2).replace("\r", "").replace("\n", "");
            Optional<byte[]> der;
            try {
                der = body.isEmpty() ? Optional.empty() : Optional.of(Base64.getDecoder().decode(body));
            } catch (IllegalArgumentException e) {
                der = Optional.empty();
            }
            out.add(new Block(m.group(1), der));
        }
        return out;
    }

    /** Why nginx would refuse this certificate file, or the server's certificate when it would not. */
    static Result certificate(String pem) {
        List<Block> blocks = blocks(pem);
        if (blocks.isEmpty()) return Result.problem("is not PEM (no -----BEGIN CERTIFICATE----- block)");
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.label().equals("CERTIFICATE")) return Result.problem("holds a " + b.label() + " block where certificates go");
            if (b.der().isEmpty()) return Result.problem("has a CERTIFICATE block whose base64 is broken");
            try {
                certs.add((X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(b.der().get())));
            } catch (GeneralSecurityException | ClassCastException e) {
                return Result.problem("has a CERTIFICATE block that is not an X.509 certificate");
            }
        }
        return new Result(Optional.empty(), Optional.of(certs.get(0)));
    }

    /** Why nginx would refuse this key file for {@code cert} (absent: the certificate is already refused). */
    static Optional<String> key(String pem, Optional<X509Certificate> cert) {
        List<Block> blocks = blocks(pem);
        if (blocks.isEmpty()) return Optional.of("is not PEM (no -----BEGIN PRIVATE KEY----- block)");
        if (blocks.size() > 1) return Optional.of("holds " + blocks.size() + " PEM blocks where one private key goes");
        Block b = blocks.get(0);
        if (b.label().equals("ENCRYPTED PRIVATE KEY")) return Optional.of("is an encrypted key (nginx has no passphrase for it)");
        if (!List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY").contains(b.label())) {
            return Optional.of("holds a " + b.label() + " block where a private key goes");
        }
        if (b.der().isEmpty() || b.der().get().length < 2 || b.der().get()[0] != 0x30) {
            return Optional.of("has a " + b.label() + " block whose content is not a key");
        }
        if (!b.label().equals("PRIVATE KEY") || cert.isEmpty()) return Optional.empty();
        PublicKey pub = cert.get().getPublicKey();
        String sig = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> "";
        };
        if (sig.isEmpty()) return Optional.empty(); // an algorithm this JDK does not sign with: nginx decides
        try {
            PrivateKey priv = KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(b.der().get()));
            Signature s = Signature.getInstance(sig);
            s.initSign(priv);
            s.update(PROBE);
            byte[] signed = s.sign();
            Signature v = Signature.getInstance(sig);
            v.initVerify(pub);
            v.update(PROBE);
            if (!v.verify(signed)) return Optional.of("is not the key of the certificate in tls.crt");
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.of("is not a " + pub.getAlgorithm() + " private key matching the certificate in tls.crt");
        }
        return Optional.empty();
    }

    /** A problem with the certificate, or the server's certificate. */
    record Result(Optional<String> problem, Optional<X509Certificate> certificate) {
        static Result problem(String p) {
            return new Result(Optional.of(p), Optional.empty());
        }
    }
}
