package org.callvault.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client on a plain TCP socket with a tiny receive buffer, which reads only when told
 * to. It stands for a listener that stops reading (a frozen tab, a stalled network): what piles up
 * then is what the server keeps in flight, not what a client library buffers on its own.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int OPCODE_TEXT = 1;
    public static final int OPCODE_BINARY = 2;
    public static final int OPCODE_CLOSE = 8;

    /** One received frame and when it was read ({@code System.nanoTime()}). */
    public record Frame(int opcode, byte[] payload, long readNanos) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens {@code path} (with an optional Cookie header) and completes the handshake. */
    public static RawWebSocket open(int port, String path, String cookie) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // before connect, so the window starts small
            socket.connect(new InetSocketAddress("localhost", port), 5000);
            socket.setSoTimeout(15_000);
            byte[] nonce = new byte[16];
            new SecureRandom().nextBytes(nonce);
            String request = "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                    + (cookie == null || cookie.isEmpty() ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
            RawWebSocket client = new RawWebSocket(socket);
            client.out.write(request.getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String status = client.readHeaders();
            if (!status.contains(" 101 ")) {
                throw new IllegalStateException("Handshake refused: " + status);
            }
            return client;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String readHeaders() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) b);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** Reads the next whole frame (server frames are not masked; fragments are not expected). */
    public Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        }
        else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload, System.nanoTime());
    }

    /** Sends a masked text frame (clients must mask). */
    public void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        OutputStream frame = out;
        frame.write(0x80 | OPCODE_TEXT);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        }
        else {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        frame.flush();
    }

    public InputStream input() {
        return in;
    }

    @Override
    public void close() {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // best effort
        }
    }
}
