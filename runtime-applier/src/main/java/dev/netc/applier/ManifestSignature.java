package dev.netc.applier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures of {@code netc-manifest.json} (the JDK's {@code Ed25519}): {@code netc compile --sign KEY}
 * writes {@code OUT/netc-manifest.json.sig}, {@code netc apply --verify-key PUB} refuses an OUT whose manifest
 * it does not verify. The manifest lists every artifact's sha256, so a valid signature covers all of OUT;
 * write access to OUT is then not enough to change a node.
 *
 * <p>Key files are PEM: the private key PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}, what
 * {@code openssl genpkey -algorithm ed25519} writes), the public key X.509 SubjectPublicKeyInfo
 * ({@code -----BEGIN PUBLIC KEY-----}, what {@code openssl pkey -pubout} writes). The signature file is the
 * 64-byte signature in base64 and a newline; Ed25519 is deterministic, so the same manifest and key give the
 * same bytes.
 */
public final class ManifestSignature {
    public static final String FILE = OutDir.MANIFEST + ".sig";
    static final String ALGORITHM = "Ed25519";
    private static final long MAX_KEY_FILE = 64 * 1024;

    private ManifestSignature() {
    }

    /** A key file that cannot be read or is not an Ed25519 key of the expected kind. */
    public static final class KeyException extends Exception {
        private static final long serialVersionUID = 1L;

        public KeyException(String message) {
            super(message);
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 15+ platform", e);
        }
    }

    public static String pem(PrivateKey k) {
        return pem("PRIVATE KEY", k.getEncoded());
    }

    public static String pem(PublicKey k) {
        return pem("PUBLIC KEY", k.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    public static PrivateKey readPrivate(Path file) throws KeyException {
        byte[] der = der(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyException(file + ": not an Ed25519 private key (PKCS#8 PEM, as openssl genpkey -algorithm ed25519 writes): " + e.getMessage());
        }
    }

    public static PublicKey readPublic(Path file) throws KeyException {
        byte[] der = der(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyException(file + ": not an Ed25519 public key (X.509 PEM, as openssl pkey -pubout writes): " + e.getMessage());
        }
    }

    private static byte[] der(Path file, String type) throws KeyException {
        String text;
        try {
            // Followed if a link (a Kubernetes Secret volume is made of links); a regular file of a key's size.
            if (!Files.isRegularFile(file)) throw new IOException(Files.exists(file) ? "not a regular file" : "no such file");
            if (Files.size(file) > MAX_KEY_FILE) throw new IOException("larger than " + MAX_KEY_FILE + " bytes: not a key");
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new KeyException(file + ": cannot be read: " + e.getMessage());
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) throw new KeyException(file + ": no '" + begin + "' block (a PEM " + type.toLowerCase(java.util.Locale.ROOT) + " file is expected)");
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new KeyException(file + ": the PEM block is not base64: " + x.getMessage());
        }
    }

    /** The signature file's content for {@code manifest}. */
    public static byte[] sign(PrivateKey key, byte[] manifest) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(manifest);
            return (Base64.getEncoder().encodeToString(s.sign()) + "\n").getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /** True when {@code sigFile} (the signature file's bytes) is {@code key}'s signature of {@code manifest}. */
    public static boolean verify(PublicKey key, byte[] manifest, byte[] sigFile) {
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(new String(sigFile, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(manifest);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Writes {@code text} to a new file readable only by its owner (for private keys). */
    public static void writePrivate(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        Files.deleteIfExists(abs);
        Files.createFile(abs, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(abs, text, StandardCharsets.US_ASCII);
    }
}
