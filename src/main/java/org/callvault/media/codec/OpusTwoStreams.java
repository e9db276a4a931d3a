package org.callvault.media.codec;

/**
 * Stereo as two mono Opus streams, one per channel, in {@link OpusMultistream} packets (RFC 7845
 * channel mapping family 1, two streams, none coupled): a recording's two parties stay apart. One
 * stereo stream codes the channels jointly and lets each party bleed into the other's channel
 * (about 12 dB apart at 30 kbit/s with libopus; Concentus folds them to mono); two mono encoders
 * cannot. Made of the mono encoders and decoders of either implementation.
 */
final class OpusTwoStreams {

    private OpusTwoStreams() {
    }

    /** Interleaved stereo in, one multistream packet out; half the bit rate to each channel's encoder. */
    static final class Encoder extends OpusEncoding implements AutoCloseable {

        private final OpusCodec.Encoder[] encoders = new OpusCodec.Encoder[2];
        private final short[] channel = new short[OpusCodec.MAX_FRAME_SAMPLES];
        private final byte[][] packets = {new byte[OpusCodec.MAX_PACKET], new byte[OpusCodec.MAX_PACKET]};

        Encoder(OpusCodec.Implementation implementation, int bitrate, int complexity) {
            for (int c = 0; c < 2; c++) {
                try {
                    encoders[c] = OpusCodec.newEncoder(implementation, 1, bitrate / 2, complexity);
                }
                catch (RuntimeException e) {
                    close();
                    throw e;
                }
            }
        }

        @Override
        public int channels() {
            return 2;
        }

        /** The mono encoders' lookahead: both are alike, so both streams decode aligned. */
        @Override
        public int lookahead() {
            return encoders[0].lookahead();
        }

        @Override
        public void reset() {
            encoders[0].reset();
            encoders[1].reset();
        }

        @Override
        public int encode(short[] pcm, int offset, int count, byte[] out, int outOffset) {
            if (count <= 0 || count > OpusCodec.MAX_FRAME_SAMPLES) {
                throw new IllegalArgumentException("Opus cannot encode " + count + " samples (one frame, up to 120 ms)");
            }
            int left = encodeChannel(0, pcm, offset, count);
            int right = encodeChannel(1, pcm, offset, count);
            return OpusMultistream.assemble(packets[0], 0, left, packets[1], 0, right, out, outOffset);
        }

        private int encodeChannel(int c, short[] pcm, int offset, int count) {
            for (int i = 0; i < count; i++) {
                channel[i] = pcm[offset + 2 * i + c];
            }
            return encoders[c].encode(channel, 0, count, packets[c], 0);
        }

        @Override
        public void close() {
            OpusCodec.release(encoders[0]);
            OpusCodec.release(encoders[1]);
        }
    }

    /** One multistream packet in, interleaved stereo out ({@code decode} returns samples per channel). */
    static final class Decoder extends OpusDecoding implements AutoCloseable {

        private final AudioDecoder[] decoders = new AudioDecoder[2];
        private final byte[] first = new byte[OpusCodec.MAX_PACKET];
        private final short[][] channels = {new short[OpusCodec.MAX_FRAME_SAMPLES], new short[OpusCodec.MAX_FRAME_SAMPLES]};

        Decoder(OpusCodec.Implementation implementation) {
            decoders[0] = OpusCodec.newDecoder(implementation);
            decoders[1] = OpusCodec.newDecoder(implementation);
        }

        @Override
        public int decode(byte[] payload, int offset, int length, short[] out, int outOffset) {
            int delimited = OpusMultistream.delimitedLength(payload, offset, length);
            int firstLength = OpusMultistream.undelimit(payload, offset, length, first, 0);
            int left = decoders[0].decode(first, 0, firstLength, channels[0], 0);
            int right = decoders[1].decode(payload, offset + delimited, length - delimited, channels[1], 0);
            if (left != right) {
                throw new IllegalArgumentException("Not a multistream Opus packet: its streams last " + left + " and "
                        + right + " samples");
            }
            if ((out.length - outOffset) / 2 < left) {
                throw new IllegalArgumentException("No room for " + left + " stereo samples");
            }
            for (int i = 0; i < left; i++) {
                out[outOffset + 2 * i] = channels[0][i];
                out[outOffset + 2 * i + 1] = channels[1][i];
            }
            return left;
        }

        @Override
        public void reset() {
            decoders[0].reset();
            decoders[1].reset();
        }

        @Override
        public void close() {
            OpusCodec.release(decoders[0]);
            OpusCodec.release(decoders[1]);
        }
    }
}
