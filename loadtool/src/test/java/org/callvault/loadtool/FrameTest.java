package org.callvault.loadtool;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameTest {

    @Test
    void headerMatchesTheExampleOfProtocolMd() {
        // "the third 20 ms frame at 44.1 kHz is 01 00 00 00 | 00 00 00 02 | 00 00 00 00 00 00 06 E4"
        ByteBuf b = Unpooled.buffer();
        Frame.writeHeader(b, 2, 2 * 882);
        assertEquals("0100000000000002" + "00000000000006e4", ByteBufUtil.hexDump(b));
        b.writeZero(1764);
        assertTrue(Frame.looksValid(b));
        assertEquals(2, Frame.sequence(b));
        assertEquals(1764, Frame.timestamp(b));
    }

    @Test
    void sequenceIsUnsigned32Bit() {
        ByteBuf b = Unpooled.buffer();
        Frame.writeHeader(b, 0xFFFF_FFFFL, Long.MAX_VALUE);
        b.writeZero(2);
        assertEquals(0xFFFF_FFFFL, Frame.sequence(b));
        assertEquals(Long.MAX_VALUE, Frame.timestamp(b));
        ByteBuf wrapped = Unpooled.buffer();
        Frame.writeHeader(wrapped, 1L << 32, 0); // wraps to 0
        assertEquals(0, Frame.sequence(wrapped));
    }

    @Test
    void malformedFramesAreRecognised() {
        assertFalse(Frame.looksValid(Unpooled.wrappedBuffer(new byte[16])), "no payload");
        ByteBuf odd = Unpooled.buffer();
        Frame.writeHeader(odd, 0, 0);
        odd.writeZero(3);
        assertFalse(Frame.looksValid(odd), "odd payload");
        ByteBuf v2 = Unpooled.buffer();
        v2.writeByte(2).writeByte(0).writeShort(0).writeInt(0).writeLong(0).writeZero(2);
        assertFalse(Frame.looksValid(v2), "version 2");
        ByteBuf kind = Unpooled.buffer();
        kind.writeByte(1).writeByte(1).writeShort(0).writeInt(0).writeLong(0).writeZero(2);
        assertFalse(Frame.looksValid(kind), "kind 1");
    }

    @Test
    void maskedWebSocketFrameDecodesToTheMediaFrame() {
        byte[] pcm = new byte[4000];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (byte) (i * 7 + 3);
        }
        byte[] scratch = new byte[8192];
        int[] lengths = {1764, 1763, 1762, 1761, 10, 2, 100, 109, 110, 3000};
        int[] masks = {0, -1, 0x12345678, 0x80000001, 0x7F00FF00};
        for (int len : lengths) {
            for (int mask : masks) {
                int offset = 13;
                ByteBuf ws = Unpooled.buffer();
                Frame.writeMaskedMediaFrame(ws, mask, 77, 77 * 882L, pcm, offset, len, scratch);
                assertEquals(Frame.wsFrameSize(16 + len), ws.readableBytes());
                EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(true, false, 65536));
                server.writeInbound(ws);
                BinaryWebSocketFrame f = server.readInbound();
                ByteBuf expected = Unpooled.buffer();
                Frame.writeHeader(expected, 77, 77 * 882L);
                expected.writeBytes(pcm, offset, len);
                assertArrayEquals(ByteBufUtil.getBytes(expected), ByteBufUtil.getBytes(f.content()),
                        "length " + len + " mask " + Integer.toHexString(mask));
                f.release();
                server.finishAndReleaseAll();
            }
        }
    }
}
