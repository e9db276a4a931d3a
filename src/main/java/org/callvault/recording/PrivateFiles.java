package org.callvault.recording;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates the files and folders of recordings, sidecars and microphone tests readable by the
 * server's user only: 0600 files, 0700 folders (recordings are personal data). On a file system
 * without POSIX permissions (Windows) the platform's defaults apply.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    /** Creates {@code folder} and its missing parents as 0700 (existing ones are left as they are). */
    public static Path createDirectories(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        Path parent = folder.toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            return posix(folder) ? Files.createDirectory(folder, attribute(FOLDER)) : Files.createDirectory(folder);
        }
        catch (java.nio.file.FileAlreadyExistsException e) {
            if (Files.isDirectory(folder)) {
                return folder; // made by another thread meanwhile
            }
            throw e;
        }
    }

    /** Opens a new file (it must not exist) for reading and writing, as 0600. */
    static FileChannel createNew(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        return posix(file.toAbsolutePath().getParent()) ? FileChannel.open(file, options, attribute(FILE))
                : FileChannel.open(file, options);
    }

    /** Writes {@code bytes} to {@code file} whole or not at all (a temporary file moved over it), as 0600. */
    public static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = createNew(temporary)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean posix(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
