package org.callvault.loadtool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingCheckerTest {

    @TempDir
    Path dir;

    /** A canonical 44-byte-header WAV of {@code seconds}: caller and agent tones mixed or on L/R. */
    static byte[] wav(int channels, double seconds, int callerHz, int agentHz, boolean agentSilent, long declaredDataSize) {
        int rate = 44100;
        int frames = (int) Math.round(seconds * rate);
        int dataSize = frames * channels * 2;
        ByteBuffer b = ByteBuffer.allocate(44 + dataSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt((int) (36 + declaredDataSize)).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) channels).putInt(rate)
                .putInt(rate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put("data".getBytes()).putInt((int) declaredDataSize);
        for (int i = 0; i < frames; i++) {
            short c = Tone.sample(callerHz, rate, i);
            short a = agentSilent ? 0 : Tone.sample(agentHz, rate, i);
            if (channels == 1) {
                b.putShort((short) (c + a));
            } else {
                b.putShort(c).putShort(a);
            }
        }
        return b.array();
    }

    private Path write(String callId, byte[] data) throws IOException {
        Path sub = dir.resolve("2026/11/24");
        Files.createDirectories(sub);
        return Files.write(sub.resolve(callId + ".wav"), data);
    }

    @Test
    void parsesACanonicalHeader() {
        byte[] w = wav(1, 0.1, 300, 2000, false, 8820);
        RecordingChecker.WavHeader h = RecordingChecker.parseHeader(java.util.Arrays.copyOf(w, 44));
        assertNull(h.problem());
        assertEquals(1, h.channels());
        assertEquals(44100, h.sampleRate());
        assertEquals(8820, h.dataSize());
        assertTrue(h.finalizedFor(w.length));
        assertEquals(100.0, h.durationMs(), 1e-9);
        byte[] bad = java.util.Arrays.copyOf(w, 44);
        bad[0] = 'X';
        assertEquals("not a RIFF/WAVE file", RecordingChecker.parseHeader(bad).problem());
    }

    @Test
    void okBadAndMissingRecordings() throws Exception {
        write("good-mono", wav(1, 2.0, 300, 2000, false, 2 * 88200));
        write("good-stereo", wav(2, 2.0, 310, 2010, false, 2 * 2 * 88200));
        write("too-long", wav(1, 2.1, 320, 2020, false, (long) (2.1 * 88200)));
        write("agent-silent", wav(1, 2.0, 330, 2030, true, 2 * 88200));
        write("not-final", wav(1, 2.0, 340, 2040, false, 0));
        // while the server converts a recording to Ogg Opus both files exist: the WAV is the whole one
        write("converting", wav(1, 2.0, 360, 2060, false, 2 * 88200));
        writeOgg("converting.opus", new byte[] {'O', 'g', 'g', 'S'});
        List<RecordingChecker.Expected> calls = List.of(
                new RecordingChecker.Expected("good-mono", 2000, 300, 2000, "a"),
                new RecordingChecker.Expected("good-stereo", 2010, 310, 2010, "b"),
                new RecordingChecker.Expected("too-long", 2000, 320, 2020, "c"),
                new RecordingChecker.Expected("agent-silent", 2000, 330, 2030, "d"),
                new RecordingChecker.Expected("not-final", 2000, 340, 2040, "e"),
                new RecordingChecker.Expected("absent", 2000, 350, 2050, "f"),
                new RecordingChecker.Expected("converting", 2000, 360, 2060, "g"));
        List<RecordingChecker.Result> r = new RecordingChecker(dir, 44100).check(calls, 0.3);
        assertEquals("ok", r.get(0).status, r.get(0).problems.toString());
        assertEquals(0.5, r.get(0).callerPower, 0.05);
        assertEquals(0.5, r.get(0).agentPower, 0.05);
        assertEquals("ok", r.get(1).status, r.get(1).problems.toString());
        assertEquals(-10, r.get(1).durationErrorMs, 0.01);
        assertEquals(2, r.get(1).channels);
        assertEquals("bad", r.get(2).status);
        assertEquals(100, r.get(2).durationErrorMs, 0.1);
        assertEquals("bad", r.get(3).status);
        assertTrue(r.get(3).problems.get(0).contains("agent tone"), r.get(3).problems.toString());
        assertEquals("bad", r.get(4).status);
        assertEquals("missing", r.get(5).status);
        assertEquals("ok", r.get(6).status, r.get(6).problems.toString());
        assertTrue(r.get(6).file.toString().endsWith("converting.wav"), r.get(6).file.toString());
    }

    private void writeOgg(String fileName, byte[] data) throws IOException {
        Path sub = dir.resolve("2026/12/03");
        Files.createDirectories(sub);
        Files.write(sub.resolve(fileName), data);
    }

    @Test
    void okAndBadOggOpusRecordings() throws Exception {
        writeOgg("ogg-mono.opus", OggOpusFiles.build(OggOpusFiles.Layout.MONO, 2.0, 300, 2000, true));
        writeOgg("ogg-stereo.opus", OggOpusFiles.build(OggOpusFiles.Layout.TWO_STREAMS, 2.0, 310, 2010, true));
        writeOgg("ogg-coupled.ogg", OggOpusFiles.build(OggOpusFiles.Layout.COUPLED, 2.0, 320, 2020, true));
        writeOgg("ogg-too-long.opus", OggOpusFiles.build(OggOpusFiles.Layout.TWO_STREAMS, 2.025, 330, 2030, true));
        writeOgg("ogg-agent-silent.opus", OggOpusFiles.build(OggOpusFiles.Layout.TWO_STREAMS, 2.0, 340, 0, true));
        writeOgg("ogg-no-eos.opus", OggOpusFiles.build(OggOpusFiles.Layout.MONO, 2.0, 350, 2050, false));
        byte[] whole = OggOpusFiles.build(OggOpusFiles.Layout.TWO_STREAMS, 2.0, 360, 2060, true);
        writeOgg("ogg-torn.opus", Arrays.copyOf(whole, whole.length - 10));
        byte[] corrupt = whole.clone();
        corrupt[corrupt.length / 2] ^= 0x10;
        writeOgg("ogg-corrupt.opus", corrupt);
        writeOgg("ogg-granule-past-audio.opus", endGranulePlus(
                OggOpusFiles.build(OggOpusFiles.Layout.MONO, 2.0, 380, 2080, true), 4800));
        List<RecordingChecker.Expected> calls = List.of(
                new RecordingChecker.Expected("ogg-mono", 2000, 300, 2000, "a"),
                new RecordingChecker.Expected("ogg-stereo", 2010, 310, 2010, "b"),
                new RecordingChecker.Expected("ogg-coupled", 2000, 320, 2020, "c"),
                new RecordingChecker.Expected("ogg-too-long", 2000, 330, 2030, "d"),
                new RecordingChecker.Expected("ogg-agent-silent", 2000, 340, 2040, "e"),
                new RecordingChecker.Expected("ogg-no-eos", 2000, 350, 2050, "f"),
                new RecordingChecker.Expected("ogg-torn", 2000, 360, 2060, "g"),
                new RecordingChecker.Expected("ogg-corrupt", 2000, 360, 2060, "h"),
                new RecordingChecker.Expected("ogg-granule-past-audio", 2100, 380, 2080, "i"));
        List<RecordingChecker.Result> r = new RecordingChecker(dir, 48000).check(calls, 0.3);

        RecordingChecker.Result mono = r.get(0);
        assertEquals("ok", mono.status, mono.problems.toString());
        assertEquals(1, mono.channels);
        assertEquals(0, mono.durationErrorMs, 1e-9, "the last granule less the pre-skip is the exact length");
        assertEquals(0.5, mono.callerPower, 0.1);
        assertEquals(0.5, mono.agentPower, 0.1);
        RecordingChecker.Result stereo = r.get(1);
        assertEquals("ok", stereo.status, stereo.problems.toString());
        assertEquals(2, stereo.channels);
        assertEquals(-10, stereo.durationErrorMs, 1e-9);
        // two streams keep the parties apart: each channel is nearly all its party's tone
        assertTrue(stereo.callerPower > 0.8 && stereo.agentPower > 0.8, stereo.toMap().toString());
        assertEquals("ok", r.get(2).status, r.get(2).problems.toString());
        assertEquals(2, r.get(2).channels);

        assertEquals("bad", r.get(3).status);
        assertEquals(25, r.get(3).durationErrorMs, 1e-9);
        assertTrue(r.get(3).problems.get(0).startsWith("length 2025.0 ms"), r.get(3).problems.toString());
        assertEquals("bad", r.get(4).status);
        assertEquals(1, r.get(4).problems.size(), r.get(4).problems.toString());
        assertTrue(r.get(4).problems.get(0).startsWith("agent tone 2040 Hz weak"), r.get(4).problems.toString());
        assertTrue(r.get(4).agentPower < 0.01, r.get(4).toMap().toString());
        assertTrue(r.get(4).callerPower > 0.8, r.get(4).toMap().toString());
        assertEquals("bad", r.get(5).status);
        assertTrue(r.get(5).problems.get(0).contains("no end-of-stream flag"), r.get(5).problems.toString());
        assertEquals("bad", r.get(6).status);
        assertEquals(1, r.get(6).problems.size(), r.get(6).problems.toString());
        assertTrue(r.get(6).problems.get(0).startsWith("incomplete: torn page"), r.get(6).problems.toString());
        assertEquals("bad", r.get(7).status);
        assertTrue(r.get(7).problems.get(0).startsWith("incomplete: CRC mismatch"), r.get(7).problems.toString());
        // a last granule that promises more than the packets hold: the length agrees, the audio does not
        assertEquals("bad", r.get(8).status);
        assertEquals(0, r.get(8).durationErrorMs, 1e-9);
        assertTrue(r.get(8).problems.get(0).startsWith("the audio ends"), r.get(8).problems.toString());
    }

    /** {@code ogg} with its last page's granule position moved on by {@code samples}, its CRC made right. */
    private static byte[] endGranulePlus(byte[] ogg, long samples) {
        int last = ogg.length - OggPageReader.HEADER_BYTES;
        while (!(ogg[last] == 'O' && ogg[last + 1] == 'g' && ogg[last + 2] == 'g' && ogg[last + 3] == 'S')) {
            last--;
        }
        ByteBuffer b = ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(last + 6, b.getLong(last + 6) + samples).putInt(last + 22, 0);
        b.putInt(last + 22, OggPageReader.crc(ogg, last, ogg.length - last));
        return ogg;
    }
}
