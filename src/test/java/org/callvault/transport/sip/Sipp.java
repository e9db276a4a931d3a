package org.callvault.transport.sip;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIPp (Debian's sip-tester) running one of our scenarios (src/test/resources/sipp) as one call
 * against the server's SIP port over UDP (or TCP) from 127.0.0.1. Its exit status is 0 only when every
 * message of the scenario arrived as written (and every {@code check_it} regexp matched).
 */
final class Sipp implements AutoCloseable {

    private final Process process;
    private final Path dir;

    private Sipp(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    static Sipp call(String scenario, int sipPort) throws IOException {
        return call(scenario, sipPort, false, List.of());
    }

    /** As {@link #call(String, int)}, with more SIPp options (e.g. {@code -auth_uri}). */
    static Sipp call(String scenario, int sipPort, List<String> options) throws IOException {
        return call(scenario, sipPort, false, options);
    }

    /** As {@link #call(String, int)}, over TCP when {@code tcp} (one connection: SIPp's {@code -t t1}). */
    static Sipp call(String scenario, int sipPort, boolean tcp) throws IOException {
        return call(scenario, sipPort, tcp, List.of());
    }

    private static Sipp call(String scenario, int sipPort, boolean tcp, List<String> options) throws IOException {
        Path dir = Files.createTempDirectory("sipp");
        Path file = dir.resolve(scenario);
        try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + scenario)) {
            if (in == null) {
                throw new IllegalArgumentException("no scenario " + scenario);
            }
            Files.copy(in, file);
        }
        List<String> command = new ArrayList<>(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", file.toString(),
                "-m", "1", "-i", "127.0.0.1", "-p", String.valueOf(tcp ? freeTcpPort() : freeUdpPort()), "-mp",
                String.valueOf(freeUdpPort()), "-t", tcp ? "t1" : "u1", "-nostdin", "-timeout", "30s", "-trace_err",
                "-error_file", dir.resolve("errors.log").toString(), "-trace_msg", "-message_file",
                dir.resolve("messages.log").toString()));
        command.addAll(options);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
        return new Sipp(process, dir);
    }

    /** Waits for SIPp to finish its call; its exit status, with its logs when it failed. */
    int awaitExit() throws Exception {
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("sipp did not finish within 40 s\n" + logs());
        }
        return process.exitValue();
    }

    String logs() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("errors.log", "messages.log")) {
            Path log = dir.resolve(name);
            if (Files.exists(log)) {
                text.append("--- ").append(name).append('\n').append(Files.readString(log, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    private static int freeTcpPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
