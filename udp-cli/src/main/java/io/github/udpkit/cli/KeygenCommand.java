package io.github.udpkit.cli;

import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.dtls.CertificateBuilder;
import io.github.udpkit.core.dtls.GeneratedCertificate;
import io.github.udpkit.core.security.Key;
import io.github.udpkit.core.security.PublicIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code udpkit keygen}: makes a new 256-bit shared key, for {@code --key-file} (and
 * {@code --fernet-key-file}: the same file is a valid Fernet key for Python's cryptography).
 */
@Command(name = "keygen", sortOptions = false,
        description = {
            "Makes a new random 256-bit key for --key-file (udpkit's encryption) or --fernet-key-file (Fernet "
                    + "tokens, as Python's cryptography.fernet; the same file serves both). Every peer needs the same key.",
            "With --out, writes it to a new file readable by you only (permissions 600), never over an existing "
                    + "one, and prints its fingerprint. Without, prints the key itself on standard output and its "
                    + "fingerprint on standard error.",
            "With --identity, makes an Ed25519 identity instead (for --identity on send and chat): the private key as "
                    + "the PEM 'openssl genpkey -algorithm ed25519' writes; it prints the public key's fingerprint and "
                    + "the line a peer adds to its known-keys file.",
            "With --cert NAME --out PREFIX, makes a self-signed P-256 certificate for NAME (a host name or address, "
                    + "which clients check) and its key instead, for --dtls: PREFIX.crt and PREFIX.key, both PEM.",
        })
final class KeygenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "Write the key to FILE, which must not exist yet (with --cert: the prefix of the two files).")
    private Path out;

    @Option(names = "--identity", description = "Make an Ed25519 identity (a signing key pair), not a shared key.")
    private boolean identity;

    @Option(names = "--cert", paramLabel = "NAME",
            description = "Make a self-signed DTLS certificate for NAME (e.g. localhost), valid for --days days.")
    private String certificateName;

    @Option(names = "--days", paramLabel = "N", defaultValue = "365", converter = Converters.PositiveIntConverter.class,
            description = "With --cert: how many days the certificate is valid (default: ${DEFAULT-VALUE}).")
    private int days;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (identity && certificateName != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "choose --identity (a signing key) or --cert NAME (a DTLS certificate), not both");
        }
        if (identity) {
            return identity(stdout, stderr);
        }
        if (certificateName != null) {
            return certificate(stdout);
        }
        Key key = Key.generate();
        if (out == null) {
            stdout.println(key.toBase64());
            stdout.flush();
            stderr.println("key fingerprint " + key.fingerprint() + " (a secret: keep it out of logs and shell "
                    + "history; 'udpkit keygen --out FILE' writes it to a file only you can read)");
            stderr.flush();
            return 0;
        }
        try {
            key.writeTo(out);
        } catch (IllegalArgumentException e) {
            throw new CliException(reason(e), e);
        }
        stdout.println("wrote a new key to " + out + " (fingerprint " + key.fingerprint() + permissions(out) + ")");
        stdout.flush();
        return 0;
    }

    private int identity(PrintWriter stdout, PrintWriter stderr) {
        Identity id = Identity.generate();
        PublicIdentity pub = id.publicIdentity();
        String knownKeysLine = "NAME ed25519 " + pub.toBase64();
        if (out == null) {
            stdout.print(id.toPem());
            stdout.flush();
            stderr.println("identity fingerprint " + pub.fingerprint() + " (the private key above is a secret; "
                    + "'udpkit keygen --identity --out FILE' writes it to a file only you can read)");
            stderr.println("known-keys line: " + knownKeysLine);
            stderr.flush();
            return 0;
        }
        try {
            id.writeTo(out);
        } catch (IllegalArgumentException e) {
            throw new CliException(reason(e), e);
        }
        stdout.println("wrote a new identity to " + out + " (fingerprint " + pub.fingerprint() + permissions(out) + ")");
        stdout.println("known-keys line: " + knownKeysLine);
        stdout.flush();
        return 0;
    }

    private int certificate(PrintWriter stdout) {
        if (out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--cert needs --out PREFIX: the certificate goes to PREFIX.crt, its key to PREFIX.key");
        }
        Path certFile = Path.of(out + ".crt");
        Path keyFile = Path.of(out + ".key");
        for (Path file : new Path[] {certFile, keyFile}) {
            if (Files.exists(file)) {
                throw new CliException("will not overwrite " + file + ": remove it or choose another --out");
            }
        }
        GeneratedCertificate generated;
        try {
            generated = CertificateBuilder.forName(certificateName).validFor(java.time.Duration.ofDays(days)).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        try {
            generated.writePem(certFile, keyFile);
        } catch (java.io.UncheckedIOException e) {
            throw new CliException(e.getMessage(), e);
        }
        stdout.println("wrote a self-signed certificate for " + certificateName + " to " + certFile + " and its key to "
                + keyFile + permissions(keyFile) + "; SHA-256 fingerprint "
                + GeneratedCertificate.fingerprint(generated.certificate()));
        stdout.flush();
        return 0;
    }

    /** The failure in words: the JDK's exception names say less than what they stand for. */
    private String reason(IllegalArgumentException e) {
        Throwable cause = e.getCause();
        if (cause instanceof FileAlreadyExistsException) {
            return e.getMessage();
        }
        if (cause instanceof NoSuchFileException) {
            return "cannot write " + what() + " " + out + ": its directory does not exist";
        }
        if (cause instanceof AccessDeniedException) {
            return "cannot write " + what() + " " + out + ": permission denied";
        }
        if (cause instanceof FileSystemException f && f.getReason() != null) {
            return "cannot write " + what() + " " + out + ": " + f.getReason();
        }
        return e.getMessage();
    }

    private String what() {
        return identity ? "identity file" : "key file";
    }

    /** {@code ", permissions rw-------"} where the file system has POSIX permissions, else empty. */
    private static String permissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return "";
        }
        try {
            return ", permissions " + PosixFilePermissions.toString(view.readAttributes().permissions());
        } catch (IOException e) {
            return "";
        }
    }
}
