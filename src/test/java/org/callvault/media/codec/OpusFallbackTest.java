package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where libopus is missing, Opus still works, through Concentus: a JVM whose JNA finds no system
 * library (its search path is an empty folder, and without Debian's libopus-dev there is no
 * plain {@code libopus.so} for the loader to find) chooses the pure-Java codec and round-trips a
 * frame. A separate JVM, because the choice is made once per process.
 */
class OpusFallbackTest {

    @Test
    void withoutLibopusTheJavaCodecIsChosenAndWorks(@TempDir Path empty) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process probe = new ProcessBuilder(List.of(java.toString(), "-Djna.platform.library.path=" + empty,
                "-Djna.library.path=" + empty, "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).contains("implementation JAVA", "decoded 960");
    }

    /** The child JVM: which implementation, and one 20 ms frame through it. */
    public static final class Probe {

        public static void main(String[] args) throws IOException {
            System.out.println("implementation " + OpusCodec.implementation());
            AudioEncoder encoder = OpusCodec.newEncoder(32_000);
            AudioDecoder decoder = OpusCodec.newDecoder();
            byte[] packet = new byte[OpusCodec.MAX_PACKET];
            int length = encoder.encode(new short[960], 0, 960, packet, 0);
            System.out.println("decoded " + decoder.decode(packet, 0, length, new short[OpusCodec.MAX_FRAME_SAMPLES], 0));
        }
    }
}
