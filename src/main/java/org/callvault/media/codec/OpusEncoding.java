package org.callvault.media.codec;

/** What every Opus encoder here has in common: 48 kHz in, at most {@link OpusCodec#MAX_PACKET} out. */
abstract class OpusEncoding implements OpusCodec.Encoder {

    @Override
    public final int sampleRate() {
        return OpusCodec.SAMPLE_RATE;
    }

    @Override
    public final int maxPayload(int samples) {
        return OpusCodec.MAX_PACKET;
    }
}
