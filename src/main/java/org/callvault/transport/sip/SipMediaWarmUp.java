package org.callvault.transport.sip;

import org.callvault.media.AudioFormat;
import org.callvault.media.MediaFrame;
import org.callvault.media.Pcm16;
import org.callvault.media.Resampler;
import org.callvault.media.codec.AudioCodec;
import org.callvault.media.codec.AudioDecoder;
import org.callvault.media.codec.AudioEncoder;
import org.callvault.transport.sip.rtp.JitterBuffer;
import org.callvault.transport.sip.rtp.RtpPacket;

/**
 * Runs a SIP leg's per-packet work (jitter buffer, G.711 and G.722 decoding and encoding, the
 * resamplers both ways, RTP headers) on a few seconds of a made-up stream when SIP starts, so that
 * the JIT has compiled it before the first calls. The RTP threads carry every SIP call, and cold
 * they fell behind at the start of a load (packets played late are lost to the listener), the
 * same cold start as the recorder's ({@code RecorderWarmUp}; docs/BENCHMARKS.md).
 */
final class SipMediaWarmUp {

    /** Packets per codec (20 s of audio), both directions. */
    static final int PACKETS = 1_000;

    private SipMediaWarmUp() {
    }

    /** @return per codec (PCMU, PCMA, G.722), the frames the jitter buffer played out decoded */
    static int[] run(AudioFormat format) {
        AudioCodec[] codecs = { AudioCodec.PCMU, AudioCodec.PCMA, AudioCodec.G722 };
        int[] decoded = new int[codecs.length];
        for (int i = 0; i < codecs.length; i++) {
            decoded[i] = exercise(codecs[i], format);
        }
        return decoded;
    }

    private static int exercise(AudioCodec codec, AudioFormat format) {
        AudioEncoder encoder = codec.newEncoder();
        AudioDecoder decoder = codec.newDecoder();
        Resampler down = new Resampler(format.sampleRate(), codec.sampleRate());
        Resampler up = new Resampler(codec.sampleRate(), format.sampleRate());
        JitterBuffer jitter = JitterBuffer.forClock(codec.rtpClockRate(), 1);
        JitterBuffer.Playout playout = new JitterBuffer.Playout(jitter);
        int wide = format.samplesPerFrame();
        short[] tone = new short[wide];
        for (int i = 0; i < wide; i++) {
            tone[i] = (short) (8_000 * Math.sin(2 * Math.PI * 1_000 * i / format.sampleRate()));
        }
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * wide];
        Pcm16.encode(tone, 0, wide, frame, MediaFrame.HEADER_BYTES);
        short[] wideIn = new short[wide];
        short[] narrow = new short[down.maxOutputLength(wide)];
        short[] codecIn = new short[codec.sampleRate() / 50];
        short[] wideOut = new short[up.maxOutputLength(codecIn.length)];
        byte[] packet = new byte[RtpPacket.HEADER_LENGTH + encoder.maxPayload(narrow.length)];
        int clockPerFrame = codec.rtpClockRate() / 50;
        long frameNanos = 20_000_000L;
        int decoded = 0;
        for (int k = 0; k < PACKETS; k++) {
            // What the bridge hands the leg, out as RTP (SipMediaLeg.offer) ...
            MediaFrame.writeHeader(frame, k, (long) k * wide);
            Pcm16.decode(frame, MediaFrame.HEADER_BYTES, 2 * wide, wideIn, 0);
            int samples = down.process(wideIn, 0, wide, narrow, 0);
            RtpPacket.writeHeader(packet, 0, false, 0, k & 0xFFFF, (long) k * clockPerFrame, 0x5eed);
            int payload = encoder.encode(narrow, 0, samples, packet, RtpPacket.HEADER_LENGTH);
            // ... and the same packet back in, through the jitter buffer (SipMediaLeg.tick).
            long now = k * frameNanos;
            jitter.offer(0, (long) k * clockPerFrame, packet, RtpPacket.HEADER_LENGTH, payload, now);
            if (jitter.tick(now, playout) == JitterBuffer.Status.AUDIO) {
                decoder.decode(playout.payload(), 0, playout.length(), codecIn, 0);
                decoded++;
            }
            int out = up.process(codecIn, 0, codecIn.length, wideOut, 0);
            byte[] toBridge = new byte[MediaFrame.HEADER_BYTES + 2 * out];
            Pcm16.encode(wideOut, 0, out, toBridge, MediaFrame.HEADER_BYTES);
            MediaFrame.writeHeader(toBridge, k, (long) k * wide);
        }
        return decoded;
    }
}
