package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a verifier believes: names bound to Ed25519 public keys, like SSH's {@code known_hosts}.
 *
 * <p>Two policies. {@linkplain #pinned Pinned}: only the keys listed are accepted, each for its
 * name. {@linkplain #trustOnFirstUse Trust on first use}: a name seen for the first time is
 * accepted with its key and remembered (appended to the file, when there is one); a known name
 * with another key is refused. Either way a listed name is pinned to its key.
 *
 * <p>The file holds one entry a line, {@code NAME ed25519 BASE64-KEY} (the raw 32-byte key), with
 * {@code #} comments. The name {@code *} stands for a signer without a name: its key is accepted,
 * under no name. A store holds at most {@link #maxEntries()} names, so a flood of new signers
 * cannot grow it without bound: once full, new names are refused as unknown. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TrustStore {

    /** The default bound on entries. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** The name that, in a file, stands for a signer without a name. */
    public static final String ANY_NAME = "*";
    /** The largest known-keys file read. */
    static final long MAX_FILE_SIZE = 4L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(TrustStore.class);
    private static final String ALGORITHM = "ed25519";

    /** What a store says of a name and a key. */
    public enum Verdict {
        /** The name is bound to this key (or, for an unnamed signer, the key is listed). */
        KNOWN,
        /** Neither the name nor, for an unnamed signer, the key is known; trust on first use accepts it. */
        NEW,
        /** Not known, and this store pins: refused. */
        UNKNOWN,
        /** The name is bound to another key: refused. */
        CHANGED
    }

    private final boolean learns;
    private final Path file;
    private final int maxEntries;
    private final Map<String, PublicIdentity> byName = new LinkedHashMap<>();
    private final Map<PublicIdentity, String> byKey = new LinkedHashMap<>();
    private final Set<PublicIdentity> unnamed = new HashSet<>();
    private boolean writeFailed;

    private TrustStore(boolean learns, Path file, int maxEntries) {
        checkArgument(maxEntries > 0, "maxEntries must be positive: %s", maxEntries);
        this.learns = learns;
        this.file = file;
        this.maxEntries = maxEntries;
    }

    /**
     * A store that accepts only the keys in a file.
     *
     * @param file a known-keys file, which must exist
     * @return the store
     * @throws IllegalArgumentException naming the file and line, if it is missing or malformed
     */
    public static TrustStore pinned(Path file) {
        Objects.requireNonNull(file, "file");
        TrustStore store = new TrustStore(false, null, DEFAULT_MAX_ENTRIES);
        store.load(file, true);
        return store;
    }

    /**
     * A store that accepts only the given keys.
     *
     * @param keys names and their keys; {@value #ANY_NAME} for a signer without a name
     * @return the store
     */
    public static TrustStore pinned(Map<String, PublicIdentity> keys) {
        TrustStore store = new TrustStore(false, null, Math.max(DEFAULT_MAX_ENTRIES, keys.size()));
        keys.forEach(store::put);
        return store;
    }

    /**
     * A store that learns new names and remembers them in a file, which need not exist yet; the
     * names already in it are pinned.
     *
     * @param file the known-keys file
     * @return the store
     * @throws IllegalArgumentException naming the file and line, if it exists and is malformed
     */
    public static TrustStore trustOnFirstUse(Path file) {
        return trustOnFirstUse(file, DEFAULT_MAX_ENTRIES);
    }

    /**
     * A store that learns new names and remembers them in a file, up to a bound.
     *
     * @param file the known-keys file, which need not exist yet
     * @param maxEntries the most names it holds
     * @return the store
     */
    public static TrustStore trustOnFirstUse(Path file, int maxEntries) {
        Objects.requireNonNull(file, "file");
        TrustStore store = new TrustStore(true, file, maxEntries);
        store.load(file, false);
        return store;
    }

    /**
     * A store that learns new names and keeps them in memory only.
     *
     * @param maxEntries the most names it holds
     * @return the store
     */
    public static TrustStore trustOnFirstUse(int maxEntries) {
        return new TrustStore(true, null, maxEntries);
    }

    /**
     * Whether this store learns new names.
     *
     * @return true for trust on first use, false for pinned keys
     */
    public boolean trustsOnFirstUse() {
        return learns;
    }

    /**
     * The most names this store holds.
     *
     * @return the bound
     */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * The file new names are appended to, if any.
     *
     * @return the file
     */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * How many names (and unnamed keys) the store holds.
     *
     * @return the count
     */
    public synchronized int size() {
        return byName.size() + unnamed.size();
    }

    /**
     * The key bound to a name.
     *
     * @param name the name
     * @return its key, if known
     */
    public synchronized Optional<PublicIdentity> keyOf(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The name a key is known under, or {@value #ANY_NAME} for a key listed without one.
     *
     * @param key the key
     * @return its name, if known
     */
    public synchronized Optional<String> nameOf(PublicIdentity key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /**
     * Judges a signer's name and key, without changing anything.
     *
     * @param name the name the signer claims, empty for none
     * @param key the key it signed with
     * @return the verdict
     */
    public synchronized Verdict check(String name, PublicIdentity key) {
        if (name.isEmpty()) {
            return unnamed.contains(key) || byKey.containsKey(key) ? Verdict.KNOWN : learns ? Verdict.NEW : Verdict.UNKNOWN;
        }
        PublicIdentity known = byName.get(name);
        if (known == null) {
            return learns ? Verdict.NEW : Verdict.UNKNOWN;
        }
        return known.equals(key) ? Verdict.KNOWN : Verdict.CHANGED;
    }

    /**
     * Remembers a new name (or unnamed key) that {@link #check} called {@link Verdict#NEW}, and
     * appends it to the file if there is one.
     *
     * @param name the name, empty for none
     * @param key the key
     * @return false if the store is full or does not learn, or the name is bound already
     */
    public synchronized boolean remember(String name, PublicIdentity key) {
        if (!learns || check(name, key) != Verdict.NEW || size() >= maxEntries) {
            return false;
        }
        put(name.isEmpty() ? ANY_NAME : name, key);
        if (file != null && !writeFailed) {
            String line = (name.isEmpty() ? ANY_NAME : name) + " " + ALGORITHM + " " + key.toBase64() + "\n";
            try {
                Files.write(file, line.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                writeFailed = true;
                LOG.warn("cannot append to known-keys file {} ({}); keys learned from now on are kept in memory only",
                        file, e.toString());
            }
        }
        return true;
    }

    private void put(String name, PublicIdentity key) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        if (name.equals(ANY_NAME)) {
            unnamed.add(key);
            byKey.putIfAbsent(key, ANY_NAME);
            return;
        }
        SignedMessage.checkName(name);
        PublicIdentity previous = byName.putIfAbsent(name, key);
        checkArgument(previous == null || previous.equals(key), "name %s is listed with two keys: %s and %s",
                name, previous, key);
        byKey.put(key, name);
    }

    private void load(Path path, boolean mustExist) {
        List<String> lines;
        try {
            checkArgument(!Files.isDirectory(path), "known-keys file %s is a directory", path);
            if (!Files.exists(path) && !mustExist) {
                return;
            }
            long size = Files.size(path);
            checkArgument(size <= MAX_FILE_SIZE, "known-keys file %s is too large: %s bytes", path, size);
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("known-keys file does not exist: " + path, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read known-keys file " + path + ": " + e, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+");
            try {
                checkArgument(fields.length == 3 && fields[1].equals(ALGORITHM),
                        "expected 'NAME ed25519 BASE64-KEY', found %s fields", fields.length);
                PublicIdentity key = PublicIdentity.fromBase64(fields[2]);
                checkArgument(size() < maxEntries, "more than %s entries", maxEntries);
                put(fields[0], key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("known-keys file " + path + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "TrustStore[" + (learns ? "trust on first use" : "pinned") + ", " + size() + " entries"
                + (file != null ? ", " + file : "") + "]";
    }
}
