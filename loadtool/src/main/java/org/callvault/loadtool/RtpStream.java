package org.callvault.loadtool;

/**
 * The SIP phone's outgoing stream: packet {@code k} is 20 ms (160 samples) of a sine in PCMU, RTP
 * sequence {@code base + k} (16 bits) and timestamp {@code base + 160 k} (32 bits), marker on the
 * first packet. The tone runs on without a break from packet to packet, so its phase tells the
 * receiver which packet it hears (see {@link Tone#sipCallerFrequency}).
 */
final class RtpStream {

    static final int SAMPLES = 160;
    static final int PACKET_BYTES = Rtp.HEADER_BYTES + SAMPLES;

    private final byte[] tone;
    private final int tonePeriod;
    final int ssrc;
    final int sequenceBase;
    final long timestampBase;

    RtpStream(int frequency, int ssrc, int sequenceBase, long timestampBase) {
        Tone t = Tone.of(frequency, 8000, SAMPLES);
        this.tonePeriod = t.periodSamples;
        this.tone = new byte[t.periodSamples + SAMPLES];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = Ulaw.encode((short) ((t.pcm[2 * i] & 0xFF) | (t.pcm[2 * i + 1] << 8)));
        }
        this.ssrc = ssrc;
        this.sequenceBase = sequenceBase & 0xFFFF;
        this.timestampBase = timestampBase & 0xFFFF_FFFFL;
    }

    /** Writes packet {@code index} at {@code out[off..off + PACKET_BYTES)}. */
    void write(byte[] out, int off, long index) {
        Rtp.writeHeader(out, off, index == 0, Rtp.PCMU, (int) ((sequenceBase + index) & 0xFFFF),
                (timestampBase + index * SAMPLES) & 0xFFFF_FFFFL, ssrc);
        System.arraycopy(tone, (int) ((index * SAMPLES) % tonePeriod), out, off + Rtp.HEADER_BYTES, SAMPLES);
    }
}
