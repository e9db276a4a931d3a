package org.callvault.media.codec;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusException;
import io.github.jaredmdobson.concentus.OpusSignal;

/**
 * Opus through Concentus, a pure-Java port of libopus 1.1: always there, whatever the machine has
 * installed. Mono, 48 kHz (a stereo stream is down-mixed by the decoder).
 */
final class ConcentusOpus {

    private ConcentusOpus() {
    }

    static final class Decoder extends OpusDecoding {

        private final io.github.jaredmdobson.concentus.OpusDecoder decoder;
        private final int channels;

        Decoder() {
            this(1);
        }

        Decoder(int channels) {
            this.channels = channels;
            try {
                decoder = new io.github.jaredmdobson.concentus.OpusDecoder(OpusCodec.SAMPLE_RATE, channels);
            }
            catch (OpusException e) {
                throw new IllegalStateException("Concentus refused a 48 kHz " + channels + "-channel decoder", e);
            }
        }

        @Override
        public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
            try {
                return decoder.decode(payload, offset, length, out, outOffset, (out.length - outOffset) / channels,
                        false);
            }
            catch (OpusException | RuntimeException e) {
                throw new IllegalArgumentException("Not an Opus packet: " + e.getMessage(), e);
            }
        }

        @Override
        public void reset() {
            decoder.resetState();
        }
    }

    static final class Encoder extends OpusEncoding {

        private final io.github.jaredmdobson.concentus.OpusEncoder encoder;
        private final int channels;

        Encoder(int bitrate) {
            this(1, bitrate, OpusCodec.COMPLEXITY, false);
        }

        Encoder(int channels, int bitrate, int complexity, boolean superWidebandAtMost) {
            this.channels = channels;
            try {
                encoder = new io.github.jaredmdobson.concentus.OpusEncoder(OpusCodec.SAMPLE_RATE, channels,
                        OpusApplication.OPUS_APPLICATION_VOIP);
            }
            catch (OpusException e) {
                throw new IllegalStateException("Concentus refused a 48 kHz " + channels + "-channel encoder", e);
            }
            encoder.setBitrate(bitrate);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            encoder.setComplexity(complexity);
            encoder.setForceChannels(channels);
            if (superWidebandAtMost) {
                encoder.setMaxBandwidth(io.github.jaredmdobson.concentus.OpusBandwidth.OPUS_BANDWIDTH_SUPERWIDEBAND);
            }
        }

        @Override
        public int channels() {
            return channels;
        }

        @Override
        public int lookahead() {
            return encoder.getLookahead();
        }

        @Override
        public void reset() {
            encoder.resetState();
        }

        @Override
        public int encode(short[] pcm, int offset, int count, byte[] out, int outOffset) {
            try {
                return encoder.encode(pcm, offset, count, out, outOffset, out.length - outOffset);
            }
            catch (OpusException e) {
                throw new IllegalArgumentException("Opus cannot encode " + count + " samples: " + e.getMessage(), e);
            }
        }
    }
}
