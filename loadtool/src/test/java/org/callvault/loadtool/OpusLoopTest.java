package org.callvault.loadtool;

import io.github.jaredmdobson.concentus.OpusDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Opus frames of {@code --codec opus}: built once, looped, with version-2 headers. */
class OpusLoopTest {

    @Test
    void theMaskedOpusFrameCarriesKind1The48kHzTimestampAndTheLoopsPacket() {
        OpusLoop loop = OpusLoop.of(2000);
        byte[] scratch = new byte[8192];
        for (long seq : new long[] {0, 1, 24, 25, 26, 49, 50, 0xFFFF_FFFFL}) {
            byte[] packet = loop.packet(seq);
            ByteBuf ws = Unpooled.buffer();
            Frame.writeMaskedMediaFrame(ws, 0x5A5A1234, Frame.KIND_OPUS, seq, OpusLoop.timestamp(seq), packet, 0, packet.length, scratch);
            EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 65536));
            server.writeInbound(ws);
            BinaryWebSocketFrame f = server.readInbound();
            ByteBuf frame = f.content();
            assertTrue(Frame.looksValidOpus(frame), "seq " + seq);
            assertFalse(Frame.looksValid(frame), "not a PCM frame");
            assertEquals(1, frame.getByte(0), "version byte");
            assertEquals(Frame.KIND_OPUS, frame.getByte(1), "kind");
            assertEquals(0, frame.getShort(2), "reserved");
            assertEquals(seq, Frame.sequence(frame));
            assertEquals(seq * 960, Frame.timestamp(frame), "48 kHz samples, +960 per frame");
            assertArrayEquals(packet, ByteBufUtil.getBytes(frame, 16, frame.readableBytes() - 16));
            f.release();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void theLoopIs25PacketsOfHalfASecondAtAbout32kbits() {
        OpusLoop loop = OpusLoop.of(310);
        assertSame(loop, OpusLoop.of(310), "encoded once");
        for (int seq = 0; seq < 25; seq++) {
            assertSame(loop.packet(seq), loop.packet(seq + 25));
            assertSame(loop.packet(seq), loop.packet(seq + 25L * 1000));
            assertTrue(loop.packet(seq).length >= 1 && loop.packet(seq).length <= Frame.MAX_OPUS_PAYLOAD);
        }
        assertNotEquals(ByteBufUtil.hexDump(loop.packet(0)), ByteBufUtil.hexDump(loop.packet(1)));
        // 32 kbit/s is 80 bytes a packet; with the 16-byte header well under the 40 kbit/s goal
        double kbps = (loop.meanPacketBytes() + 16) * 8 / 20;
        assertTrue(kbps > 20 && kbps < 40, kbps + " kbit/s");
        assertThrows(IllegalArgumentException.class, () -> OpusLoop.of(311), "odd: 0.5 s is not whole periods");
    }

    @Test
    void theLoopedPacketsDecodeToTheToneAcrossTheLoopsSeam() throws Exception {
        OpusLoop loop = OpusLoop.of(2490);
        OpusDecoder dec = new OpusDecoder(48000, 1);
        short[] pcm = new short[960];
        double coeff = Goertzel.coefficient(2490, 48000);
        double min = 1;
        for (int seq = 0; seq < 100; seq++) {
            byte[] p = loop.packet(seq);
            assertEquals(960, dec.decode(p, 0, p.length, pcm, 0, 960, false));
            if (seq >= 2) { // the decoder's own start-up
                min = Math.min(min, Goertzel.blockRelative(pcm, 0, 1, 960, coeff));
            }
        }
        assertTrue(min > 0.9, "every frame, the seams at 25, 50, 75 too, is the tone: min share " + min);
    }

    @Test
    void opusFramesThatAreNotValidAreRecognised() {
        ByteBuf empty = Unpooled.buffer();
        empty.writeByte(1).writeByte(1).writeShort(0).writeInt(0).writeLong(0);
        assertFalse(Frame.looksValidOpus(empty), "no payload");
        ByteBuf pcm = Unpooled.buffer();
        Frame.writeHeader(pcm, 0, 0);
        pcm.writeZero(1764);
        assertFalse(Frame.looksValidOpus(pcm), "kind 0");
        ByteBuf big = Unpooled.buffer();
        big.writeByte(1).writeByte(1).writeShort(0).writeInt(0).writeLong(0).writeZero(1277);
        assertFalse(Frame.looksValidOpus(big), "over 1276 bytes");
        ByteBuf odd = Unpooled.buffer();
        odd.writeByte(1).writeByte(1).writeShort(0).writeInt(0).writeLong(0).writeZero(3);
        assertTrue(Frame.looksValidOpus(odd), "an odd length is fine for Opus");
    }
}
