package org.callvault.media.codec;

/**
 * The other direction of {@link AudioDecoder}: PCM16 at the codec's {@link #sampleRate()} in, one
 * payload out. Stateful: one encoder per stream, used by one thread at a time.
 */
public interface AudioEncoder {

    /** The rate of the PCM this encoder takes. */
    int sampleRate();

    /** The largest payload {@code samples} samples can encode to: the output's size. */
    int maxPayload(int samples);

    /**
     * Encodes {@code count} samples (one frame: 20 ms for Opus) into {@code out} from {@code outOffset}.
     *
     * @return the payload's length in bytes
     */
    int encode(short[] pcm, int offset, int count, byte[] out, int outOffset);
}
