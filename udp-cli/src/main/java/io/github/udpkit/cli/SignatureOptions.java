package io.github.udpkit.cli;

import io.github.udpkit.api.Codec;
import io.github.udpkit.core.security.Identity;
import io.github.udpkit.core.security.SignatureVerifier;
import io.github.udpkit.core.security.Signed;
import io.github.udpkit.core.security.SignedCodec;
import io.github.udpkit.core.security.SignedMessage;
import io.github.udpkit.core.security.Signer;
import io.github.udpkit.core.security.TrustStore;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The signature options of {@code send} and {@code listen}: {@code --identity FILE} signs each
 * message (Ed25519, docs/PROTOCOL.md section 14), {@code --known-keys FILE} verifies each one
 * against a known-keys file (trust on first use, except for the names the file pins). A picocli
 * mixin; it wraps the command's codec in a {@link SignedCodec}.
 */
final class SignatureOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "Sign each message with the Ed25519 identity in FILE ('udpkit keygen --identity --out FILE', "
                    + "or 'openssl genpkey -algorithm ed25519').")
    private Path identityFile;

    @Option(names = "--signer", paramLabel = "NAME",
            description = "With --identity: the name to sign as (default: none, known by key alone).")
    private String signerName;

    @Option(names = "--known-keys", paramLabel = "FILE",
            description = "Accept only signed messages, verified against FILE ('NAME ed25519 KEY' lines): names in it "
                    + "are pinned to their keys, new ones are trusted on first use and added to it.")
    private Path knownKeys;

    @Option(names = "--context", paramLabel = "TEXT", defaultValue = "",
            description = "With --identity or --known-keys: the context signatures are bound to, e.g. a topic "
                    + "(default: empty). A message signed in one context is refused in another.")
    private String context;

    private Signer signer;
    private SignatureVerifier verifier;
    private boolean resolved;

    /**
     * Reads the identity and the known keys, and checks the options fit together.
     *
     * @throws ParameterException if they contradict each other
     * @throws CliException if a file is missing or malformed
     */
    void resolve() {
        if (resolved) {
            return;
        }
        if (signerName != null && identityFile == null) {
            throw new ParameterException(command.commandLine(), "--signer names the signer of --identity: add --identity FILE");
        }
        if (!context.isEmpty() && !signs() && !verifies()) {
            throw new ParameterException(command.commandLine(), "--context binds signatures: add --identity or --known-keys");
        }
        try {
            SignedMessage.checkContext(context);
            if (identityFile != null) {
                signer = Signer.of(Identity.readFrom(identityFile), signerName == null ? "" : SignedMessage.checkName(signerName));
            }
            if (knownKeys != null) {
                verifier = SignatureVerifier.of(TrustStore.trustOnFirstUse(knownKeys));
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        resolved = true;
    }

    /** Whether {@code --identity} was given. */
    boolean signs() {
        return identityFile != null;
    }

    /** Whether {@code --known-keys} was given. */
    boolean verifies() {
        return knownKeys != null;
    }

    /**
     * The codec that signs and verifies as the options say, around the command's own.
     *
     * @param inner the command's codec
     * @return the codec itself when neither option was given
     */
    Codec<String> wrap(Codec<String> inner) {
        resolve();
        return signs() || verifies() ? builder(inner).build() : inner;
    }

    /**
     * A codec, for receiving only, that verifies and shows who signed: {@code [NAME FINGERPRINT] text}, with
     * {@code new} after the fingerprint the first time a key is accepted; or the text alone.
     *
     * @param inner the command's codec
     * @param textOnly whether to leave the signer out
     * @return the codec
     */
    Codec<String> wrapShowingSigner(Codec<String> inner, boolean textOnly) {
        resolve();
        if (!verifies()) {
            return wrap(inner);
        }
        Codec<Signed<String>> signed = builder(inner).build().withSigner();
        return signed.map(s -> textOnly ? s.payload() : describe(s) + " " + s.payload(), text -> {
            throw new IllegalStateException("a codec that shows signers only receives");
        });
    }

    /** {@code [alice 21fe:31df:a154:a261]}, {@code [21fe:31df:a154:a261 new]}. */
    static String describe(Signed<?> s) {
        return "[" + (s.name().isEmpty() ? "" : s.name() + " ") + s.signer().fingerprint() + (s.firstUse() ? " new" : "")
                + "]";
    }

    /** The options in words, for {@code -v} and {@code --stats}: {@code signed by 21fe:…; verified}. */
    String describe() {
        resolve();
        StringBuilder b = new StringBuilder();
        if (signer != null) {
            b.append("signed by ").append(signer.identity().fingerprint());
        }
        if (verifier != null) {
            b.append(b.length() > 0 ? ", " : "").append("verified against ").append(knownKeys);
        }
        return b.toString();
    }

    private SignedCodec.Builder<String> builder(Codec<String> inner) {
        SignedCodec.Builder<String> b = SignedCodec.builder(inner).context(context);
        if (signer != null) {
            b.signer(signer);
        }
        if (verifier != null) {
            b.verifier(verifier);
        }
        return b;
    }
}
