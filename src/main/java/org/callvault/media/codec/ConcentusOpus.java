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

        Decoder() {
            try {
                decoder = new io.github.jaredmdobson.concentus.OpusDecoder(OpusCodec.SAMPLE_RATE, 1);
            }
            catch (OpusException e) {
                throw new IllegalStateException("Concentus refused a 48 kHz mono decoder", e);
            }
        }

        @Override
        public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
            try {
                return decoder.decode(payload, offset, length, out, outOffset, out.length - outOffset, false);
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

        Encoder(int bitrate) {
            try {
                encoder = new io.github.jaredmdobson.concentus.OpusEncoder(OpusCodec.SAMPLE_RATE, 1,
                        OpusApplication.OPUS_APPLICATION_VOIP);
            }
            catch (OpusException e) {
                throw new IllegalStateException("Concentus refused a 48 kHz mono encoder", e);
            }
            encoder.setBitrate(bitrate);
            encoder.setSignalType(OpusSignal.OPUS_SIGNAL_VOICE);
            encoder.setComplexity(OpusCodec.COMPLEXITY);
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
