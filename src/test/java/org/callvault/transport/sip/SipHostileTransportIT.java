package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.callvault.transport.ws.AgentPresence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The SIP port against peers that send too much, or too little: oversized datagrams, a Content-Length
 * beyond the limit, 600 connections that say nothing, a message that stalls half-way. The idle
 * timeout is 20 s here (120 s by default), so the server's cleanup is seen within the test, and the
 * 5 s READ_TIMEOUT of a stalled message comes first.
 */
@DatabaseIndependent
@TestPropertySource(properties = { "callvault.sip.tcp-idle-timeout=20s", "callvault.sip.invites-per-second=1000" })
class SipHostileTransportIT extends IntegrationTest {

    @Autowired
    SipServer sip;

    @Autowired
    AgentPresence presence;

    @BeforeEach
    void quiet() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !presence.anyAgentOnline());
        await().atMost(Duration.ofSeconds(10)).until(() -> sip.openTcpConnections() == 0);
    }

    @Test
    void aBroadWorksSizedInviteOverUdpIsServed() throws Exception {
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            byte[] invite = invite("UDP", udp.port(), 3600);
            assertThat(invite.length).isBetween(3600, 3800); // well over one Ethernet MTU's 1500
            udp.send(invite);
            // Parsed whole and served: it rings (no agent online: 480), not 513.
            assertThat(finalResponse(udp)).map(RawSip.Response::status).contains(480);
        }
    }

    @Test
    void aDatagramOverTheUdpLimitGets513AndGarbageThatSizeIsDropped() throws Exception {
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            byte[] invite = invite("UDP", udp.port(), SipServer.UDP_MAX_MESSAGE_SIZE + 4000);
            udp.send(invite);
            Optional<RawSip.Response> answer = finalResponse(udp);
            assertThat(answer).map(RawSip.Response::status).contains(513);
            assertThat(answer.get().text().length()).isLessThan(invite.length / 10); // nothing echoed back

            byte[] garbage = new byte[60_000];
            java.util.Arrays.fill(garbage, (byte) 'x');
            udp.send(garbage);
            assertThat(udp.receive(1500)).isEmpty();
            assertAnswersOptions();
        }
    }

    @Test
    void aResponseOver1300BytesToAUdpRequestGoesBackOverUdp() throws Exception {
        // RFC 3261 18.1.1 sends a large *request* over TCP; a response goes back the way its request
        // came (18.2.2), over UDP here, however large: the RI sends it as one datagram.
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            String id = UUID.randomUUID().toString();
            StringBuilder options = new StringBuilder("OPTIONS sip:big@127.0.0.1:" + sip.port() + " SIP/2.0\r\n");
            options.append("Via: SIP/2.0/UDP 127.0.0.1:").append(udp.port()).append(";branch=z9hG4bK").append(id, 0, 12)
                    .append("\r\n");
            for (int i = 0; i < 30; i++) {
                options.append("Via: SIP/2.0/UDP proxy").append(i).append(".example.com;branch=z9hG4bK-hop-").append(i)
                        .append("-").append(id, 0, 8).append("\r\n");
            }
            options.append("From: <sip:big@127.0.0.1>;tag=1\r\nTo: <sip:big@127.0.0.1>\r\nCall-ID: big-").append(id)
                    .append("\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 40\r\nContent-Length: 0\r\n\r\n");
            udp.send(options.toString().getBytes(StandardCharsets.UTF_8));
            Optional<RawSip.Response> answer = finalResponse(udp);
            assertThat(answer).map(RawSip.Response::status).contains(200);
            assertThat(answer.get().text().length()).isGreaterThan(1300);
        }
    }

    @Test
    void overTcpAContentLengthOverTheLimitGets513AndTheConnectionIsClosed() throws Exception {
        try (RawSip.Tcp tcp = new RawSip.Tcp(sip.port())) {
            String head = new String(invite("TCP", tcp.port(), 0), StandardCharsets.ISO_8859_1);
            head = head.replaceFirst("Content-Length: \\d+", "Content-Length: " + (SipServer.MAX_MESSAGE_SIZE + 1));
            tcp.send(head.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(tcp.receive(5000)).map(RawSip.Response::status).contains(513);
            assertThat(tcp.awaitClosed(5000)).isTrue();
        }
        assertAnswersOptions();
    }

    @Test
    void aMessageThatStallsHalfWayIsClosedWithinTheReadTimeout() throws Exception {
        try (RawSip.Tcp headers = new RawSip.Tcp(sip.port()); RawSip.Tcp body = new RawSip.Tcp(sip.port())) {
            String invite = new String(invite("TCP", headers.port(), 0), StandardCharsets.ISO_8859_1);
            headers.send(invite.substring(0, invite.indexOf("Call-ID")).getBytes(StandardCharsets.ISO_8859_1));
            String withBody = new String(invite("TCP", body.port(), 0), StandardCharsets.ISO_8859_1);
            body.send(withBody.substring(0, withBody.length() - 40).getBytes(StandardCharsets.ISO_8859_1));
            long start = System.nanoTime();
            // READ_TIMEOUT is 5 s: a message begun must go on arriving.
            assertThat(headers.awaitClosed(8000)).as("stalled in the headers").isTrue();
            assertThat(body.awaitClosed(8000)).as("stalled in the body").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(9));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> sip.openTcpConnections() == 0);
        assertAnswersOptions();
    }

    @Test
    void sixHundredSilentConnectionsHoldAtMost512SlotsAndAreClosedByTheIdleTimeout() throws Exception {
        List<SocketChannel> held = new ArrayList<>();
        List<SocketChannel> waiting = new ArrayList<>();
        try {
            // From 20 loopback addresses (under the per-source cap of 64 each), one at a time, each
            // accepted before the next: a burst would overflow the listen backlog and turn the test into
            // one of the kernel's SYN retries.
            for (int i = 0; i < SipServer.MAX_CONNECTIONS; i++) {
                held.add(connect(InetAddress.getByName("127.0.0." + (10 + i % 20)), true));
                int expected = i + 1;
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> sip.openTcpConnections() >= expected);
            }
            // 88 more: the server is at MAX_CONNECTIONS and accepts none of them while the others stay.
            for (int i = 0; i < 88; i++) {
                waiting.add(connect(InetAddress.getByName("127.0.0." + (10 + i % 20)), false));
            }
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> sip.openTcpConnections() == SipServer.MAX_CONNECTIONS);
            // Silent for the idle timeout (20 s here): every held connection is closed by the server; the
            // waiting ones are accepted as slots free, and closed in turn.
            await().atMost(Duration.ofSeconds(40)).until(() -> endedByServer(held) == held.size());
            await().atMost(Duration.ofSeconds(40)).until(() -> sip.openTcpConnections() == 0);
        }
        finally {
            for (SocketChannel channel : held) {
                channel.close();
            }
            for (SocketChannel channel : waiting) {
                channel.close();
            }
        }
        assertAnswersOptions();
    }

    private SocketChannel connect(InetAddress from, boolean blocking) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(from, 0));
        channel.configureBlocking(blocking);
        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sip.port()));
        channel.configureBlocking(false);
        return channel;
    }

    /** Channels that connected and were then closed by the server (end of stream or reset). */
    private static long endedByServer(List<SocketChannel> channels) throws IOException {
        long ended = 0;
        ByteBuffer one = ByteBuffer.allocate(1);
        for (SocketChannel channel : channels) {
            if (!channel.isOpen()) {
                ended++;
                continue;
            }
            try {
                if (channel.isConnectionPending() && !channel.finishConnect()) {
                    continue;
                }
                one.clear();
                if (channel.read(one) < 0) {
                    channel.close();
                    ended++;
                }
            }
            catch (IOException resetOrRefused) {
                channel.close();
                ended++;
            }
        }
        return ended;
    }

    @Test
    void oneSourceHoldsAtMost64Connections() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.77"), 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), sip.port()), 5000);
                sockets.add(socket);
            }
            // The 36 beyond the cap are closed at once, well before the idle timeout.
            await().atMost(Duration.ofSeconds(5)).until(() -> countClosedByServer(sockets) >= 36);
            assertThat(sip.openTcpConnections()).isLessThanOrEqualTo(64);
        }
        finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Sockets the server has closed (a read sees the end, or a reset), without blocking. */
    private static long countClosedByServer(List<Socket> sockets) throws IOException {
        long closed = 0;
        for (Socket socket : sockets) {
            if (socket.isClosed()) {
                closed++;
                continue;
            }
            socket.setSoTimeout(1);
            InputStream in = socket.getInputStream();
            try {
                if (in.read() < 0) {
                    socket.close();
                    closed++;
                }
            }
            catch (SocketTimeoutException stillOpen) {
                // open
            }
            catch (IOException reset) {
                socket.close();
                closed++;
            }
        }
        return closed;
    }

    private void assertAnswersOptions() throws Exception {
        try (RawSip.Tcp tcp = new RawSip.Tcp(sip.port())) {
            tcp.send(RawSip.options("TCP", "127.0.0.1", tcp.port(), sip.port()).getBytes(StandardCharsets.UTF_8));
            assertThat(tcp.receive(5000)).map(RawSip.Response::status).contains(200);
        }
        try (RawSip.Udp udp = new RawSip.Udp(sip.port())) {
            udp.send(RawSip.options("UDP", "127.0.0.1", udp.port(), sip.port()).getBytes(StandardCharsets.UTF_8));
            assertThat(finalResponse(udp)).map(RawSip.Response::status).contains(200);
        }
    }

    /** The first final response within 5 s, ACKing nothing (the tests that INVITE end on 480 or 513). */
    private static Optional<RawSip.Response> finalResponse(RawSip.Udp udp) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<RawSip.Response> r = udp.receive((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L));
            if (r.isEmpty() || r.get().isFinal()) {
                return r;
            }
        }
        return Optional.empty();
    }

    /**
     * An INVITE with a G.711 offer of about {@code size} octets, grown the way big real ones are: the
     * headers an SBC or a BroadWorks platform adds (P-Asserted-Identity, Diversion, long Supported,
     * vendor X- headers).
     */
    private byte[] invite(String transport, int localPort, int size) {
        String id = UUID.randomUUID().toString();
        String sdp = "v=0\r\no=bw 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";
        StringBuilder m = new StringBuilder("INVITE sip:agents@127.0.0.1:" + sip.port() + " SIP/2.0\r\n");
        m.append("Via: SIP/2.0/").append(transport).append(" 127.0.0.1:").append(localPort).append(";branch=z9hG4bK")
                .append(id, 0, 12).append("\r\n");
        m.append("From: \"Big Trunk\" <sip:+15551234567@127.0.0.1>;tag=").append(id, 0, 8).append("\r\n");
        m.append("To: <sip:agents@127.0.0.1>\r\nCall-ID: big-").append(id).append("\r\nCSeq: 1 INVITE\r\n");
        m.append("Contact: <sip:+15551234567@127.0.0.1:").append(localPort).append(";transport=")
                .append(transport.toLowerCase()).append(">\r\nMax-Forwards: 70\r\n");
        m.append("P-Asserted-Identity: \"Big Trunk\" <sip:+15551234567@127.0.0.1;user=phone>\r\n");
        m.append("Supported: 100rel, timer, replaces, norefersub, histinfo, resource-priority, sdp-anat\r\n");
        m.append("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY, SUBSCRIBE\r\n");
        int pad = 0;
        String tail = "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
        while (m.length() + tail.length() < size) {
            m.append("X-BroadWorks-Correlation-Info-").append(pad++).append(": ").append(id).append(";")
                    .append("x".repeat(Math.max(0, Math.min(60, size - m.length() - tail.length() - 80)))).append("\r\n");
        }
        return m.append(tail).toString().getBytes(StandardCharsets.UTF_8);
    }
}
