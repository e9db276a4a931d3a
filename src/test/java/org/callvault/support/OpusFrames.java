package org.callvault.support;

import java.util.ArrayList;
import java.util.List;

import org.callvault.media.MediaFrame;
import org.callvault.media.ToneGenerator;
import org.callvault.media.codec.AudioDecoder;
import org.callvault.media.codec.AudioEncoder;
import org.callvault.media.codec.OpusCodec;
import org.callvault.media.codec.OpusWire;

/** A version-2 client's Opus frames, made and read with the real codec (as a browser's WebCodecs would). */
public final class OpusFrames {

    private OpusFrames() {
    }

    /** {@code count} frames: {@code silentFrames} of silence, then a tone at 48 kHz, encoded at 32 kbit/s. */
    public static List<byte[]> tone(double frequency, double amplitude, int count, int silentFrames) {
        ToneGenerator tone = new ToneGenerator(OpusWire.SAMPLE_RATE, frequency, amplitude);
        AudioEncoder encoder = OpusCodec.newEncoder(32_000);
        List<byte[]> frames = new ArrayList<>();
        byte[] packet = new byte[OpusCodec.MAX_PACKET];
        for (int f = 0; f < count; f++) {
            short[] pcm = f < silentFrames ? new short[960] : tone.generate(960L * f, 960);
            int bytes = encoder.encode(pcm, 0, 960, packet, 0);
            byte[] frame = new byte[MediaFrame.HEADER_BYTES + bytes];
            MediaFrame.writeHeader(frame, OpusWire.KIND_OPUS, f, 960L * f);
            System.arraycopy(packet, 0, frame, MediaFrame.HEADER_BYTES, bytes);
            frames.add(frame);
        }
        OpusCodec.release(encoder);
        return frames;
    }

    /** Received Opus frames decoded and placed by their timestamps (48 kHz); refuses any other kind. */
    public static short[] decode(List<byte[]> frames) {
        AudioDecoder decoder = OpusCodec.newDecoder();
        long last = frames.stream().mapToLong(MediaFrame::timestamp).max().orElse(0);
        short[] out = new short[(int) last + 960];
        short[] pcm = new short[OpusCodec.MAX_FRAME_SAMPLES];
        for (byte[] frame : frames) {
            if (!OpusWire.isOpus(frame)) {
                throw new AssertionError("kind " + frame[1] + " on an Opus socket");
            }
            int n = decoder.decode(frame, 16, frame.length - 16, pcm, 0);
            System.arraycopy(pcm, 0, out, (int) MediaFrame.timestamp(frame), n);
        }
        OpusCodec.release(decoder);
        return out;
    }
}
