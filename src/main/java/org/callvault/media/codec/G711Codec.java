package org.callvault.media.codec;

import org.callvault.media.G711;

/** {@link G711} behind the codec interfaces: stateless, one byte per 8 kHz sample both ways. */
final class G711Codec implements AudioDecoder, AudioEncoder {

    private final G711 law;

    G711Codec(G711 law) {
        this.law = law;
    }

    @Override
    public int sampleRate() {
        return 8_000;
    }

    @Override
    public int maxSamples(int payloadLength) {
        return payloadLength;
    }

    @Override
    public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
        law.decode(payload, offset, length, out, outOffset);
        return length;
    }

    @Override
    public void reset() {
        // no state
    }

    @Override
    public int maxPayload(int samples) {
        return samples;
    }

    @Override
    public int encode(short[] pcm, int offset, int count, byte[] out, int outOffset) {
        law.encode(pcm, offset, count, out, outOffset);
        return count;
    }
}
