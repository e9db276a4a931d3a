package org.callvault.loadtool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OggPageReaderTest {

    @TempDir
    Path dir;

    @Test
    void crcIsOggs() {
        // RFC 3533's CRC is CRC-32/CKSUM's register without the final inversion: check value ~0x765E7680
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(~0x765E7680, OggPageReader.crc(check, 0, check.length));
    }

    @Test
    void joinsAPacketAcrossPagesAndEndsCleanly() throws Exception {
        byte[] big = new byte[300];
        Arrays.fill(big, (byte) 7);
        byte[] small = {1, 2, 3};
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        // page 0: the small packet, then 255 bytes of the big one (left open: lacing 255 last)
        byte[] body0 = new byte[3 + 255];
        System.arraycopy(small, 0, body0, 0, 3);
        System.arraycopy(big, 0, body0, 3, 255);
        stream.writeBytes(OggOpusFiles.page(OggPageReader.FLAG_BOS, -1, 0, new byte[] {3, (byte) 255}, body0));
        stream.writeBytes(OggOpusFiles.page(OggPageReader.FLAG_CONTINUED | OggPageReader.FLAG_EOS, 960, 1,
                new byte[] {45}, Arrays.copyOfRange(big, 255, 300)));
        OggPageReader reader = new OggPageReader(new ByteArrayInputStream(stream.toByteArray()));
        assertArrayEquals(small, reader.nextPacket());
        assertArrayEquals(big, reader.nextPacket());
        assertNull(reader.nextPacket());
    }

    @Test
    void refusesTornAndCorruptPages() {
        byte[] page = OggOpusFiles.page(0, 960, 5, new byte[] {4}, new byte[] {9, 9, 9, 9});
        OggPageReader.BadPage torn = assertThrows(OggPageReader.BadPage.class,
                () -> new OggPageReader(new ByteArrayInputStream(Arrays.copyOf(page, page.length - 1))).nextPage());
        assertTrue(torn.getMessage().startsWith("torn page at byte 0"), torn.getMessage());
        byte[] corrupt = page.clone();
        corrupt[corrupt.length - 1] = 8;
        assertThrows(OggPageReader.BadPage.class, () -> new OggPageReader(new ByteArrayInputStream(corrupt)).nextPage());
    }

    @Test
    void finalizedOnlyWithAWholeLastPageThatEndsTheStream() throws Exception {
        byte[] whole = OggOpusFiles.build(OggOpusFiles.Layout.MONO, 1.0, 300, 2000, true);
        assertTrue(OggOpusRecording.isFinalized(Files.write(dir.resolve("a.opus"), whole)));
        assertFalse(OggOpusRecording.isFinalized(Files.write(dir.resolve("b.opus"), Arrays.copyOf(whole, whole.length - 1))));
        byte[] open = OggOpusFiles.build(OggOpusFiles.Layout.MONO, 1.0, 300, 2000, false);
        assertFalse(OggOpusRecording.isFinalized(Files.write(dir.resolve("c.opus"), open)));
        assertFalse(OggOpusRecording.isFinalized(Files.write(dir.resolve("d.opus"), new byte[0])));
    }

    @Test
    void readsTheServersThreeLayoutsAndRefusesOthers() throws Exception {
        OggOpusRecording.Scan stereo = OggOpusRecording.scan(Files.write(dir.resolve("s.opus"),
                OggOpusFiles.build(OggOpusFiles.Layout.TWO_STREAMS, 1.0, 300, 2000, true)));
        assertNull(stereo.problem());
        assertEquals(1, stereo.head().family());
        assertEquals(2, stereo.head().streams());
        assertEquals(0, stereo.head().coupled());
        assertEquals(48000, stereo.frames());
        OggOpusRecording.Scan coupled = OggOpusRecording.scan(Files.write(dir.resolve("c.opus"),
                OggOpusFiles.build(OggOpusFiles.Layout.COUPLED, 1.0, 300, 2000, true)));
        assertEquals(0, coupled.head().family());
        assertEquals(2, coupled.head().channels());
        assertEquals(1, coupled.head().streams());
        assertEquals(1, coupled.head().coupled());
        byte[] family2 = OggOpusFiles.build(OggOpusFiles.Layout.MONO, 1.0, 300, 2000, true);
        int headPage = 27 + 1 + 19;
        family2[27 + 1 + 18] = 2; // OpusHead's mapping family, the page's CRC made right again
        ByteBuffer.wrap(family2).order(ByteOrder.LITTLE_ENDIAN).putInt(22, 0)
                .putInt(22, OggPageReader.crc(family2, 0, headPage));
        OggOpusRecording.Scan refused = OggOpusRecording.scan(Files.write(dir.resolve("f.opus"), family2));
        assertNull(refused.head());
        assertEquals("channel mapping family 2", refused.problem());
    }
}
