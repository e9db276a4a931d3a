package org.callvault.transport.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw SIP over real sockets, for messages no SIP client would send (RFC 4475, oversized, stalled):
 * bytes in, responses out, parsed just enough to read a status, a header and the Call-ID.
 */
final class RawSip {

    private static final Pattern TOP_VIA = Pattern.compile(
            "(?im)^(?:via|v)[ \\t]*:(?:[ \\t]|\\r\\n[ \\t])*(SIP(?:[ \\t]|\\r\\n[ \\t])*/(?:[ \\t]|\\r\\n[ \\t])*[0-9.]+"
                    + "(?:[ \\t]|\\r\\n[ \\t])*/(?:[ \\t]|\\r\\n[ \\t])*)([A-Za-z]+)((?:[ \\t]|\\r\\n[ \\t])+)([^;,\\s]+)");

    private static final Pattern CALL_ID = Pattern.compile("(?im)^(?:call-id|i)[ \\t]*:[ \\t]*(\\S+)");

    private RawSip() {
    }

    /** A SIP response as received: its status and its raw text. */
    record Response(int status, String text) {

        static Response parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("^SIP/2\\.0 (\\d{3})").matcher(text);
            return new Response(m.find() ? Integer.parseInt(m.group(1)) : -1, text);
        }

        Optional<String> header(String name) {
            Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + "[ \\t]*:[ \\t]*(.*)$").matcher(text);
            return m.find() ? Optional.of(m.group(1).strip()) : Optional.empty();
        }

        Optional<String> callId() {
            return callIdOf(text);
        }

        boolean isFinal() {
            return status >= 200;
        }

        @Override
        public String toString() {
            int end = text.indexOf("\r\n");
            return end < 0 ? text : text.substring(0, end);
        }
    }

    static Optional<String> callIdOf(String message) {
        int headersEnd = message.indexOf("\r\n\r\n");
        Matcher m = CALL_ID.matcher(headersEnd < 0 ? message : message.substring(0, headersEnd));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static boolean isRequest(byte[] message) {
        return !new String(message, 0, Math.min(8, message.length), StandardCharsets.ISO_8859_1).startsWith("SIP/");
    }

    /**
     * The message with its topmost Via naming {@code transport} and {@code host:port} as sent-by, so the
     * server's answer reaches the test: the rest of the Via (its LWS, folding, parameters) is kept as
     * written. Messages without a Via, and responses, are returned unchanged.
     */
    static byte[] viaTo(byte[] message, String transport, String host, int port) {
        return viaTo(message, transport, host, port, null);
    }

    /**
     * As {@link #viaTo(byte[], String, String, int)}, and with {@code branchSuffix} appended to an RFC 3261
     * branch (z9hG4bK and more) of that Via. The RI matches server transactions by branch alone, so
     * two RFC messages with the same branch (most use z9hG4bKkdjuw) replayed from one address within
     * a transaction's lifetime would be taken for retransmissions of each other. A bare "z9hG4bK"
     * (badbranch) and branches without the cookie stay as written.
     */
    static byte[] viaTo(byte[] message, String transport, String host, int port, String branchSuffix) {
        if (!isRequest(message)) {
            return message;
        }
        String text = new String(message, StandardCharsets.ISO_8859_1); // byte-exact round trip
        Matcher m = TOP_VIA.matcher(text);
        if (!m.find()) {
            return message;
        }
        String rest = text.substring(m.end(4));
        if (branchSuffix != null) {
            Matcher headerEnd = Pattern.compile("\\r\\n(?![ \\t])").matcher(rest);
            int end = headerEnd.find() ? headerEnd.start() : rest.length();
            Matcher branch = Pattern.compile("(?i)(branch[ \\t]*=(?:[ \\t]|\\r\\n[ \\t])*z9hG4bK[^;,\\s]+)")
                    .matcher(rest.substring(0, end));
            if (branch.find()) {
                rest = rest.substring(0, branch.end()) + branchSuffix + rest.substring(branch.end());
            }
        }
        String rewritten = text.substring(0, m.start(2)) + transport + m.group(3) + host + ":" + port + rest;
        return rewritten.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String options(String transport, String host, int port, int sipPort) {
        String id = UUID.randomUUID().toString();
        return "OPTIONS sip:probe@127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport + " " + host + ":" + port + ";branch=z9hG4bK" + id.substring(0, 12) + "\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=" + id.substring(0, 6) + "\r\nTo: <sip:probe@127.0.0.1>\r\n"
                + "Call-ID: probe-" + id + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    }

    /** The ACK for a non-2xx final response to an INVITE (RFC 3261 17.1.1.3): it ends the retransmissions. */
    static Optional<String> ackFor(byte[] invite, Response response) {
        String request = new String(invite, StandardCharsets.ISO_8859_1);
        int lineEnd = request.indexOf("\r\n");
        String[] requestLine = request.substring(0, Math.max(lineEnd, 0)).trim().split("\\s+");
        Optional<String> via = response.header("Via");
        Optional<String> from = response.header("From");
        Optional<String> to = response.header("To");
        Optional<String> callId = response.header("Call-ID");
        Optional<String> cseq = response.header("CSeq");
        if (requestLine.length != 3 || via.isEmpty() || from.isEmpty() || to.isEmpty() || callId.isEmpty()
                || cseq.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("ACK " + requestLine[1] + " SIP/2.0\r\nVia: " + via.get() + "\r\nFrom: " + from.get()
                + "\r\nTo: " + to.get() + "\r\nCall-ID: " + callId.get() + "\r\nCSeq: "
                + cseq.get().split("\\s+")[0] + " ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
    }

    /** A UDP client on 127.0.0.1. */
    static final class Udp implements AutoCloseable {

        final DatagramSocket socket;
        private final int sipPort;

        Udp(int sipPort) throws IOException {
            this.socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            this.sipPort = sipPort;
        }

        int port() {
            return socket.getLocalPort();
        }

        void send(byte[] message) throws IOException {
            socket.send(new DatagramPacket(message, message.length, InetAddress.getLoopbackAddress(), sipPort));
        }

        /** The next datagram within {@code timeoutMillis}, or empty. */
        Optional<Response> receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(timeoutMillis);
            byte[] buffer = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            }
            catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            byte[] bytes = new byte[packet.getLength()];
            System.arraycopy(buffer, 0, bytes, 0, bytes.length);
            return Optional.of(Response.parse(bytes));
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** A TCP connection to the SIP port, reading responses framed by their Content-Length. */
    static final class Tcp implements AutoCloseable {

        final Socket socket;
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean closedByServer;

        Tcp(int sipPort) throws IOException {
            this.socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sipPort), 5000);
            this.in = socket.getInputStream();
        }

        int port() {
            return socket.getLocalPort();
        }

        void send(byte[] message) throws IOException {
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
        }

        boolean closedByServer() {
            return closedByServer;
        }

        /** The next response within {@code timeoutMillis}; empty on timeout or when the server closed. */
        Optional<Response> receive(int timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                Optional<byte[]> message = frame();
                if (message.isPresent()) {
                    return message.map(Response::parse);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || closedByServer) {
                    return Optional.empty();
                }
                socket.setSoTimeout((int) Math.max(1, left));
                byte[] chunk = new byte[8192];
                int n;
                try {
                    n = in.read(chunk);
                }
                catch (SocketTimeoutException e) {
                    return Optional.empty();
                }
                catch (IOException reset) {
                    closedByServer = true;
                    return Optional.empty();
                }
                if (n < 0) {
                    closedByServer = true;
                    return Optional.empty();
                }
                pending.write(chunk, 0, n);
            }
        }

        /** Waits up to {@code timeoutMillis} for the server to close this connection. */
        boolean awaitClosed(int timeoutMillis) throws IOException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (!closedByServer && System.nanoTime() < deadline) {
                receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            }
            return closedByServer;
        }

        private Optional<byte[]> frame() {
            byte[] bytes = pending.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int start = 0;
            while (text.startsWith("\r\n", start)) {
                start += 2; // keep-alive CRLFs
            }
            int end = text.indexOf("\r\n\r\n", start);
            if (end < 0) {
                return Optional.empty();
            }
            Matcher cl = Pattern.compile("(?im)^(?:content-length|l)[ \\t]*:[ \\t]*(\\d+)")
                    .matcher(text.substring(start, end));
            int length = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
            int total = end + 4 + length;
            if (bytes.length < total) {
                return Optional.empty();
            }
            byte[] message = new byte[total - start];
            System.arraycopy(bytes, start, message, 0, message.length);
            pending.reset();
            pending.write(bytes, total, bytes.length - total);
            return Optional.of(message);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Every response in {@code responses} to the message with {@code callId} (all when it has none). */
    static List<Response> answering(List<Response> responses, Optional<String> callId) {
        List<Response> matching = new ArrayList<>();
        for (Response r : responses) {
            if (callId.isEmpty() || callId.equals(r.callId())) {
                matching.add(r);
            }
        }
        return matching;
    }
}
