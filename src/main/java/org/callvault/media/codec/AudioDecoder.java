package org.callvault.media.codec;

/**
 * One direction of a codec at a transport's edge: the payload of one RTP packet (or one browser
 * frame) in, PCM16 at the codec's own {@link #sampleRate()} out. The media core stays
 * codec-neutral: a leg decodes once, resamples to the bridge's rate, and nothing after it knows
 * which codec the audio came in. Stateful (ADPCM predictors, Opus's history): one decoder per
 * stream, used by one thread at a time.
 */
public interface AudioDecoder {

    /** The rate of the PCM this decoder produces (16,000 for G.722, 48,000 for Opus). */
    int sampleRate();

    /** The most samples one payload of {@code payloadLength} bytes can decode to: the output's size. */
    int maxSamples(int payloadLength);

    /**
     * Decodes one payload into {@code out} from {@code outOffset}.
     *
     * @return the number of samples written
     * @throws IllegalArgumentException when the payload is not valid for this codec (a corrupt Opus
     *                                  packet); the caller counts it and plays silence
     */
    int decode(byte[] payload, int offset, int length, short[] out, int outOffset);

    /** Forgets the stream's history (a new source, a resync): the next payload starts afresh. */
    void reset();
}
