package org.callvault.loadtool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --siprec} against a scripted recording server on real loopback sockets: the INVITE is a
 * SIPREC offer (multipart, two sendonly PCMU streams with labels, metadata naming who sends which),
 * the 200 is ACKed, each answered port gets 50 packets a second of its own tone for the hold, and
 * the session ends with a BYE.
 */
class SiprecLoadTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DatagramSocket srs;
    private final List<DatagramSocket> rtp = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        srs = new DatagramSocket(0, LOOPBACK);
        srs.setSoTimeout(5000);
        for (int i = 0; i < 2; i++) {
            DatagramSocket socket = new DatagramSocket(0, LOOPBACK);
            socket.setSoTimeout(200);
            rtp.add(socket);
        }
    }

    @AfterEach
    void tearDown() {
        srs.close();
        rtp.forEach(DatagramSocket::close);
    }

    @Test
    void aSessionOffersTwoStreamsWithMetadataStreamsBothTonesAndEndsWithBye() throws Exception {
        Options o = Options.parse(new String[] { "--siprec", "127.0.0.1:" + srs.getLocalPort(), "--siprec-sessions", "1",
                "--run", "2" }, Map.of("CALLVAULT_LOADTOOL_PASSWORD", "x"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return new SiprecLoad(o, new PrintStream(printed, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream())).run();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        DatagramPacket invite = receive();
        String request = text(invite);
        assertTrue(request.startsWith("INVITE sip:srs@127.0.0.1:"), request);
        for (String expected : new String[] { "Require: siprec", "Content-Type: multipart/mixed;boundary=",
                "application/rs-metadata+xml", "a=sendonly\r\na=label:1", "a=sendonly\r\na=label:2",
                "<participantstreamassoc participant_id=\"lt-" }) {
            assertTrue(request.contains(expected), expected + " in " + request);
        }
        assertTrue(java.util.regex.Pattern.compile("<name>lt-[0-9a-z]+-0-L</name>").matcher(request).find(), request);
        assertTrue(java.util.regex.Pattern.compile("<name>lt-[0-9a-z]+-0-R</name>").matcher(request).find(), request);
        SipMessage offer = SipMessage.parse(invite.getData(), 0, invite.getLength());
        reply(invite, ok(offer, "INVITE", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + rtp.get(0).getLocalPort() + " RTP/AVP 0\r\na=recvonly\r\na=label:1\r\n"
                + "m=audio " + rtp.get(1).getLocalPort() + " RTP/AVP 0\r\na=recvonly\r\na=label:2\r\n"));
        assertTrue(text(receive()).startsWith("ACK "));

        // Both streams for the 2 s hold: 50 packets a second each, PCMU of the session's two tones.
        List<short[]> audio = List.of(new short[8000], new short[8000]);
        int[] packets = new int[2];
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        while (System.nanoTime() < until) {
            for (int s = 0; s < 2; s++) {
                DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
                try {
                    rtp.get(s).receive(packet);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                assertEquals(12 + 160, packet.getLength());
                assertEquals(0, packet.getData()[1] & 0x7f, "PCMU");
                if (packets[s] < 50) {
                    for (int i = 0; i < 160; i++) {
                        audio.get(s)[packets[s] * 160 + i] = Ulaw.decode(packet.getData()[12 + i]);
                    }
                }
                packets[s]++;
            }
        }
        assertTrue(packets[0] >= 50 && packets[1] >= 50, packets[0] + " and " + packets[1] + " packets");
        assertTrue(power(audio.get(0), SiprecLoad.leftHz(0)) > 0.9, "first stream: its tone");
        assertTrue(power(audio.get(1), SiprecLoad.rightHz(0)) > 0.9, "second stream: its tone");

        DatagramPacket bye = receive();
        assertTrue(text(bye).startsWith("BYE ") && text(bye).contains("CSeq: 2 BYE"), text(bye));
        reply(bye, ok(SipMessage.parse(bye.getData(), 0, bye.getLength()), "BYE", null));

        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        String output = printed.toString(StandardCharsets.UTF_8);
        assertTrue(output.contains("mode=siprec sessions=1 established=1 failed=0") && output.contains("clean=yes"), output);
    }

    /** The next SIP request from the tool (RTP sockets aside), skipping retransmissions of what was answered. */
    private DatagramPacket receive() throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
        srs.receive(packet);
        return packet;
    }

    private static String text(DatagramPacket packet) {
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    private void reply(DatagramPacket to, String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        SocketAddress address = to.getSocketAddress();
        srs.send(new DatagramPacket(bytes, bytes.length, address));
    }

    private static String ok(SipMessage request, String method, String sdp) {
        String response = SipMessage.response(request, 200, "OK");
        String head = response.substring(0, response.indexOf("Content-Length"));
        head = head.replaceFirst("(?m)^(To: [^\r\n]*)", "$1" + (request.toTag() == null ? ";tag=srs1" : ""))
                + "Contact: <sip:srs@127.0.0.1>\r\n";
        if (sdp == null) {
            return head + "Content-Length: 0\r\n\r\n";
        }
        return head + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private static double power(short[] samples, int frequency) {
        Goertzel.Meter meter = new Goertzel.Meter(8000, frequency);
        meter.addBlock(samples, 0, 1, samples.length);
        return meter.relative(0);
    }
}
