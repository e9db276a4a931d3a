package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import org.callvault.recording.WavHeader.InvalidWavException;
import org.junit.jupiter.api.Test;

class WavHeaderTest {

    /** 44.1 kHz mono 16-bit with one 20 ms frame (1764 bytes) of data, written out by hand. */
    private static final String MONO_44100_1764 = ""
            + "52494646" + "08070000" + "57415645"       // "RIFF", 36 + 1764, "WAVE"
            + "666D7420" + "10000000"                    // "fmt ", 16
            + "0100" + "0100"                            // PCM, 1 channel
            + "44AC0000" + "88580100"                    // 44100 Hz, 88200 bytes/s
            + "0200" + "1000"                            // block align 2, 16 bits
            + "64617461" + "E4060000";                   // "data", 1764

    @Test
    void buildsTheCanonicalHeaderByteForByte() {
        byte[] header = WavHeader.pcm16(44_100, 1, 1_764).toBytes();

        assertThat(header).hasSize(44).containsExactly(HexFormat.of().parseHex(MONO_44100_1764));
    }

    @Test
    void buildsStereoFields() {
        ByteBuffer header = ByteBuffer.wrap(WavHeader.pcm16(48_000, 2, 4_000).toBytes()).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(header.getInt(4)).isEqualTo(36 + 4_000);
        assertThat(header.getShort(22)).isEqualTo((short) 2);
        assertThat(header.getInt(24)).isEqualTo(48_000);
        assertThat(header.getInt(28)).isEqualTo(192_000);
        assertThat(header.getShort(32)).isEqualTo((short) 4);
        assertThat(header.getShort(34)).isEqualTo((short) 16);
        assertThat(header.getInt(40)).isEqualTo(4_000);
    }

    @Test
    void writesIntoACallersBufferWithoutChangingItsOrder() {
        ByteBuffer buffer = ByteBuffer.allocate(50).order(ByteOrder.BIG_ENDIAN);
        buffer.position(3);

        WavHeader.pcm16(44_100, 1, 1_764).writeTo(buffer);

        assertThat(buffer.position()).isEqualTo(47);
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        byte[] written = new byte[44];
        buffer.get(3, written);
        assertThat(written).containsExactly(HexFormat.of().parseHex(MONO_44100_1764));
    }

    @Test
    void parsesWhatItBuilds() throws Exception {
        WavHeader parsed = WavHeader.parse(HexFormat.of().parseHex(MONO_44100_1764));

        assertThat(parsed).isEqualTo(new WavHeader(44_100, 1, 16, 1_764));
        assertThat(parsed.sampleFrames()).isEqualTo(882);
        WavHeader stereo = WavHeader.pcm16(8_000, 2, 0xFFFF_FFFFL - 36);
        assertThat(WavHeader.parse(stereo.toBytes())).isEqualTo(stereo);
    }

    @Test
    void rejectsGarbageWithAClearMessage() {
        byte[] garbage = new byte[44];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 37 + 11);
        }
        assertThatThrownBy(() -> WavHeader.parse(garbage)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("not a RIFF file");
        assertThatThrownBy(() -> WavHeader.parse(new byte[10])).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("Too short");
    }

    @Test
    void rejectsNonPcmFormats() {
        byte[] floatWav = HexFormat.of().parseHex(MONO_44100_1764);
        floatWav[20] = 3;

        assertThatThrownBy(() -> WavHeader.parse(floatWav)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("Not PCM").hasMessageContaining("IEEE float");
    }

    @Test
    void rejectsInconsistentOrNonCanonicalHeaders() {
        byte[] wrongBlockAlign = HexFormat.of().parseHex(MONO_44100_1764);
        wrongBlockAlign[32] = 4;
        assertThatThrownBy(() -> WavHeader.parse(wrongBlockAlign)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("Inconsistent");

        byte[] listChunkFirst = HexFormat.of().parseHex(MONO_44100_1764);
        System.arraycopy("LIST".getBytes(), 0, listChunkFirst, 36, 4);
        assertThatThrownBy(() -> WavHeader.parse(listChunkFirst)).isInstanceOf(InvalidWavException.class)
                .hasMessageContaining("'data'");

        byte[] rifx = HexFormat.of().parseHex(MONO_44100_1764);
        rifx[3] = 'X';
        assertThatThrownBy(() -> WavHeader.parse(rifx)).isInstanceOf(InvalidWavException.class);
    }

    @Test
    void refusesDataBeyondTheFormatsSizeLimit() {
        WavHeader tooBig = WavHeader.pcm16(44_100, 1, WavHeader.MAX_DATA_BYTES + 2);

        assertThatThrownBy(tooBig::toBytes).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 GiB");
    }
}
