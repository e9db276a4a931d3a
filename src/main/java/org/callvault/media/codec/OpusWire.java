package org.callvault.media.codec;

import org.callvault.media.AudioFormat;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.Resampler;

/**
 * Opus on the browser wire (docs/protocol.md, version 2): the same 16-byte header as a PCM frame,
 * kind {@link #KIND_OPUS}, the media timestamp counted in 48 kHz samples, and one Opus packet of
 * 20 ms as the payload. Two edges, one per direction, so that the bridge carries the call's
 * canonical PCM wherever a side needs it and never learns which transport a leg used:
 * <ul>
 * <li>{@link Inbound}: a talker's Opus frame is decoded at most once, into a canonical PCM frame,
 * and only when someone needs PCM (a PCM listener, a recording of PCM:
 * {@link org.callvault.media.Bridge#needsPcm}); the bridge relays the original Opus frame to an Opus
 * listener and the decoded one to anyone else. An undecoded frame is checked by {@link #checkPacket}.</li>
 * <li>{@link Outbound}: an Opus listener's sink. An Opus frame passes through byte for byte;
 * a PCM frame (a PCM browser, a SIP leg) is resampled to 48 kHz and encoded once.</li>
 * </ul>
 */
public final class OpusWire {

    public static final int KIND_OPUS = 1;
    public static final int SAMPLE_RATE = OpusCodec.SAMPLE_RATE;
    public static final int FRAME_MILLIS = 20;
    public static final int SAMPLES_PER_FRAME = SAMPLE_RATE * FRAME_MILLIS / 1000;
    /** One 20 ms Opus frame is at most 1,275 bytes plus its TOC byte (RFC 6716 §3.2.1, code 0). */
    public static final int MAX_PAYLOAD = 1_276;
    public static final int MAX_FRAME_BYTES = MediaFrame.HEADER_BYTES + MAX_PAYLOAD;
    /** What the policer charges for one Opus frame: its 20 ms, whatever its size in bytes. */
    public static final long FRAME_NANOS = FRAME_MILLIS * 1_000_000L;
    /** What the server encodes at towards an Opus listener unless told otherwise: clean speech, ~40 kbit/s with headers. */
    public static final int BITRATE = 32_000;
    /** The bit rates a leg may be asked for: Opus's useful range for mono speech. */
    public static final int MIN_BITRATE = 6_000;
    public static final int MAX_BITRATE = 128_000;

    private OpusWire() {
    }

    /** Opus on the wire needs a call format of 20 ms frames (one Opus packet per frame). */
    public static boolean supports(AudioFormat format) {
        return format.frameMillis() == FRAME_MILLIS;
    }

    public static boolean isOpus(byte[] frame) {
        return frame.length > 1 && frame[1] == KIND_OPUS;
    }

    /** Why an Opus frame must be rejected before it is decoded, or {@code null}. A few byte reads. */
    public static String validate(byte[] frame) {
        if (frame.length >= 2 && frame[0] != MediaFrame.VERSION) {
            return "unsupported version " + (frame[0] & 0xff);
        }
        if (frame.length >= 2 && frame[1] != KIND_OPUS) {
            return "kind " + (frame[1] & 0xff) + " on a media socket negotiated for opus (kind " + KIND_OPUS + ")";
        }
        if (frame.length <= MediaFrame.HEADER_BYTES) {
            return "frame of " + frame.length + " bytes has an empty Opus payload";
        }
        if (frame.length > MAX_FRAME_BYTES) {
            return "Opus payload of " + (frame.length - MediaFrame.HEADER_BYTES) + " bytes is over the limit of "
                    + MAX_PAYLOAD;
        }
        return null;
    }

    /**
     * Why an Opus frame that passed {@link #validate} must still be refused when nobody decodes it
     * (an Opus listener and a recording of Opus packets): its packet's framing is broken, or it is
     * not 20 ms. What is relayed or stored without decoding is checked as far as it can be without
     * decoding, so a hostile talker cannot put into a recording what a player would choke on.
     */
    public static String checkPacket(byte[] frame) {
        try {
            int micros = OpusMultistream.packetMicros(frame, MediaFrame.HEADER_BYTES, frame.length - MediaFrame.HEADER_BYTES);
            return micros == FRAME_MILLIS * 1000 ? null
                    : "Opus packet of " + micros / 1000.0 + " ms; frames carry " + FRAME_MILLIS + " ms";
        }
        catch (IllegalArgumentException e) {
            return "undecodable Opus packet: " + e.getMessage();
        }
    }

    /** 48 kHz timestamp to the call's rate; exact for whole 20 ms frames (960 to 882). */
    static long toCallRate(long timestamp48k, int callRate) {
        return Math.floorDiv(timestamp48k * callRate, SAMPLE_RATE);
    }

    static long toOpusRate(long timestampCall, int callRate) {
        return Math.floorDiv(timestampCall * SAMPLE_RATE, callRate);
    }

    /**
     * A talker's Opus edge: decodes each frame once into a canonical PCM frame. Used by the one
     * thread that reads the talker's socket; {@link #close()} frees the decoder's native state (a
     * frame being decoded at that moment yields nothing, never freed memory).
     */
    public static final class Inbound implements AutoCloseable {

        private final AudioDecoder decoder = OpusCodec.newDecoder();
        private final Resampler resampler;
        private final int callRate;
        private final short[] decoded = new short[OpusCodec.MAX_FRAME_SAMPLES];
        private final short[] resampled;

        public Inbound(AudioFormat format) {
            this.callRate = format.sampleRate();
            this.resampler = callRate == SAMPLE_RATE ? null : new Resampler(SAMPLE_RATE, callRate);
            this.resampled = new short[resampler == null ? SAMPLES_PER_FRAME : resampler.maxOutputLength(SAMPLES_PER_FRAME)];
        }

        /**
         * The canonical PCM frame (same sequence, timestamp at the call's rate) of a frame that
         * passed {@link OpusWire#validate}.
         *
         * @throws IllegalArgumentException the packet does not decode, or not to 20 ms
         */
        public byte[] decode(byte[] frame) {
            int samples = decoder.decode(frame, MediaFrame.HEADER_BYTES, frame.length - MediaFrame.HEADER_BYTES, decoded, 0);
            if (samples != SAMPLES_PER_FRAME) {
                if (samples == 0) {
                    return null; // closed under this frame: the leg is gone
                }
                throw new IllegalArgumentException("Opus packet of " + samples * 1000 / SAMPLE_RATE
                        + " ms; frames carry 20 ms");
            }
            short[] pcm = decoded;
            int count = samples;
            if (resampler != null) {
                count = resampler.process(decoded, 0, samples, resampled, 0);
                pcm = resampled;
            }
            byte[] out = new byte[MediaFrame.HEADER_BYTES + 2 * count];
            MediaFrame.writeHeader(out, MediaFrame.sequence(frame), toCallRate(MediaFrame.timestamp(frame), callRate));
            for (int i = 0, at = MediaFrame.HEADER_BYTES; i < count; i++, at += 2) {
                out[at] = (byte) pcm[i];
                out[at + 1] = (byte) (pcm[i] >> 8);
            }
            return out;
        }

        @Override
        public void close() {
            OpusCodec.release(decoder);
        }
    }

    /**
     * An Opus listener's sink in front of its socket's sink. Opus frames pass byte for byte; PCM
     * frames at the call's rate are resampled to 48 kHz, cut into 20 ms and encoded once. Runs on
     * whichever thread delivers the talker's frame, under this sink's lock (one talker: uncontended).
     */
    public static final class Outbound implements FrameSink {

        private final FrameSink socket;
        private final int callRate;
        private final Resampler resampler;
        private final short[] input;
        private final short[] resampled;
        /** 48 kHz samples waiting to make a whole 20 ms frame, from {@link #pendingStart}. */
        private final short[] pending;
        private final byte[] packet = new byte[OpusCodec.MAX_PACKET];
        private AudioEncoder encoder;
        private int pendingCount;
        private long pendingStart;
        private long sequence;
        private long encoded;
        private long relayed;

        public Outbound(FrameSink socket, AudioFormat format) {
            this(socket, format, BITRATE);
        }

        /** As above, encoding PCM at {@code bitrate} bits per second. */
        public Outbound(FrameSink socket, AudioFormat format, int bitrate) {
            if (bitrate < MIN_BITRATE || bitrate > MAX_BITRATE) {
                throw new IllegalArgumentException("Opus bit rate " + bitrate + " is outside " + MIN_BITRATE + ".." + MAX_BITRATE);
            }
            this.encoder = OpusCodec.newEncoder(bitrate);
            this.socket = socket;
            this.callRate = format.sampleRate();
            this.resampler = callRate == SAMPLE_RATE ? null : new Resampler(callRate, SAMPLE_RATE);
            int largest = (MediaFrame.maxFrameBytes(format) - MediaFrame.HEADER_BYTES) / 2;
            this.input = new short[largest];
            this.resampled = new short[resampler == null ? largest : resampler.maxOutputLength(largest)];
            this.pending = new short[resampled.length + SAMPLES_PER_FRAME];
        }

        @Override
        public void offer(byte[] frame) {
            offer(frame, frame);
        }

        /** Opus frames pass through: a talker speaking Opus need not decode for this listener. */
        @Override
        public boolean takesOpus() {
            return true;
        }

        @Override
        public synchronized void offer(byte[] wire, byte[] pcm) {
            if (encoder == null) {
                return; // released: the socket is gone
            }
            if (isOpus(wire)) {
                relayed++;
                socket.offer(wire);
                return;
            }
            encodePcm(pcm);
        }

        private void encodePcm(byte[] frame) {
            int samples = Math.min(MediaFrame.sampleCount(frame), input.length);
            readPcm(frame, input, samples);
            short[] source = input;
            int count = samples;
            if (resampler != null) {
                count = resampler.process(input, 0, samples, resampled, 0);
                source = resampled;
            }
            long start = toOpusRate(MediaFrame.timestamp(frame), callRate);
            if (pendingCount > 0 && start != pendingStart + pendingCount) {
                pendingCount = 0; // a gap or a jump: the partial frame before it is not worth a packet
            }
            if (pendingCount == 0) {
                pendingStart = start;
            }
            System.arraycopy(source, 0, pending, pendingCount, count);
            pendingCount += count;
            int at = 0;
            while (pendingCount - at >= SAMPLES_PER_FRAME) {
                int bytes = encoder.encode(pending, at, SAMPLES_PER_FRAME, packet, 0);
                if (bytes > 0) {
                    byte[] out = new byte[MediaFrame.HEADER_BYTES + bytes];
                    MediaFrame.writeHeader(out, KIND_OPUS, sequence++, pendingStart + at);
                    System.arraycopy(packet, 0, out, MediaFrame.HEADER_BYTES, bytes);
                    encoded++;
                    socket.offer(out);
                }
                at += SAMPLES_PER_FRAME;
            }
            if (at > 0) {
                System.arraycopy(pending, at, pending, 0, pendingCount - at);
                pendingCount -= at;
                pendingStart += at;
            }
        }

        private static void readPcm(byte[] frame, short[] into, int samples) {
            for (int i = 0, at = MediaFrame.HEADER_BYTES; i < samples; i++, at += 2) {
                into[i] = (short) ((frame[at] & 0xff) | (frame[at + 1] << 8));
            }
        }

        /** Frames relayed as they came (Opus to Opus). */
        public synchronized long relayed() {
            return relayed;
        }

        /** Frames this sink encoded from PCM. */
        public synchronized long encoded() {
            return encoded;
        }

        /** Frees the encoder's native state; later frames are dropped. The socket's sink stays open. */
        public synchronized void release() {
            if (encoder != null) {
                OpusCodec.release(encoder);
                encoder = null;
            }
        }

        @Override
        public void close() {
            release();
            socket.close();
        }
    }
}
