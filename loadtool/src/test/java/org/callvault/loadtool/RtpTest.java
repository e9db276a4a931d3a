package org.callvault.loadtool;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtpTest {

    @Test
    void streamPacketsAreRtpWithTheToneInPcmu() {
        RtpStream s = new RtpStream(302, 0x12345678, 65534, 0xFFFF_FF00L);
        byte[] p = new byte[RtpStream.PACKET_BYTES];
        short[] pcm = new short[RtpStream.SAMPLES];
        for (long k = 0; k < 4; k++) {
            s.write(p, 0, k);
            assertEquals(0x80, p[0] & 0xFF, "version 2, no padding, extension or CSRC");
            assertEquals(k == 0 ? 0x80 : 0x00, p[1] & 0x80, "marker on the first packet only");
            assertEquals(Rtp.PCMU, p[1] & 0x7F);
            assertEquals((int) ((65534 + k) & 0xFFFF), Rtp.sequence(p), "sequence wraps at 16 bits");
            assertEquals((0xFFFF_FF00L + 160 * k) & 0xFFFF_FFFFL, Rtp.timestamp(p), "timestamp wraps at 32 bits");
            assertEquals(0x12345678, Rtp.ssrc(p));
            assertEquals(Rtp.HEADER_BYTES, Rtp.payloadOffset(p, p.length, Rtp.PCMU));
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = Ulaw.decode(p[Rtp.HEADER_BYTES + i]);
            }
            double share = Goertzel.blockRelative(pcm, 0, 1, pcm.length, Goertzel.coefficient(302, 8000));
            assertTrue(share > 0.95, "302 Hz holds " + share + " of packet " + k);
            assertTrue(Goertzel.blockRelative(pcm, 0, 1, pcm.length, Goertzel.coefficient(2000, 8000)) < 0.01);
        }
    }

    @Test
    void theToneRunsOnAcrossPackets() {
        // the phase of packet k's audio is k * 0.04 cycles: what MediaLeg reads lost packets from
        RtpStream s = new RtpStream(302, 1, 0, 0);
        byte[] p = new byte[RtpStream.PACKET_BYTES];
        s.write(p, 0, 0);
        double p0 = phase(p, 302);
        s.write(p, 0, 3);
        double p3 = phase(p, 302);
        double d = p3 - p0 - 3 * Tone.SIP_STEP_CYCLES;
        d -= Math.floor(d + 0.5);
        assertEquals(0, d, 0.01);
    }

    private static double phase(byte[] p, int f) {
        double c = 0;
        double sn = 0;
        for (int i = 0; i < RtpStream.SAMPLES; i++) {
            double x = Ulaw.decode(p[Rtp.HEADER_BYTES + i]);
            c += x * Math.cos(2 * Math.PI * f * i / 8000.0);
            sn += x * Math.sin(2 * Math.PI * f * i / 8000.0);
        }
        return Math.atan2(-sn, c) / (2 * Math.PI);
    }

    @Test
    void incomingPacketsAreCheckedBeforeUse() {
        byte[] p = new byte[12 + 160];
        Rtp.writeHeader(p, 0, false, 0, 7, 9, 3);
        assertEquals(12, Rtp.payloadOffset(p, p.length, 0));
        assertEquals(160, Rtp.payloadLength(p, p.length, 12));
        assertEquals(-1, Rtp.payloadOffset(p, 11, 0), "shorter than a header");
        assertEquals(-1, Rtp.payloadOffset(p, p.length, 8), "another payload type");
        byte[] rtcp = p.clone();
        rtcp[1] = (byte) 201; // RTCP receiver report: payload type 73 with the marker bit
        assertEquals(-1, Rtp.payloadOffset(rtcp, rtcp.length, 0));
        byte[] v1 = p.clone();
        v1[0] = 0x40;
        assertEquals(-1, Rtp.payloadOffset(v1, v1.length, 0), "version 1");
        byte[] csrc = p.clone();
        csrc[0] = (byte) 0x82; // two CSRCs
        assertEquals(20, Rtp.payloadOffset(csrc, csrc.length, 0));
        byte[] ext = p.clone();
        ext[0] = (byte) 0x90; // extension of 1 word after the fixed header
        ext[12 + 3] = 1;
        assertEquals(12 + 4 + 4, Rtp.payloadOffset(ext, ext.length, 0));
        byte[] extTooLong = ext.clone();
        extTooLong[12 + 2] = (byte) 0xFF;
        assertEquals(-1, Rtp.payloadOffset(extTooLong, extTooLong.length, 0));
        byte[] padded = p.clone();
        padded[0] = (byte) 0xA0;
        padded[padded.length - 1] = 4;
        assertEquals(156, Rtp.payloadLength(padded, padded.length, Rtp.payloadOffset(padded, padded.length, 0)));
        byte[] badPad = p.clone();
        badPad[0] = (byte) 0xA0;
        badPad[badPad.length - 1] = (byte) 200;
        assertEquals(-1, Rtp.payloadOffset(badPad, badPad.length, 0), "padding longer than the payload");
    }

    @Test
    void sequenceNumbersAreExtendedAcrossTheWrap() {
        Rtp.SequenceExtender x = new Rtp.SequenceExtender();
        long a = x.extend(65534);
        assertEquals(a + 1, x.extend(65535));
        assertEquals(a + 2, x.extend(0));
        assertEquals(a + 3, x.extend(1));
        assertEquals(a + 1, x.extend(65535), "a late packet from before the wrap stays behind");
        assertEquals(a + 10, x.extend(8));
        Rtp.SequenceExtender y = new Rtp.SequenceExtender();
        long b = y.extend(3);
        assertEquals(b - 4, y.extend(65535), "a late packet from before the first one");
        assertTrue(b - 4 > 0);
    }

    @Test
    void ulawMatchesG711() {
        assertEquals((byte) 0xFF, Ulaw.encode((short) 0));
        assertEquals(0, Ulaw.decode((byte) 0xFF));
        assertEquals((byte) 0x80, Ulaw.encode(Short.MAX_VALUE));
        assertEquals(32124, Ulaw.decode((byte) 0x80));
        assertEquals(-32124, Ulaw.decode((byte) 0x00));
        assertEquals(Ulaw.encode((short) 32635), Ulaw.encode(Short.MAX_VALUE), "clipped");
        // every code decodes to a value that encodes back to it (0x7F is -0, same as 0xFF)
        for (int c = 0; c < 256; c++) {
            if (c == 0x7F) {
                continue;
            }
            assertEquals((byte) c, Ulaw.encode(Ulaw.decode((byte) c)), "code " + c);
        }
        // quantization error within one step of the input's segment (8 << segment, 16-bit scale)
        for (int v = -32768; v <= 32767; v += 7) {
            int back = Ulaw.decode(Ulaw.encode((short) v));
            int mag = Math.min(Math.abs(v), 32635);
            int segment = Math.max(0, 31 - Integer.numberOfLeadingZeros(mag + 0x84) - 7);
            int step = 8 << segment;
            assertTrue(Math.abs(Math.max(-32635, Math.min(32635, v)) - back) <= step, v + " -> " + back);
        }
    }
}
