package org.callvault.media.codec;

import org.callvault.media.G711;

/**
 * The codecs CallVault converts at its edges, with what a transport needs to carry them: the RTP
 * clock (which is not always the audio's rate: G.722 samples at 16 kHz on an 8 kHz clock, RFC 3551
 * §4.5.2), the rate of the PCM the codec produces, and whether payload bytes map one to one onto
 * clock units (so a jitter buffer can cut and join payloads on frame boundaries) or come in whole
 * frames that must be decoded as sent (Opus).
 */
public enum AudioCodec {

    PCMU("PCMU/8000", 8_000, 8_000, true),
    PCMA("PCMA/8000", 8_000, 8_000, true),
    G722("G722/8000", 8_000, 16_000, true),
    OPUS("opus/48000/2", 48_000, 48_000, false);

    /** Opus towards a peer (issue 18's wire): 32 kbit/s mono speech. */
    public static final int OPUS_BITRATE = 32_000;

    private final String rtpmap;
    private final int rtpClockRate;
    private final int sampleRate;
    private final boolean byteAligned;

    AudioCodec(String rtpmap, int rtpClockRate, int sampleRate, boolean byteAligned) {
        this.rtpmap = rtpmap;
        this.rtpClockRate = rtpClockRate;
        this.sampleRate = sampleRate;
        this.byteAligned = byteAligned;
    }

    /** The SDP rtpmap value (RFC 3551, RFC 7587). */
    public String rtpmap() {
        return rtpmap;
    }

    /** RTP timestamp units per second. */
    public int rtpClockRate() {
        return rtpClockRate;
    }

    /** PCM samples per second in and out of this codec. */
    public int sampleRate() {
        return sampleRate;
    }

    /** One payload byte per RTP clock unit (G.711, G.722 at 64 kbit/s): payloads can be cut anywhere. */
    public boolean byteAligned() {
        return byteAligned;
    }

    public AudioDecoder newDecoder() {
        return switch (this) {
            case PCMU -> new G711Codec(G711.PCMU);
            case PCMA -> new G711Codec(G711.PCMA);
            case G722 -> new G722Decoder();
            case OPUS -> OpusCodec.newDecoder();
        };
    }

    public AudioEncoder newEncoder() {
        return switch (this) {
            case PCMU -> new G711Codec(G711.PCMU);
            case PCMA -> new G711Codec(G711.PCMA);
            case G722 -> new G722Encoder();
            case OPUS -> OpusCodec.newEncoder(OPUS_BITRATE);
        };
    }
}
