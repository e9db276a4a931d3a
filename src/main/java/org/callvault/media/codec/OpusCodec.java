package org.callvault.media.codec;

import java.util.Locale;

/**
 * Opus (RFC 6716) at the edges: mono at 48 kHz, whatever the stream's channels (RFC 7587 always
 * says {@code opus/48000/2}; a stereo stream is down-mixed, a recorder's channel is one
 * participant). Two implementations behind the same interfaces, chosen once per process:
 * libopus through JNA where the system has it ({@code libopus0}), else Concentus, pure Java; the
 * figures that chose this order are in docs/BENCHMARKS.md ("Opus: libopus against Concentus").
 * The system property {@code callvault.opus} ({@code auto}, {@code native}, {@code java}) forces one.
 */
public final class OpusCodec {

    /** Opus's own rate; RTP's clock for Opus is 48 kHz too (RFC 7587 §4.1). */
    public static final int SAMPLE_RATE = 48_000;
    /** The longest Opus packet lasts 120 ms (RFC 6716 §3.2.5). */
    public static final int MAX_FRAME_SAMPLES = SAMPLE_RATE * 120 / 1000;
    /** The largest packet an encoder here writes, and a decoder takes (RFC 6716 §3.4: 1275 per frame). */
    public static final int MAX_PACKET = 1_500;
    /** Encoder complexity: 5 of 10 keeps speech at 32 kbit/s clean for a fraction of 10's CPU. */
    static final int COMPLEXITY = 5;

    private static final Implementation CHOSEN = choose(System.getProperty("callvault.opus", "auto"));

    /** Which library does the work. */
    public enum Implementation {
        /** libopus via JNA. */
        NATIVE,
        /** Concentus, pure Java. */
        JAVA
    }

    private OpusCodec() {
    }

    static Implementation choose(String setting) {
        return switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "java" -> Implementation.JAVA;
            case "native" -> {
                if (!LibOpus.AVAILABLE) {
                    throw new IllegalStateException("callvault.opus=native but libopus did not load: " + LibOpus.PROBLEM);
                }
                yield Implementation.NATIVE;
            }
            case "auto" -> LibOpus.AVAILABLE ? Implementation.NATIVE : Implementation.JAVA;
            default -> throw new IllegalArgumentException("callvault.opus must be auto, native or java, not '" + setting + "'");
        };
    }

    /** The implementation this process uses. */
    public static Implementation implementation() {
        return CHOSEN;
    }

    /** Why libopus is not used, when it is not; null when it loaded. */
    public static String nativeProblem() {
        return LibOpus.PROBLEM;
    }

    public static AudioDecoder newDecoder() {
        return newDecoder(CHOSEN);
    }

    public static AudioDecoder newDecoder(Implementation implementation) {
        return implementation == Implementation.NATIVE ? new LibOpus.Decoder() : new ConcentusOpus.Decoder();
    }

    /** An encoder of 20 ms mono frames at {@code bitrate} bits per second (VoIP mode, voice). */
    public static AudioEncoder newEncoder(int bitrate) {
        return newEncoder(CHOSEN, bitrate);
    }

    public static AudioEncoder newEncoder(Implementation implementation, int bitrate) {
        if (bitrate < 6_000 || bitrate > 510_000) {
            throw new IllegalArgumentException("Opus bitrate must be 6000-510000 bit/s, not " + bitrate);
        }
        return implementation == Implementation.NATIVE ? new LibOpus.Encoder(bitrate) : new ConcentusOpus.Encoder(bitrate);
    }

    /**
     * An Opus encoder as a file needs it: its channel count and its lookahead (an Ogg Opus
     * stream's pre-skip, RFC 7845 §4.2).
     */
    public interface Encoder extends AudioEncoder {

        /** 1, or 2 for interleaved stereo; {@code count} in {@link #encode} is per channel. */
        int channels();

        /** Samples at 48 kHz by which the decoded audio lags what went in. */
        int lookahead();

        /**
         * Forgets the audio encoded so far, as a new encoder would (OPUS_RESET_STATE): after packets
         * that did not come from this encoder, its predictions would be wrong for the decoder.
         */
        void reset();
    }

    /**
     * The audio band a recording's encoder codes: super-wideband, 12 kHz. At the recordings' 15 to
     * 24 kbit/s per party libopus would otherwise go full band (20 kHz) and spend its bits above
     * what speech needs; and the resampler in front of the encoder may then let its passband end
     * here instead of at 20.4 kHz, a filter a sixth as long (docs/BENCHMARKS.md: resampling 44.1 to
     * 48 kHz was most of an Ogg recording's cost).
     */
    public static final int RECORDING_BANDWIDTH_HZ = 12_000;

    /**
     * An encoder of 20 ms frames for a recording: {@code channels} 1 or 2, {@code complexity}
     * 0..10 (the cost per frame; the recorder's choice is measured in docs/ARCHITECTURE.md), coding
     * at most {@link #RECORDING_BANDWIDTH_HZ}.
     */
    public static Encoder newEncoder(int channels, int bitrate, int complexity) {
        return newEncoder(CHOSEN, channels, bitrate, complexity);
    }

    /** As {@link #newEncoder(int, int, int)}, with the implementation chosen (the tests compare both). */
    public static Encoder newEncoder(Implementation implementation, int channels, int bitrate, int complexity) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("Opus channels must be 1 or 2, not " + channels);
        }
        if (bitrate < 6_000 || bitrate > 510_000) {
            throw new IllegalArgumentException("Opus bitrate must be 6000-510000 bit/s, not " + bitrate);
        }
        if (complexity < 0 || complexity > 10) {
            throw new IllegalArgumentException("Opus complexity must be 0-10, not " + complexity);
        }
        return implementation == Implementation.NATIVE ? new LibOpus.Encoder(channels, bitrate, complexity, true)
                : new ConcentusOpus.Encoder(channels, bitrate, complexity, true);
    }

    /**
     * A stereo encoder for a recording that keeps its channels apart: two mono streams, each at
     * half of {@code bitrate}, in the packets of RFC 7845 channel mapping family 1
     * ({@link OpusMultistream}). Interleaved stereo in, as {@link #newEncoder(int, int, int)} with 2 channels.
     */
    public static Encoder newTwoStreamEncoder(int bitrate, int complexity) {
        return newTwoStreamEncoder(CHOSEN, bitrate, complexity);
    }

    /** As {@link #newTwoStreamEncoder(int, int)}, with the implementation chosen. */
    public static Encoder newTwoStreamEncoder(Implementation implementation, int bitrate, int complexity) {
        if (bitrate < 12_000 || bitrate > 1_020_000) {
            throw new IllegalArgumentException("A two-stream Opus bitrate must be 12000-1020000 bit/s, not " + bitrate);
        }
        return new OpusTwoStreams.Encoder(implementation, bitrate, complexity);
    }

    /** A decoder of two-stream packets ({@link #newTwoStreamEncoder}): interleaved stereo out, samples per channel returned. */
    public static AudioDecoder newTwoStreamDecoder() {
        return newTwoStreamDecoder(CHOSEN);
    }

    public static AudioDecoder newTwoStreamDecoder(Implementation implementation) {
        return new OpusTwoStreams.Decoder(implementation);
    }

    /** A decoder of {@code channels} (1 or 2) channels, interleaved out; {@code decode} returns samples per channel. */
    public static AudioDecoder newDecoder(int channels) {
        if (channels != 1 && channels != 2) {
            throw new IllegalArgumentException("Opus channels must be 1 or 2, not " + channels);
        }
        return CHOSEN == Implementation.NATIVE ? new LibOpus.Decoder(channels) : new ConcentusOpus.Decoder(channels);
    }

    /** Frees a decoder's or encoder's native state, if it has one. */
    public static void release(Object codec) {
        if (codec instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            }
            catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
