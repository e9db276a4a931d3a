package org.callvault.media.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.callvault.media.AudioFormat;
import org.callvault.media.FrameSink;
import org.callvault.media.MediaFrame;
import org.callvault.media.ToneGenerator;
import org.callvault.support.ToneQuality;
import org.junit.jupiter.api.Test;

/** The two Opus edges of the browser wire, with the real codec (libopus here, else Concentus). */
class OpusWireTest {

    static final AudioFormat CALL = AudioFormat.DEFAULT;

    static final class Collecting implements FrameSink {
        final List<byte[]> frames = new ArrayList<>();
        boolean closed;

        @Override
        public void offer(byte[] frame) {
            frames.add(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static byte[] pcmFrame(long sequence, long timestamp, short[] samples) {
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * samples.length];
        MediaFrame.writeHeader(frame, sequence, timestamp);
        for (int i = 0; i < samples.length; i++) {
            frame[16 + 2 * i] = (byte) samples[i];
            frame[17 + 2 * i] = (byte) (samples[i] >> 8);
        }
        return frame;
    }

    static short[] pcmOf(byte[] frame) {
        short[] out = new short[MediaFrame.sampleCount(frame)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) ((frame[16 + 2 * i] & 0xff) | (frame[17 + 2 * i] << 8));
        }
        return out;
    }

    @Test
    void anOpusFrameIsRelayedAsItCameAndPcmIsEncodedOnce() {
        Collecting socket = new Collecting();
        OpusWire.Outbound out = new OpusWire.Outbound(socket, CALL);
        byte[] opus = new byte[MediaFrame.HEADER_BYTES + 40];
        MediaFrame.writeHeader(opus, OpusWire.KIND_OPUS, 7, 960 * 7);
        byte[] decoded = pcmFrame(7, 882 * 7, new short[882]);
        out.offer(opus, decoded);
        assertThat(socket.frames).containsExactly(opus); // the same array: not decoded, not copied
        out.offer(pcmFrame(0, 882 * 8, new short[882]));
        assertThat(socket.frames).hasSize(2);
        byte[] encoded = socket.frames.get(1);
        assertThat(OpusWire.isOpus(encoded)).isTrue();
        assertThat(MediaFrame.timestamp(encoded)).isEqualTo(960 * 8);
        assertThat(out.relayed()).isEqualTo(1);
        assertThat(out.encoded()).isEqualTo(1);
        out.close();
        assertThat(socket.closed).isTrue();
        out.offer(opus, decoded);
        assertThat(socket.frames).hasSize(2); // released: nothing more goes out
    }

    /** PCM at 44.1 kHz → Opus towards a listener → decoded back by an Opus talker's edge: one codec pass. */
    @Test
    void aToneThroughEncodeAndDecodeKeepsFrequencyLevelAndTime() {
        Collecting socket = new Collecting();
        OpusWire.Outbound out = new OpusWire.Outbound(socket, CALL);
        double amplitude = 8000;
        ToneGenerator tone = new ToneGenerator(CALL.sampleRate(), 1000, amplitude);
        int frames = 100;
        int silentFrames = 20;
        for (int f = 0; f < frames; f++) {
            short[] samples = f < silentFrames ? new short[882] : tone.generate(882L * f, 882);
            out.offer(pcmFrame(f, 882L * f, samples));
        }
        assertThat(socket.frames).hasSize(frames);
        short[] back = new short[882 * frames];
        try (OpusWire.Inbound in = new OpusWire.Inbound(CALL)) {
            for (byte[] opus : socket.frames) {
                assertThat(OpusWire.validate(opus)).isNull();
                byte[] pcm = in.decode(opus);
                long at = MediaFrame.timestamp(pcm);
                System.arraycopy(pcmOf(pcm), 0, back, (int) at, 882);
            }
        }
        ToneQuality quality = ToneQuality.measure(back, 882 * 40, 882 * 50, 1000, CALL.sampleRate());
        assertThat(quality.levelDbAgainst(amplitude)).isBetween(-1.0, 1.0);
        assertThat(quality.snrDb()).isGreaterThanOrEqualTo(25);
        int onset = 0;
        while (Math.abs(back[onset]) < amplitude / 2) {
            onset++;
        }
        // The tone started at frame 20; codec look-ahead and two resamplers delay it a few ms.
        double shiftMs = (onset - 882.0 * silentFrames) * 1000 / CALL.sampleRate();
        assertThat(shiftMs).isBetween(0.0, 20.0);
    }

    @Test
    void badOpusFramesAreRefusedWithAReason() {
        byte[] empty = new byte[MediaFrame.HEADER_BYTES];
        MediaFrame.writeHeader(empty, OpusWire.KIND_OPUS, 0, 0);
        assertThat(OpusWire.validate(empty)).contains("empty");
        byte[] huge = new byte[OpusWire.MAX_FRAME_BYTES + 1];
        MediaFrame.writeHeader(huge, OpusWire.KIND_OPUS, 0, 0);
        assertThat(OpusWire.validate(huge)).contains("over the limit");
        byte[] pcm = pcmFrame(0, 0, new short[882]);
        assertThat(OpusWire.validate(pcm)).contains("kind 0");
        // TOC code 3 with a frame count of 0: no decoder takes it.
        byte[] broken = new byte[MediaFrame.HEADER_BYTES + 2];
        MediaFrame.writeHeader(broken, OpusWire.KIND_OPUS, 0, 0);
        broken[16] = 0x03;
        broken[17] = 0x00;
        try (OpusWire.Inbound in = new OpusWire.Inbound(CALL)) {
            assertThatThrownBy(() -> in.decode(broken)).isInstanceOf(IllegalArgumentException.class);
            // A well-formed 60 ms packet is not a 20 ms frame.
            AudioEncoder encoder = OpusCodec.newEncoder(32_000);
            byte[] packet = new byte[OpusCodec.MAX_PACKET];
            int bytes = encoder.encode(new short[2880], 0, 2880, packet, 0);
            OpusCodec.release(encoder);
            byte[] sixty = new byte[MediaFrame.HEADER_BYTES + bytes];
            MediaFrame.writeHeader(sixty, OpusWire.KIND_OPUS, 0, 0);
            System.arraycopy(packet, 0, sixty, 16, bytes);
            assertThatThrownBy(() -> in.decode(sixty)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60 ms");
        }
    }

    @Test
    void anUndecodedPacketIsCheckedByItsFraming() {
        AudioEncoder encoder = OpusCodec.newEncoder(32_000);
        byte[] packet = new byte[OpusCodec.MAX_PACKET];
        int twenty = encoder.encode(new short[960], 0, 960, packet, 0);
        byte[] good = opusFrame(packet, twenty);
        int sixtyBytes = encoder.encode(new short[2880], 0, 2880, packet, 0);
        byte[] sixty = opusFrame(packet, sixtyBytes);
        OpusCodec.release(encoder);
        assertThat(OpusWire.checkPacket(good)).isNull();
        assertThat(OpusWire.checkPacket(sixty)).contains("60.0 ms");
        // Code 3 with no frame count, and code 1 (two equal frames) in an odd number of bytes.
        assertThat(OpusWire.checkPacket(opusFrame(new byte[] { 0x03 }, 1))).contains("undecodable");
        assertThat(OpusWire.checkPacket(opusFrame(new byte[] { 0x09, 1, 2, 3 }, 4))).contains("undecodable");
        // Two 10 ms CELT frames (code 1, config 30 = CELT FB 10 ms) make a valid 20 ms packet.
        assertThat(OpusWire.checkPacket(opusFrame(new byte[] { (byte) (30 << 3 | 1), 1, 2 }, 3))).isNull();
    }

    private static byte[] opusFrame(byte[] packet, int length) {
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + length];
        MediaFrame.writeHeader(frame, OpusWire.KIND_OPUS, 0, 0);
        System.arraycopy(packet, 0, frame, MediaFrame.HEADER_BYTES, length);
        return frame;
    }
}
