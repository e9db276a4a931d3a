package org.callvault.loadtool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SIP phone against a scripted user agent server on real loopback sockets: what it sends is
 * parsed and checked, and the server misbehaves where a real one may (ignores the first INVITE,
 * repeats its 200, answers a BYE late, sends junk).
 */
class SipPhoneTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DatagramSocket uas;
    private DatagramSocket uasRtp;
    private WsClient client;
    private Run run;
    private LoopState ls;
    private Attempt attempt;

    @BeforeEach
    void setUp() throws Exception {
        uas = new DatagramSocket(0, LOOPBACK);
        uas.setSoTimeout(3000);
        uasRtp = new DatagramSocket(0, LOOPBACK);
        uasRtp.setSoTimeout(3000);
        Options o = Options.parse(new String[] {"--sip", "127.0.0.1:" + uas.getLocalPort(), "--calls", "1"},
                Map.of("CALLVAULT_LOADTOOL_PASSWORD", "x"));
        client = new WsClient(1, "127.0.0.1", 9);
        run = new Run(o, client, "cookie", "test");
        run.ending = true; // no redial after the call: the test scripts exactly one
        ls = run.loops.get(0);
        ls.loop.submit(ls.pacer::start).get();
        CallSlot slot = new CallSlot(run, ls, 0);
        attempt = new Attempt(slot, 0, Tone.sipCallerFrequency(0), Tone.agentFrequency(0));
        run.attemptsOpen.incrementAndGet();
    }

    @AfterEach
    void tearDown() {
        client.close();
        uas.close();
        uasRtp.close();
    }

    private void startPhone() throws Exception {
        ls.loop.submit(() -> {
            attempt.phone = new SipPhone(run, ls, attempt, run.sipServer, "127.0.0.1");
            attempt.phone.start();
        }).get();
    }

    private <T> T onLoop(Callable<T> c) throws Exception {
        return ls.loop.submit(c).get(2, TimeUnit.SECONDS);
    }

    private void awaitOnLoop(Callable<Boolean> c, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!onLoop(c)) {
            if (System.nanoTime() > deadline) {
                fail("not within 3 s: " + what);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    private record Received(SipMessage message, InetSocketAddress from, long nanos) {
    }

    private Received receive() throws Exception {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        uas.receive(p);
        SipMessage m = SipMessage.parse(buf, 0, p.getLength());
        assertNotNull(m, new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
        return new Received(m, (InetSocketAddress) p.getSocketAddress(), System.nanoTime());
    }

    private void send(String text, InetSocketAddress to) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        uas.send(new DatagramPacket(b, b.length, to));
    }

    /** A response to the INVITE as a UAS writes it: its Via, From, Call-ID, CSeq; To with our tag. */
    private static String responseTo(SipMessage invite, int status, String reason, String body) {
        StringBuilder b = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
        for (String v : invite.headers("via")) {
            b.append("Via: ").append(v).append("\r\n");
        }
        b.append("From: ").append(invite.header("from")).append("\r\n");
        b.append("To: ").append(invite.header("to")).append(status > 100 ? ";tag=uas-1" : "").append("\r\n");
        b.append("Call-ID: ").append(invite.callId()).append("\r\n");
        b.append("CSeq: ").append(invite.header("cseq")).append("\r\n");
        if (status == 200) {
            b.append("Contact: <sip:callvault@127.0.0.1:9999;transport=udp>\r\n");
            b.append("Content-Type: application/sdp\r\n");
        }
        b.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        return b.toString();
    }

    private String answerSdp() {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + uasRtp.getLocalPort() + " RTP/AVP 0 101\r\na=sendrecv\r\n";
    }

    /** INVITE (the first one ignored: Timer A must resend it), 100, 180, 200, ACK. */
    private Received establish() throws Exception {
        startPhone();
        Received invite = receive();
        assertEquals("INVITE", invite.message().method);
        Received again = receive();
        assertEquals("INVITE", again.message().method, "Timer A retransmission");
        assertEquals(invite.message().header("via"), again.message().header("via"), "same transaction");
        long gapMs = (again.nanos() - invite.nanos()) / 1_000_000;
        assertTrue(gapMs >= 400 && gapMs < 1500, "retransmitted after T1 (500 ms), was " + gapMs + " ms");
        SipMessage m = invite.message();
        send(responseTo(m, 100, "Trying", ""), invite.from());
        send(responseTo(m, 180, "Ringing", ""), invite.from());
        send(responseTo(m, 200, "OK", answerSdp()), invite.from());
        Received ack = receive();
        assertEquals("ACK", ack.message().method);
        assertEquals("sip:callvault@127.0.0.1:9999;transport=udp", ack.message().requestUri, "to the Contact");
        assertEquals("uas-1", ack.message().toTag());
        assertEquals("1 ACK", ack.message().header("cseq"));
        assertNotEquals(m.header("via"), ack.message().header("via"), "the ACK of a 2xx is a transaction of its own");
        awaitOnLoop(() -> attempt.phone.state == SipPhone.State.CONFIRMED && attempt.phone.ringingNanos > 0, "confirmed");
        return invite;
    }

    @Test
    void callsStreamsBothWaysAndHangsUp() throws Exception {
        Received invite = establish();
        SipMessage.Sdp offer = SipMessage.Sdp.parse(invite.message().body);
        assertEquals(java.util.List.of(0, 101), offer.payloads());

        // a repeated 200 (our ACK "lost"): ACKed again
        send(responseTo(invite.message(), 200, "OK", answerSdp()), invite.from());
        assertEquals("ACK", receive().message().method);

        // its RTP: PCMU, consecutive sequence numbers, the caller's tone
        byte[] buf = new byte[2048];
        int previous = -1;
        short[] pcm = new short[160];
        for (int k = 0; k < 10; k++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            uasRtp.receive(p);
            assertEquals(Rtp.HEADER_BYTES + 160, p.getLength());
            assertEquals(Rtp.HEADER_BYTES, Rtp.payloadOffset(buf, p.getLength(), Rtp.PCMU));
            int seq = Rtp.sequence(buf);
            if (previous >= 0) {
                assertEquals((previous + 1) & 0xFFFF, seq);
            }
            previous = seq;
            for (int i = 0; i < 160; i++) {
                pcm[i] = Ulaw.decode(buf[Rtp.HEADER_BYTES + i]);
            }
            assertTrue(Goertzel.blockRelative(pcm, 0, 1, 160, Goertzel.coefficient(Tone.sipCallerFrequency(0), 8000)) > 0.9);
        }

        // our RTP to the phone, from the port our SDP announced: counted, checked for the agent's tone;
        // junk on both of its sockets is counted and harms nothing
        RtpStream agentTone = new RtpStream(Tone.agentFrequency(0), 7, 100, 0);
        byte[] pkt = new byte[RtpStream.PACKET_BYTES];
        InetSocketAddress phoneRtp = new InetSocketAddress(LOOPBACK, offer.port());
        for (int k = 0; k < 12; k++) {
            if (k == 5) {
                continue; // one lost
            }
            agentTone.write(pkt, 0, k);
            uasRtp.send(new DatagramPacket(pkt, pkt.length, phoneRtp));
        }
        uasRtp.send(new DatagramPacket(new byte[] {(byte) 0x81, (byte) 201, 0, 1, 0, 0, 0, 0}, 8, phoneRtp)); // RTCP-like
        uas.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, invite.from()));
        awaitOnLoop(() -> attempt.phone.rx.distinct() == 11 && attempt.phone.foreign == 1 && attempt.phone.junkSip == 1,
                "11 packets, 1 foreign, 1 junk");
        assertEquals(11L, (long) onLoop(() -> attempt.phone.toneOk));
        assertEquals(1L, (long) onLoop(() -> attempt.phone.rtpMissing()));
        assertEquals(1L, (long) onLoop(() -> attempt.phone.rtpGaps()));

        // BYE, not answered at first: retransmitted; then 200 ends the dialog
        ls.loop.execute(attempt.phone::hangUp);
        Received bye = receive();
        assertEquals("BYE", bye.message().method);
        assertEquals("sip:callvault@127.0.0.1:9999;transport=udp", bye.message().requestUri);
        assertEquals("uas-1", bye.message().toTag());
        assertEquals(2, bye.message().cseq());
        Received byeAgain = receive();
        assertEquals(bye.message().header("via"), byeAgain.message().header("via"), "Timer E retransmission");
        send(SipMessage.response(byeAgain.message(), 200, "OK"), bye.from());
        awaitOnLoop(() -> attempt.phone.closed, "dialog over");
        assertEquals(SipPhone.State.ENDED, onLoop(() -> attempt.phone.state));
        assertTrue(onLoop(() -> attempt.phone.sent) >= 10);
        assertEquals(0, (int) onLoop(() -> attempt.phone.finalStatus == 200 ? 0 : attempt.phone.finalStatus));
    }

    @Test
    void aByeFromTheServerIsAnswered() throws Exception {
        Received invite = establish();
        SipMessage m = invite.message();
        String bye = "BYE sip:+15550000000@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + uas.getLocalPort() + ";branch=z9hG4bKsrvbye\r\n"
                + "From: " + m.header("to") + ";tag=uas-1\r\n"
                + "To: " + m.header("from") + "\r\n"
                + "Call-ID: " + m.callId() + "\r\n"
                + "CSeq: 1 BYE\r\n"
                + "Content-Length: 0\r\n\r\n";
        // a request for another call gets 481 and changes nothing
        send(bye.replace(m.callId(), "other-call"), invite.from());
        assertEquals(481, receive().message().status);
        assertEquals(SipPhone.State.CONFIRMED, onLoop(() -> attempt.phone.state));
        send(bye, invite.from());
        Received ok = receive();
        assertTrue(ok.message().response);
        assertEquals(200, ok.message().status);
        assertEquals("BYE", ok.message().cseqMethod());
        assertEquals("z9hG4bKsrvbye", ok.message().header("via").replaceAll(".*branch=", ""));
        awaitOnLoop(() -> attempt.phone.closed && attempt.phone.byeFromServer && !attempt.phone.pacing, "ended by the server");
    }

    @Test
    void aRefusedInviteIsAckedInItsTransactionAndFailsTheCall() throws Exception {
        startPhone();
        Received invite = receive();
        send(responseTo(invite.message(), 486, "Busy Here", ""), invite.from());
        Received ack = receive();
        assertEquals("ACK", ack.message().method);
        assertEquals(invite.message().header("via"), ack.message().header("via"), "the INVITE's branch");
        assertEquals(invite.message().requestUri, ack.message().requestUri);
        assertEquals("uas-1", ack.message().toTag());
        awaitOnLoop(() -> attempt.phone.closed, "dialog over");
        assertTrue(onLoop(() -> attempt.failure).contains("INVITE answered 486"), onLoop(() -> attempt.failure));
        // nothing more is sent: no retransmission after the final response
        uas.setSoTimeout(1200);
        try {
            Received extra = receive();
            fail("unexpected " + extra.message().method);
        } catch (SocketTimeoutException expected) {
            // quiet, as it must be
        }
    }
}
