package org.callvault.media.codec;

/** What every Opus decoder here has in common: mono 48 kHz out, up to 120 ms per packet. */
abstract class OpusDecoding implements AudioDecoder {

    @Override
    public final int sampleRate() {
        return OpusCodec.SAMPLE_RATE;
    }

    @Override
    public final int maxSamples(int payloadLength) {
        return OpusCodec.MAX_FRAME_SAMPLES;
    }
}
