package io.github.udpkit.core.security;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and writes small secret files (keys), with owner-only permissions on POSIX. */
final class SecretFiles {
    /** Largest secret file read: generous for a base64 key and any surrounding whitespace. */
    static final long MAX_SIZE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private SecretFiles() {}

    /**
     * Reads a secret file whole, logging a warning if others may access it.
     *
     * @param file the file
     * @param what what it is, for messages ("key file")
     * @return its bytes
     * @throws IllegalArgumentException naming the file if it is missing, unreadable or too large
     */
    static byte[] read(Path file, String what) {
        Objects.requireNonNull(file, "file");
        try {
            checkArgument(!Files.isDirectory(file), "%s %s is a directory, not a file", what, file);
            long size = Files.size(file);
            checkArgument(size <= MAX_SIZE, "%s %s is too large to be a key: %s bytes", what, file, size);
            warnIfShared(file, what);
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " does not exist: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e, e);
        }
    }

    /**
     * Creates a file with the given content, owner-only from its creation on POSIX file systems
     * (the permission is an attribute of the create call, not a chmod after it).
     *
     * @param file the file, which must not exist
     * @param content what to write
     * @param what what it is, for messages
     * @throws IllegalArgumentException naming the file, if it exists or cannot be written
     */
    static void writeNew(Path file, byte[] content, String what) {
        Objects.requireNonNull(file, "file");
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir != null && Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try (SeekableByteChannel channel = Files.newByteChannel(file, options, attributes)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(what + " already exists, not overwriting it: " + file, e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + what + " " + file + ": " + e, e);
        }
    }

    private static void warnIfShared(Path file, String what) throws IOException {
        Set<PosixFilePermission> permissions = posixPermissions(file);
        if (permissions != null && sharedWithOthers(permissions)) {
            LOG.warn("{} {} is accessible to others ({}): it should be private to its owner (chmod 600)",
                    what, file, PosixFilePermissions.toString(permissions));
        }
    }

    /** The file's POSIX permissions, or {@code null} on a file system without them. */
    static Set<PosixFilePermission> posixPermissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        return view == null ? null : view.readAttributes().permissions();
    }

    /** Whether any group or others permission is set: the warning's condition. */
    static boolean sharedWithOthers(Set<PosixFilePermission> permissions) {
        for (PosixFilePermission p : permissions) {
            if (!p.name().startsWith("OWNER_")) {
                return true;
            }
        }
        return false;
    }
}
