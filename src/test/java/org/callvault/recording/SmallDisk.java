package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real small disk for the full-disk tests: a 20 MB tmpfs mounted on a temporary folder (the tests
 * run as root, as CI does), a file that fills it until the file system refuses, and a lookup of the
 * recording files on it.
 */
final class SmallDisk {

    private SmallDisk() {
    }

    static Path mount() throws Exception {
        Path mountPoint = Files.createTempDirectory("callvault-small-disk");
        run("mount", "-t", "tmpfs", "-o", "size=20m,mode=0700", "tmpfs", mountPoint.toString());
        return mountPoint;
    }

    /** Lazy: the server may still hold a file open until its context closes. */
    static void unmount(Path mountPoint) throws Exception {
        run("umount", "-l", mountPoint.toString());
    }

    /** Writes until the file system refuses: the disk is then really full. */
    static void fill(Path filler) {
        byte[] block = new byte[256 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        }
        catch (IOException expected) {
            assertThat(expected.getMessage()).contains("No space left");
        }
    }

    /** The file named {@code name} anywhere under {@code root}, or null. */
    static Path find(Path root, String name) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElse(null);
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (the disk-full tests need root to "
                    + "mount a 20 MB tmpfs): " + output);
        }
    }
}
