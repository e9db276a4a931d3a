package org.callvault.loadtool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CallerToneBlocksTest {

    private static final int RATE = 44100;
    private static final int CALLER = SippDriver.FREQUENCY;
    private static final int AGENT = 2010;

    @TempDir
    Path dir;

    /** A recording of {@code seconds}: the caller's tone silent in {@code [gapFromMs, gapToMs)}, the agent's throughout. */
    private Path wav(int channels, double seconds, double gapFromMs, double gapToMs) throws Exception {
        byte[] w = RecordingCheckerTest.wav(channels, seconds, CALLER, AGENT, false, (long) Math.round(seconds * RATE) * channels * 2);
        ByteBuffer b = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = Math.round(gapFromMs * RATE / 1000); i < Math.round(gapToMs * RATE / 1000); i++) {
            int at = 44 + (int) i * channels * 2;
            b.putShort(at, channels == 1 ? Tone.sample(AGENT, RATE, i) : 0);
        }
        return Files.write(dir.resolve("call-" + System.nanoTime() + ".wav"), w);
    }

    @Test
    void aWholeToneHasNoBlockMissing() throws Exception {
        CallerToneBlocks.Count c = CallerToneBlocks.count(wav(1, 3, 0, 0), CALLER, 0, 10_000);
        // judged: from 0.5 s (the start is skipped) to 2.8 s (the last 200 ms are the jitter buffer's)
        assertEquals(115, c.checked());
        assertEquals(0, c.missing());
    }

    @Test
    void aLostPacketIsOneOrTwoBlocksWhereverItFalls() throws Exception {
        // aligned with the blocks (which start at 0.5 s): exactly one block
        assertEquals(1, CallerToneBlocks.count(wav(1, 3, 1500, 1520), CALLER, 0, 10_000).missing());
        // straddling two blocks: the larger part is always found, both when the split is near even
        assertEquals(2, CallerToneBlocks.count(wav(1, 3, 1510, 1530), CALLER, 0, 10_000).missing());
        long offCentre = CallerToneBlocks.count(wav(1, 3, 1504, 1524), CALLER, 0, 10_000).missing();
        assertTrue(offCentre >= 1 && offCentre <= 2, "missing " + offCentre);
        // three packets in a row
        assertEquals(3, CallerToneBlocks.count(wav(1, 3, 2000, 2060), CALLER, 0, 10_000).missing());
    }

    @Test
    void onlyTheGivenStretchIsJudged() throws Exception {
        Path w = wav(1, 3, 1500, 1520);
        CallerToneBlocks.Count before = CallerToneBlocks.count(w, CALLER, 600, 1400);
        assertEquals(40, before.checked());
        assertEquals(0, before.missing());
        assertEquals(0, CallerToneBlocks.count(w, CALLER, 1600, 2600).missing());
        assertEquals(1, CallerToneBlocks.count(w, CALLER, 1000, 2000).missing());
        assertEquals(0, CallerToneBlocks.count(w, CALLER, 2900, 3000).checked(), "the last 200 ms are not judged");
    }

    @Test
    void stereoIsJudgedOnTheCallersChannel() throws Exception {
        CallerToneBlocks.Count c = CallerToneBlocks.count(wav(2, 3, 1500, 1560), CALLER, 0, 10_000);
        assertEquals(115, c.checked());
        assertEquals(3, c.missing());
    }

    @Test
    void aCallerNeverHeardIsMissingEverywhere() throws Exception {
        CallerToneBlocks.Count c = CallerToneBlocks.count(wav(1, 3, 0, 3000), CALLER, 0, 10_000);
        assertEquals(c.checked(), c.missing());
        assertTrue(c.checked() > 100);
    }

    @Test
    void oggOpusRecordingsAreJudgedAlike() throws Exception {
        for (OggOpusFiles.Layout layout : OggOpusFiles.Layout.values()) {
            Path whole = Files.write(dir.resolve(layout + "-whole.opus"), OggOpusFiles.build(layout, 3, CALLER, AGENT, true));
            CallerToneBlocks.Count c = CallerToneBlocks.count(whole, CALLER, 0, 10_000);
            assertEquals(115, c.checked(), layout.toString());
            assertEquals(0, c.missing(), layout.toString());
            // three lost packets, aligned with the blocks: the codec smears their edges, not more
            Path gap = Files.write(dir.resolve(layout + "-gap.opus"),
                    OggOpusFiles.build(layout, 3, CALLER, AGENT, true, 2000, 2060));
            long missing = CallerToneBlocks.count(gap, CALLER, 0, 10_000).missing();
            assertTrue(missing >= 3 && missing <= 4, layout + ": missing " + missing);
        }
    }

    @Test
    void aBrokenFileIsAnError() throws Exception {
        Path bad = Files.write(dir.resolve("bad.wav"), new byte[100]);
        assertThrows(java.io.IOException.class, () -> CallerToneBlocks.count(bad, CALLER, 0, 1000));
        Path badOgg = Files.write(dir.resolve("bad.opus"), new byte[100]);
        assertThrows(java.io.IOException.class, () -> CallerToneBlocks.count(badOgg, CALLER, 0, 1000));
    }
}
