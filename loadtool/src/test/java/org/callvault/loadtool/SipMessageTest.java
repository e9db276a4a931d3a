package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipMessageTest {

    private static final SipMessage.Call CALL = new SipMessage.Call("127.0.0.1", 40000, "127.0.0.1", 15060,
            "abc123@loadtool", "ftag1", "load-xyz-3", "+15550000003", 40002, 4242);

    private static SipMessage parse(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return SipMessage.parse(b, 0, b.length);
    }

    /** A 200 as CallVault's JAIN-SIP stack writes it (header order and forms as on the wire). */
    private static final String ANSWER = "v=0\r\n"
            + "o=CallVault 1 1 IN IP4 127.0.0.1\r\n"
            + "s=CallVault\r\n"
            + "c=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0 101\r\n"
            + "a=rtpmap:0 PCMU/8000\r\n"
            + "a=sendrecv\r\n";

    private static final String OK = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKaaa;rport=40000;received=127.0.0.1\r\n"
            + "From: \"load-xyz-3\" <sip:+15550000003@127.0.0.1:40000>;tag=ftag1\r\n"
            + "To: <sip:callvault@127.0.0.1:15060>;tag=srv-77\r\n"
            + "Call-ID: abc123@loadtool\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Contact: <sip:callvault@127.0.0.1:15060;transport=udp>\r\n"
            + "Allow: INVITE,ACK,CANCEL,BYE,OPTIONS\r\n"
            + "Content-Type: application/sdp\r\n"
            + "Content-Length: " + ANSWER.length() + "\r\n\r\n"
            + ANSWER;

    @Test
    void theInviteParsesBackWithItsOffer() {
        String invite = CALL.invite("z9hG4bKbranch1");
        SipMessage m = parse(invite);
        assertNotNull(m);
        assertFalse(m.response);
        assertEquals("INVITE", m.method);
        assertEquals("sip:callvault@127.0.0.1:15060", m.requestUri);
        assertEquals("abc123@loadtool", m.callId());
        assertEquals(1, m.cseq());
        assertEquals("INVITE", m.cseqMethod());
        assertEquals("\"load-xyz-3\" <sip:+15550000003@127.0.0.1:40000>;tag=ftag1", m.header("from"));
        assertNull(m.toTag());
        assertEquals("SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKbranch1;rport", m.header("via"));
        assertEquals("sip:+15550000003@127.0.0.1:40000", m.contactUri());
        assertEquals("70", m.header("max-forwards"));
        // Content-Length counts the body exactly
        assertEquals(m.body.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(m.header("content-length")));
        assertTrue(m.body.contains("m=audio 40002 RTP/AVP 0 101\r\n"));
        assertTrue(m.body.contains("a=rtpmap:101 telephone-event/8000\r\n"));
        assertTrue(m.body.contains("a=ptime:20\r\n"));
        SipMessage.Sdp offer = SipMessage.Sdp.parse(m.body);
        assertEquals(new SipMessage.Sdp("127.0.0.1", 40002, List.of(0, 101), "sendrecv"), offer);
    }

    @Test
    void aResponseGivesTagContactAndAnswer() {
        SipMessage m = parse(OK);
        assertNotNull(m);
        assertTrue(m.response);
        assertEquals(200, m.status);
        assertEquals("srv-77", m.toTag());
        assertEquals("sip:callvault@127.0.0.1:15060;transport=udp", m.contactUri());
        assertEquals(1, m.cseq());
        assertEquals("INVITE", m.cseqMethod());
        SipMessage.Sdp answer = SipMessage.Sdp.parse(m.body);
        assertEquals("127.0.0.1", answer.address());
        assertEquals(30000, answer.port());
        assertEquals(List.of(0, 101), answer.payloads());
    }

    @Test
    void compactHeadersAndSeveralViasOnALine() {
        String ringing = "SIP/2.0 180 Ringing\r\n"
                + "v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1, SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK2\r\n"
                + "f: <sip:a@b>;tag=1\r\n"
                + "t: <sip:c@d> ; tag = x\r\n"
                + "i: id-1\r\n"
                + "CSeq:   1   INVITE\r\n"
                + "l: 0\r\n\r\n";
        SipMessage m = parse(ringing);
        assertNotNull(m);
        assertEquals(180, m.status);
        assertEquals("id-1", m.callId());
        assertEquals(2, m.headers("via").size());
        assertEquals(1, m.cseq());
        assertNull(m.toTag(), "'tag = x' with spaces is not 'tag=': no tag rather than a wrong one");
    }

    @Test
    void responseToAByeCopiesWhatRfc3261Asks() {
        String bye = "BYE sip:+15550000003@127.0.0.1:40000 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:15060;branch=z9hG4bKs1\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:15061;branch=z9hG4bKs0\r\n"
                + "From: <sip:callvault@127.0.0.1:15060>;tag=srv-77\r\n"
                + "To: \"load-xyz-3\" <sip:+15550000003@127.0.0.1:40000>;tag=ftag1\r\n"
                + "Call-ID: abc123@loadtool\r\n"
                + "CSeq: 1 BYE\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n";
        SipMessage req = parse(bye);
        assertEquals("BYE", req.method);
        SipMessage ok = parse(SipMessage.response(req, 200, "OK"));
        assertNotNull(ok);
        assertEquals(200, ok.status);
        assertEquals(req.headers("via"), ok.headers("via"));
        assertEquals(req.header("from"), ok.header("from"));
        assertEquals(req.header("to"), ok.header("to"));
        assertEquals("abc123@loadtool", ok.callId());
        assertEquals("BYE", ok.cseqMethod());
        assertEquals("", ok.body);
    }

    @Test
    void ackByeAndCancelCarryTheDialog() {
        SipMessage ack = parse(CALL.ack("z9hG4bKack", "sip:callvault@127.0.0.1:15060;transport=udp", "srv-77"));
        assertEquals("ACK", ack.method);
        assertEquals("sip:callvault@127.0.0.1:15060;transport=udp", ack.requestUri);
        assertEquals("srv-77", ack.toTag());
        assertEquals(1, ack.cseq());
        assertEquals("ACK", ack.cseqMethod());
        SipMessage bye = parse(CALL.bye("z9hG4bKbye", "sip:callvault@127.0.0.1:15060", "srv-77", 2));
        assertEquals("BYE", bye.method);
        assertEquals(2, bye.cseq());
        assertEquals("srv-77", bye.toTag());
        assertEquals("ftag1", SipMessage.tag(bye.header("from")));
        SipMessage cancel = parse(CALL.cancel("z9hG4bKinv"));
        assertEquals("CANCEL", cancel.method);
        assertEquals(CALL.requestUri(), cancel.requestUri);
        assertTrue(cancel.header("via").contains("branch=z9hG4bKinv"));
        assertEquals("CANCEL", cancel.cseqMethod());
        assertNull(cancel.toTag());
    }

    @Test
    void aDisplayNameIsQuotedSafely() {
        assertEquals("\"a \\\"b\\\" \\\\c\"", SipMessage.quote("a \"b\" \\c"));
        assertTrue(SipMessage.branch(new Random(1)).startsWith("z9hG4bK"));
        assertEquals("[::1]:5060", SipMessage.hostPort("::1", 5060));
    }

    @Test
    void malformedMessagesGiveNull() {
        for (String bad : new String[] {
                "",
                "SIP/2.0 200 OK\r\nCall-ID: x\r\n",                                   // no blank line
                OK.replace("SIP/2.0 200 OK", "SIP/2.0 2000 OK"),
                OK.replace("SIP/2.0 200 OK", "SIP/2.0 099 Early"),
                OK.replace("SIP/2.0 200 OK", "SIP/2.0 abc OK"),
                OK.replace("Call-ID: abc123@loadtool\r\n", ""),
                OK.replace("CSeq: 1 INVITE", "CSeq: one INVITE"),
                OK.replace("CSeq: 1 INVITE", "CSeq: 99999999999 INVITE"),
                OK.replace("CSeq: 1 INVITE", "CSeq: 1"),
                OK.replace("Content-Length: " + ANSWER.length(), "Content-Length: 999"),
                OK.replace("Content-Length: " + ANSWER.length(), "Content-Length: -1"),
                OK.replace("Content-Length: " + ANSWER.length(), "Content-Length: x"),
                OK.replace("Contact: <", " folded-continuation <"),
                OK.replace("Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKaaa;rport=40000;received=127.0.0.1\r\n", ""),
                "invite sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n",
                "INVITE sip:a@b SIP/3.0\r\nCall-ID: x\r\n\r\n",
        }) {
            byte[] b = bad.getBytes(StandardCharsets.UTF_8);
            assertNull(SipMessage.parse(b, 0, b.length), bad);
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random rnd = new Random(42);
        byte[] base = OK.getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = base.clone();
            int flips = 1 + rnd.nextInt(8);
            for (int k = 0; k < flips; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            int len = rnd.nextInt(b.length + 1);
            SipMessage m = SipMessage.parse(b, 0, len); // null or a message, never an exception
            if (m != null) {
                m.toTag();
                m.contactUri();
                SipMessage.Sdp.parse(m.body);
            }
        }
        byte[] junk = new byte[1500];
        for (int round = 0; round < 2_000; round++) {
            rnd.nextBytes(junk);
            assertNull(SipMessage.parse(junk, 0, junk.length));
        }
        assertNull(SipMessage.parse(new byte[70_000], 0, 70_000), "over the UDP limit");
    }

    @Test
    void sdpWithoutAudioOrAddressIsNoAnswer() {
        assertNull(SipMessage.Sdp.parse(null));
        assertNull(SipMessage.Sdp.parse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 5000 RTP/AVP 96\r\n"));
        assertNull(SipMessage.Sdp.parse("v=0\r\nm=audio 5000 RTP/AVP 0\r\n"));
        assertNull(SipMessage.Sdp.parse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 70000 RTP/AVP 0\r\n"));
        assertNull(SipMessage.Sdp.parse("v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5000 RTP/AVP zero\r\n"));
        SipMessage.Sdp media = SipMessage.Sdp.parse(
                "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 8 0\r\nc=IN IP4 127.0.0.2\r\na=sendonly\r\n");
        assertEquals("127.0.0.2", media.address(), "a media-level c= wins over the session's");
        assertEquals(List.of(8, 0), media.payloads());
        assertEquals("sendonly", media.direction());
    }
}
