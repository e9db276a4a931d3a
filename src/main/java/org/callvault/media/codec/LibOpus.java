package org.callvault.media.codec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * Opus through the system's libopus (Debian's {@code libopus0}) by JNA direct mapping: the
 * reference implementation, with its SIMD paths. Absent on a machine without the library:
 * {@link #AVAILABLE} says so and {@link OpusCodec} falls back to {@link ConcentusOpus}.
 */
final class LibOpus {

    private static final int OPUS_OK = 0;
    private static final int OPUS_APPLICATION_VOIP = 2048;
    private static final int OPUS_SET_BITRATE = 4002;
    private static final int OPUS_SET_COMPLEXITY = 4010;
    private static final int OPUS_SET_SIGNAL = 4024;
    private static final int OPUS_SIGNAL_VOICE = 3001;
    private static final int OPUS_RESET_STATE = 4028;
    private static final int OPUS_GET_LOOKAHEAD = 4027;
    private static final int OPUS_SET_FORCE_CHANNELS = 4022;
    private static final int OPUS_SET_MAX_BANDWIDTH = 4004;
    private static final int OPUS_BANDWIDTH_SUPERWIDEBAND = 1104;

    /** Whether libopus loaded; the reason it did not is in {@link #PROBLEM}. */
    static final boolean AVAILABLE;
    static final String PROBLEM;
    /** The variadic {@code opus_*_ctl} calls, which direct mapping cannot make. */
    private static final Controls CONTROLS;

    static {
        boolean loaded = false;
        String problem = null;
        Controls controls = null;
        try {
            NativeLibrary library = NativeLibrary.getInstance("opus");
            Native.register(LibOpus.class, library);
            controls = Native.load("opus", Controls.class);
            loaded = true;
        }
        catch (LinkageError | RuntimeException e) {
            // No libopus, or JNA's own stub cannot load here (a noexec temp folder): the pure-Java fallback.
            problem = String.valueOf(e.getMessage());
        }
        AVAILABLE = loaded;
        PROBLEM = problem;
        CONTROLS = controls;
    }

    private LibOpus() {
    }

    interface Controls extends Library {

        int opus_encoder_ctl(Pointer encoder, int request, Object... arguments);

        int opus_decoder_ctl(Pointer decoder, int request, Object... arguments);
    }

    private static native Pointer opus_decoder_create(int rate, int channels, IntByReference error);

    // Native buffers, not Java arrays: JNA copies a whole array across on every call, 11 KB for a
    // 120 ms PCM buffer, which cost more than the decoding itself.
    private static native int opus_decode(Pointer decoder, Pointer data, int length, Pointer pcm, int frameSize,
            int decodeFec);

    private static native void opus_decoder_destroy(Pointer decoder);

    private static native Pointer opus_encoder_create(int rate, int channels, int application, IntByReference error);

    private static native int opus_encode(Pointer encoder, Pointer pcm, int frameSize, Pointer data, int maxBytes);

    private static native void opus_encoder_destroy(Pointer encoder);

    /**
     * A decoder. Its native state is freed by {@link #close()}; one that is never closed leaks a
     * few kilobytes (the legs close theirs when they end).
     */
    static final class Decoder extends OpusDecoding implements AutoCloseable {

        private Pointer state;
        private final int channels;
        private final Memory in = new Memory(OpusCodec.MAX_PACKET);
        private final Memory pcm;

        Decoder() {
            this(1);
        }

        /** {@code channels} 2: interleaved stereo out (an Ogg Opus recording with one party per channel). */
        Decoder(int channels) {
            this.channels = channels;
            this.pcm = new Memory(2L * channels * OpusCodec.MAX_FRAME_SAMPLES);
            IntByReference error = new IntByReference();
            state = opus_decoder_create(OpusCodec.SAMPLE_RATE, channels, error);
            if (error.getValue() != OPUS_OK || state == null) {
                throw new IllegalStateException("libopus refused a 48 kHz " + channels + "-channel decoder: error "
                        + error.getValue());
            }
        }

        @Override
        public synchronized int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
            if (state == null) {
                return 0; // the stream ended under a packet being read: nothing to decode
            }
            if (length <= 0 || length > OpusCodec.MAX_PACKET) {
                throw new IllegalArgumentException("Opus packet of " + length + " bytes (1-" + OpusCodec.MAX_PACKET + ")");
            }
            in.write(0, payload, offset, length);
            int room = Math.min(OpusCodec.MAX_FRAME_SAMPLES, (out.length - outOffset) / channels);
            int samples = opus_decode(state, in, length, pcm, room, 0);
            if (samples < 0) {
                throw new IllegalArgumentException("Not an Opus packet: libopus error " + samples);
            }
            pcm.read(0, out, outOffset, samples * channels);
            return samples;
        }

        @Override
        public synchronized void reset() {
            if (state != null) {
                CONTROLS.opus_decoder_ctl(state, OPUS_RESET_STATE);
            }
        }

        @Override
        public synchronized void close() {
            if (state != null) {
                opus_decoder_destroy(state);
                state = null;
            }
        }
    }

    static final class Encoder extends OpusEncoding implements AutoCloseable {

        private Pointer state;
        private final int channels;
        private final int lookahead;
        private final Memory out = new Memory(OpusCodec.MAX_PACKET);
        private final Memory in;

        Encoder(int bitrate) {
            this(1, bitrate, OpusCodec.COMPLEXITY, false);
        }

        /**
         * {@code channels} 2 takes interleaved stereo (L R L R ...), {@code count} per channel;
         * {@code superWidebandAtMost} keeps the coded audio to 12 kHz (a recording's choice, {@link OpusCodec}).
         */
        Encoder(int channels, int bitrate, int complexity, boolean superWidebandAtMost) {
            this.channels = channels;
            this.in = new Memory(2L * channels * OpusCodec.MAX_FRAME_SAMPLES);
            IntByReference error = new IntByReference();
            state = opus_encoder_create(OpusCodec.SAMPLE_RATE, channels, OPUS_APPLICATION_VOIP, error);
            if (error.getValue() != OPUS_OK || state == null) {
                throw new IllegalStateException("libopus refused a 48 kHz " + channels + "-channel encoder: error "
                        + error.getValue());
            }
            CONTROLS.opus_encoder_ctl(state, OPUS_SET_BITRATE, bitrate);
            CONTROLS.opus_encoder_ctl(state, OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
            CONTROLS.opus_encoder_ctl(state, OPUS_SET_COMPLEXITY, complexity);
            CONTROLS.opus_encoder_ctl(state, OPUS_SET_FORCE_CHANNELS, channels);
            if (superWidebandAtMost) {
                CONTROLS.opus_encoder_ctl(state, OPUS_SET_MAX_BANDWIDTH, OPUS_BANDWIDTH_SUPERWIDEBAND);
            }
            IntByReference samples = new IntByReference();
            CONTROLS.opus_encoder_ctl(state, OPUS_GET_LOOKAHEAD, samples);
            this.lookahead = samples.getValue();
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public int lookahead() {
            return lookahead;
        }

        @Override
        public synchronized void reset() {
            if (state != null) {
                CONTROLS.opus_encoder_ctl(state, OPUS_RESET_STATE);
            }
        }

        @Override
        public synchronized int encode(short[] pcm, int offset, int count, byte[] data, int dataOffset) {
            if (state == null) {
                return 0; // the stream ended under a frame being sent
            }
            if (count <= 0 || count > OpusCodec.MAX_FRAME_SAMPLES) {
                throw new IllegalArgumentException("libopus cannot encode " + count + " samples (one frame, up to 120 ms)");
            }
            in.write(0, pcm, offset, count * channels);
            int bytes = opus_encode(state, in, count, out, (int) Math.min(out.size(), data.length - dataOffset));
            if (bytes < 0) {
                throw new IllegalArgumentException("libopus cannot encode " + count + " samples: error " + bytes);
            }
            out.read(0, data, dataOffset, bytes);
            return bytes;
        }

        @Override
        public synchronized void close() {
            if (state != null) {
                opus_encoder_destroy(state);
                state = null;
            }
        }
    }
}
