package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Pcm16Test {

    private static final byte[] KNOWN_BYTES = { 0x01, 0x00, (byte) 0xFF, 0x7F, 0x00, (byte) 0x80, (byte) 0xFF,
            (byte) 0xFF, 0x34, 0x12 };
    private static final short[] KNOWN_SAMPLES = { 1, 32767, -32768, -1, 0x1234 };

    @Test
    void decodesLittleEndianBytes() {
        assertThat(Pcm16.decode(KNOWN_BYTES, 0, KNOWN_BYTES.length)).containsExactly(KNOWN_SAMPLES);

        short[] dst = new short[4];
        int written = Pcm16.decode(KNOWN_BYTES, 2, 4, dst, 1);
        assertThat(written).isEqualTo(2);
        assertThat(dst).containsExactly(0, 32767, -32768, 0);
    }

    @Test
    void encodesLittleEndianBytes() {
        assertThat(Pcm16.encode(KNOWN_SAMPLES, 0, KNOWN_SAMPLES.length)).containsExactly(KNOWN_BYTES);
    }

    @Test
    void decodesFromAByteBufferWhateverItsOrderAndLeavesTheOrderAlone() {
        ByteBuffer bigEndian = ByteBuffer.wrap(KNOWN_BYTES).order(ByteOrder.BIG_ENDIAN);
        assertThat(Pcm16.decode(bigEndian)).containsExactly(KNOWN_SAMPLES);
        assertThat(bigEndian.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(bigEndian.hasRemaining()).isFalse();

        ByteBuffer direct = ByteBuffer.allocateDirect(KNOWN_BYTES.length).order(ByteOrder.LITTLE_ENDIAN);
        direct.put(KNOWN_BYTES).flip();
        assertThat(Pcm16.decode(direct)).containsExactly(KNOWN_SAMPLES);
    }

    @Test
    void byteBufferDecodeStopsAtAWholeSampleAndAtTheEndOfTheDestination() {
        ByteBuffer odd = ByteBuffer.wrap(KNOWN_BYTES, 0, 5);
        short[] dst = new short[8];
        assertThat(Pcm16.decode(odd, dst, 0)).isEqualTo(2);
        assertThat(odd.remaining()).as("the half sample stays for the next read").isEqualTo(1);

        ByteBuffer full = ByteBuffer.wrap(KNOWN_BYTES);
        short[] small = new short[3];
        assertThat(Pcm16.decode(full, small, 1)).isEqualTo(2);
        assertThat(small).containsExactly(0, 1, 32767);
        assertThat(full.position()).isEqualTo(4);
    }

    @Test
    void encodesIntoAByteBufferOfEitherOrder() {
        for (ByteOrder order : new ByteOrder[] { ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN }) {
            ByteBuffer buffer = ByteBuffer.allocate(KNOWN_BYTES.length).order(order);
            Pcm16.encode(KNOWN_SAMPLES, 0, KNOWN_SAMPLES.length, buffer);
            assertThat(buffer.array()).as(order.toString()).containsExactly(KNOWN_BYTES);
            assertThat(buffer.order()).isEqualTo(order);
        }
        ByteBuffer tooSmall = ByteBuffer.allocate(3);
        assertThatThrownBy(() -> Pcm16.encode(KNOWN_SAMPLES, 0, 2, tooSmall)).isInstanceOf(BufferOverflowException.class);
        assertThat(tooSmall.position()).as("nothing half-written").isZero();
    }

    @Test
    void roundTripsEverySampleValue() {
        short[] all = new short[65_536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) (i + Short.MIN_VALUE);
        }
        byte[] bytes = Pcm16.encode(all, 0, all.length);
        assertThat(Pcm16.decode(bytes, 0, bytes.length)).isEqualTo(all);
    }

    @Test
    void rejectsHalfSamples() {
        assertThatThrownBy(() -> Pcm16.decode(KNOWN_BYTES, 0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("even");
        assertThatThrownBy(() -> Pcm16.decode(ByteBuffer.allocate(3))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saturatingAddClampsInsteadOfWrapping() {
        assertThat(Pcm16.saturatingAdd(32_000, 32_000)).isEqualTo(Short.MAX_VALUE);
        assertThat(Pcm16.saturatingAdd(-32_000, -32_000)).isEqualTo(Short.MIN_VALUE);
        assertThat(Pcm16.saturatingAdd(32_767, 1)).isEqualTo(Short.MAX_VALUE);
        assertThat(Pcm16.saturatingAdd(-32_768, -1)).isEqualTo(Short.MIN_VALUE);
        assertThat(Pcm16.saturatingAdd(1_000, -3_000)).isEqualTo((short) -2_000);
        assertThat(Pcm16.saturatingAdd(Integer.MAX_VALUE, Integer.MAX_VALUE)).isEqualTo(Short.MAX_VALUE);

        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            int a = random.nextInt(65_536) - 32_768;
            int b = random.nextInt(65_536) - 32_768;
            assertThat((int) Pcm16.saturatingAdd(a, b)).isEqualTo(Math.max(-32_768, Math.min(32_767, a + b)));
        }
    }
}
