package dev.netc.cli;

import dev.netc.applier.ManifestSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Writes a new Ed25519 key pair for netc compile --sign (private, PKCS#8 PEM, mode 0600)",
                "and netc apply --verify-key (public, X.509 PEM). Existing files are not overwritten."})
final class KeygenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--private", required = true, paramLabel = "KEY", description = "where to write the private key")
    Path privateKey;

    @Option(names = "--public", required = true, paramLabel = "PUB", description = "where to write the public key")
    Path publicKey;

    @Override
    public Integer call() {
        for (Path p : new Path[] {privateKey, publicKey}) {
            if (Files.exists(p)) throw new CommandLine.ParameterException(spec.commandLine(), p + " exists; netc keygen does not overwrite keys");
        }
        KeyPair kp = ManifestSignature.generate();
        try {
            ManifestSignature.writePrivate(privateKey, ManifestSignature.pem(kp.getPrivate()));
            Path pub = publicKey.toAbsolutePath();
            if (pub.getParent() != null) Files.createDirectories(pub.getParent());
            Files.writeString(pub, ManifestSignature.pem(kp.getPublic()));
        } catch (IOException e) {
            spec.commandLine().getErr().println("netc: cannot write the key pair: " + e.getMessage());
            return Netc.EXIT_OUTPUT;
        }
        spec.commandLine().getErr().println("netc: wrote " + privateKey + " (private, 0600) and " + publicKey + " (public)");
        return Netc.EXIT_OK;
    }
}
