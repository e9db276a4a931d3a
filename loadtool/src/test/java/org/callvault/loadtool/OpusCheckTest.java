package org.callvault.loadtool;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampled check of received Opus frames: 1 in 50 decoded, the talker's tone or not. */
class OpusCheckTest {

    private static ByteBuf frame(long seq, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(1).writeByte(Frame.KIND_OPUS).writeShort(0).writeInt((int) seq).writeLong(seq * 960);
        return b.writeBytes(payload);
    }

    @Test
    void oneFrameInFiftyIsSampled() {
        int n = 0;
        for (long seq = 0; seq < 5000; seq++) {
            if (OpusCheck.sampled(seq)) {
                n++;
            }
        }
        assertEquals(100, n);
        assertTrue(OpusCheck.sampled(49) && !OpusCheck.sampled(0) && !OpusCheck.sampled(50));
    }

    @Test
    void theTalkersPacketHoldsItsToneEveryOtherToneAndNoiseDoNot() {
        OpusCheck check = new OpusCheck();
        double minOwn = 1;
        double maxOther = 0;
        for (int call = 0; call < 50; call += 7) {
            OpusLoop caller = OpusLoop.of(Tone.callerFrequency(call));
            OpusLoop agent = OpusLoop.of(Tone.agentFrequency(call));
            for (long seq = 49; seq < 49 + 25 * 4; seq += 50) {
                ByteBuf f = frame(seq, caller.packet(seq));
                minOwn = Math.min(minOwn, check.toneShare(f, 16, f.readableBytes() - 16, caller));
                // the agent's own tone where the caller's is expected (legs swapped), and the reverse
                ByteBuf g = frame(seq, agent.packet(seq));
                maxOther = Math.max(maxOther, check.toneShare(g, 16, g.readableBytes() - 16, caller));
                maxOther = Math.max(maxOther, check.toneShare(f, 16, f.readableBytes() - 16, agent));
            }
        }
        System.out.println("OpusCheck share: own min " + minOwn + ", other max " + maxOther);
        assertTrue(minOwn >= 0.9, "the tone survives 32 kbit/s Opus: min share " + minOwn);
        assertTrue(minOwn >= OpusCheck.MIN_SHARE);
        assertTrue(maxOther < 0.1 && maxOther < OpusCheck.MIN_SHARE, "the other leg's tone: max share " + maxOther);
        // a packet that is not Opus audio of 20 ms: not the tone
        OpusLoop caller = OpusLoop.of(Tone.callerFrequency(0));
        byte[] noise = new byte[80];
        new java.util.Random(1).nextBytes(noise);
        noise[0] = (byte) 0xFC; // CELT FB 20 ms, one frame: decodes, but to noise
        ByteBuf n = frame(49, noise);
        assertTrue(check.toneShare(n, 16, 80, caller) < OpusCheck.MIN_SHARE, "noise");
        ByteBuf tenMs = frame(49, new byte[] {0x00, 0x00, 0x00}); // SILK NB 10 ms: not one 20 ms frame
        assertTrue(check.toneShare(tenMs, 16, 3, caller) < OpusCheck.MIN_SHARE, "10 ms packet");
    }

    @Test
    void atSixteenKilobitsEveryOwnPacketPassesItsBarAndTheOtherToneNever() {
        OpusCheck check = new OpusCheck();
        double minBar = 1;
        double maxOther = 0;
        for (int call = 0; call < 50; call += 7) {
            OpusLoop caller = OpusLoop.of(Tone.callerFrequency(call), 16_000);
            OpusLoop agent = OpusLoop.of(Tone.agentFrequency(call), 16_000);
            for (long seq = 0; seq < OpusLoop.FRAMES; seq++) {
                ByteBuf own = frame(seq, caller.packet(seq));
                ByteBuf other = frame(seq, agent.packet(seq));
                assertTrue(check.toneShare(own, 16, own.readableBytes() - 16, caller) >= caller.minShare(seq));
                double otherShare = check.toneShare(other, 16, other.readableBytes() - 16, caller);
                assertTrue(otherShare < caller.minShare(seq), "the agent's tone where the caller's is expected, packet " + seq);
                maxOther = Math.max(maxOther, otherShare);
                minBar = Math.min(minBar, caller.minShare(seq));
            }
        }
        System.out.println("OpusCheck at 16 kbit/s: lowest bar " + minBar + ", the other tone's highest share " + maxOther);
        assertTrue(minBar > 10 * maxOther, "the lowest bar " + minBar + " must stand well clear of the other tone's " + maxOther);
    }
}
