package org.callvault.loadtool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the server's recording of every answered call: {@code DIR/**\/<callId>.wav} (or, with the
 * server's {@code --callvault.recordings.format=opus}, {@code <callId>.opus}; {@code .ogg} is taken
 * too) exists and is whole and finalized (WAV: a sane 44-byte header, data size = file length - 44;
 * Ogg Opus: {@link OggOpusRecording#scan}), its length matches the call's {@code durationMs}, and
 * both parties' tones are in it (Goertzel).
 */
final class RecordingChecker {

    /** A recording is "bad" when its length differs from durationMs by more than this. */
    static final double MAX_DURATION_ERROR_MS = 20;
    /** Minimum share of the signal energy at each party's frequency (mono mix: about 0.5 each). */
    static final double MIN_RELATIVE_POWER = 0.1;
    /** At most this much audio is analysed per file (from after the first 0.5 s). */
    static final int MAX_ANALYSED_SECONDS = 30;
    static final int MAX_FILES_WALKED = 1_000_000;
    /**
     * The names a call's recording may have, the first found wins: while the server converts a WAV
     * recording to Ogg Opus both files exist, and the WAV is the whole one until it is deleted.
     */
    static final List<String> EXTENSIONS = List.of(".wav", ".opus", ".ogg");
    /**
     * Seconds the check takes per second of Ogg Opus audio it decodes, planned at twice the most
     * measured: 4 ms (two-stream stereo) to 6.4 ms (mono) with Concentus warmed up, recordings of
     * 20 s on the 2-core machine under a load of 2.6. Reading WAV costs next to nothing beside it.
     */
    static final double OGG_SECONDS_PER_AUDIO_SECOND = 0.013;

    /** What the load tool knows of a call. */
    record Expected(String callId, long durationMs, int callerFrequency, int agentFrequency, String label) {
    }

    /** Parsed canonical WAV header. */
    record WavHeader(int channels, int sampleRate, int bitsPerSample, int blockAlign, long dataSize,
                     long headerBytes, String problem) {

        boolean finalizedFor(long fileLength) {
            return problem == null && dataSize == fileLength - headerBytes;
        }

        double durationMs() {
            return blockAlign == 0 || sampleRate == 0 ? 0 : dataSize * 1000.0 / ((double) blockAlign * sampleRate);
        }
    }

    static final class Result {
        final Expected expected;
        String status = "missing"; // ok, bad, missing
        final List<String> problems = new ArrayList<>();
        Path file;
        double durationErrorMs = Double.NaN;
        double callerPower = Double.NaN;
        double agentPower = Double.NaN;
        int channels;
        boolean contentChecked = true;

        Result(Expected e) {
            this.expected = e;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("call", expected.label());
            m.put("callId", expected.callId());
            m.put("status", status);
            m.put("file", file == null ? null : file.toString());
            m.put("durationMs", expected.durationMs());
            m.put("durationErrorMs", Double.isNaN(durationErrorMs) ? null : Report.round(durationErrorMs, 1));
            m.put("callerTone", Double.isNaN(callerPower) ? null : Report.round(callerPower, 3));
            m.put("agentTone", Double.isNaN(agentPower) ? null : Report.round(agentPower, 3));
            m.put("contentChecked", contentChecked);
            m.put("problems", problems);
            return m;
        }
    }

    private final Path dir;
    private final int sampleRate;

    RecordingChecker(Path dir, int sampleRate) {
        this.dir = dir;
        this.sampleRate = sampleRate;
    }

    /** Checks every call; waits up to {@code waitSeconds} for files to appear and be finalized. */
    List<Result> check(List<Expected> calls, double waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (waitSeconds * 1e9);
        Map<String, Path> index = walk();
        while (true) {
            boolean allReady = true;
            for (Expected e : calls) {
                Path p = find(index, e.callId());
                if (p == null || !isFinalized(p)) {
                    allReady = false;
                    break;
                }
            }
            if (allReady || System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(250);
            index = walk();
        }
        List<Result> out = new ArrayList<>();
        for (Expected e : calls) {
            Result r = new Result(e);
            Path p = find(index, e.callId());
            if (p == null) {
                r.problems.add("no " + e.callId() + String.join(", ", EXTENSIONS) + " under " + dir);
            } else {
                r.file = p;
                try {
                    if (isOgg(p)) {
                        checkOgg(r, p);
                    } else {
                        checkFile(r, p);
                    }
                } catch (IOException ex) {
                    r.problems.add("cannot read: " + ex.getMessage());
                }
                r.status = r.problems.isEmpty() ? "ok" : "bad";
            }
            out.add(r);
        }
        return out;
    }

    private Map<String, Path> walk() {
        Map<String, Path> index = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return index;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                int seen;

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String n = file.getFileName().toString();
                    if (EXTENSIONS.stream().anyMatch(n::endsWith)) {
                        index.put(n, file);
                    }
                    return ++seen > MAX_FILES_WALKED ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // partial index
        }
        return index;
    }

    /**
     * How long the check of one call slot's recordings may take if they are Ogg Opus, for the
     * watchdog's plan: one call decodes at most the analysed stretch and the half second before it;
     * calls redialled one after another at most all they recorded.
     */
    static double oggCheckSeconds(double recordedSeconds, boolean oneCall) {
        double decoded = oneCall ? Math.min(recordedSeconds, MAX_ANALYSED_SECONDS + 0.5) : recordedSeconds;
        return decoded * OGG_SECONDS_PER_AUDIO_SECOND;
    }

    private static Path find(Map<String, Path> index, String callId) {
        for (String extension : EXTENSIONS) {
            Path p = index.get(callId + extension);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static boolean isOgg(Path p) {
        return !p.getFileName().toString().endsWith(".wav");
    }

    private static boolean isFinalized(Path p) {
        if (isOgg(p)) {
            return OggOpusRecording.isFinalized(p);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            byte[] h = new byte[44];
            if (f.length() < 44) {
                return false;
            }
            f.readFully(h);
            return parseHeader(h).finalizedFor(f.length());
        } catch (IOException e) {
            return false;
        }
    }

    /** Adds what is wrong with a WAV recording to {@code r.problems}. */
    private void checkFile(Result r, Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
            long len = f.length();
            if (len < 44) {
                r.problems.add("file is " + len + " bytes, shorter than a WAV header");
                return;
            }
            byte[] hb = new byte[44];
            f.readFully(hb);
            WavHeader h = parseHeader(hb);
            if (h.problem() != null) {
                r.problems.add(h.problem());
                return;
            }
            r.channels = h.channels();
            if (h.sampleRate() != sampleRate) {
                r.problems.add("sample rate " + h.sampleRate() + " != " + sampleRate);
            }
            if (!h.finalizedFor(len)) {
                r.problems.add("not finalized: data size " + h.dataSize() + " != file length - 44 = " + (len - 44));
            }
            checkLength(r, h.durationMs());
            analyse(r, f, h, Math.min(h.dataSize(), len - 44));
        }
    }

    /**
     * Adds what is wrong with an Ogg Opus recording, by the WAV rules: whole and finalized (every
     * page, the end-of-stream flag), its length (last granule less pre-skip, at 48 kHz) against
     * durationMs, the tones in the same stretch of decoded audio.
     */
    private void checkOgg(Result r, Path p) throws IOException {
        OggOpusRecording.Scan scan = OggOpusRecording.scan(p);
        OggOpusRecording.Head head = scan.head();
        if (head == null) {
            r.problems.add(scan.problem());
            return;
        }
        r.channels = head.channels();
        // OpusHead keeps the rate the server recorded at, the WAV header's rate
        if (head.inputRate() != sampleRate) {
            r.problems.add("input sample rate " + head.inputRate() + " != " + sampleRate);
        }
        if (scan.problem() != null) {
            r.problems.add(scan.problem());
        }
        checkLength(r, scan.durationMs());
        Window w = Window.of(scan.frames(), OggOpusRecording.SAMPLE_RATE);
        if (w == null) {
            r.contentChecked = false;
        } else {
            analyseOgg(r, p, head, w);
        }
    }

    private void analyseOgg(Result r, Path p, OggOpusRecording.Head head, Window w) {
        try {
            OggOpusRecording.Audio audio = OggOpusRecording.decode(p, head, w.skip(), w.take());
            if (audio.frames() < w.take()) {
                r.problems.add("the audio ends " + (w.take() - audio.frames()) + " samples before its granule position");
            }
            measureTones(r, audio.pcm(), head.channels(), OggOpusRecording.SAMPLE_RATE, audio.frames());
        } catch (IOException e) {
            r.problems.add("cannot decode: " + e.getMessage());
        }
    }

    private static void checkLength(Result r, double lengthMs) {
        if (r.expected.durationMs() >= 0) {
            r.durationErrorMs = lengthMs - r.expected.durationMs();
            if (Math.abs(r.durationErrorMs) > MAX_DURATION_ERROR_MS) {
                r.problems.add(String.format("length %.1f ms vs durationMs %d (error %+.1f ms)",
                        lengthMs, r.expected.durationMs(), r.durationErrorMs));
            }
        } else {
            r.problems.add("no durationMs for this call");
        }
    }

    /**
     * The stretch of a recording of {@code frames} sample frames whose tones are measured: after its
     * first 0.5 s (a quarter of a short one), at most {@link #MAX_ANALYSED_SECONDS}.
     */
    record Window(long skip, int take) {

        /** Null under half a second: nothing to judge. */
        static Window of(long frames, int rate) {
            long skip = Math.min(frames / 4, rate / 2L);
            long take = Math.min(frames - skip, (long) MAX_ANALYSED_SECONDS * rate);
            return take < rate / 2 ? null : new Window(skip, (int) take);
        }
    }

    private void analyse(Result r, RandomAccessFile f, WavHeader h, long dataBytes) throws IOException {
        int ch = h.channels();
        int frameBytes = h.blockAlign();
        Window w = Window.of(dataBytes / frameBytes, h.sampleRate());
        if (w == null) {
            r.contentChecked = false;
            return;
        }
        byte[] raw = new byte[w.take() * frameBytes];
        f.seek(44 + w.skip() * frameBytes);
        f.readFully(raw);
        short[] pcm = new short[w.take() * ch];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        measureTones(r, pcm, ch, h.sampleRate(), w.take());
    }

    /** Goertzel over {@code take} interleaved frames: mono holds both tones, stereo the caller left, the agent right. */
    private static void measureTones(Result r, short[] pcm, int ch, int rate, int take) {
        int cf = r.expected.callerFrequency();
        int af = r.expected.agentFrequency();
        int block = rate / 10;
        if (ch == 1) {
            Goertzel.Meter m = new Goertzel.Meter(rate, cf, af);
            for (int off = 0; off + block <= take; off += block) {
                m.addBlock(pcm, off, 1, block);
            }
            r.callerPower = m.relative(0);
            r.agentPower = m.relative(1);
        } else {
            Goertzel.Meter left = new Goertzel.Meter(rate, cf);
            Goertzel.Meter right = new Goertzel.Meter(rate, af);
            for (int off = 0; off + block <= take; off += block) {
                left.addBlock(pcm, off * ch, ch, block);
                right.addBlock(pcm, off * ch + 1, ch, block);
            }
            r.callerPower = left.relative(0);
            r.agentPower = right.relative(0);
        }
        if (!(r.callerPower >= MIN_RELATIVE_POWER)) {
            r.problems.add(String.format("caller tone %d Hz weak: %.3f", cf, r.callerPower));
        }
        if (!(r.agentPower >= MIN_RELATIVE_POWER)) {
            r.problems.add(String.format("agent tone %d Hz weak: %.3f", af, r.agentPower));
        }
    }

    /** Parses a canonical 44-byte PCM WAV header. */
    static WavHeader parseHeader(byte[] h) {
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        String problem = null;
        if (h.length < 44) {
            return new WavHeader(0, 0, 0, 0, 0, 44, "header shorter than 44 bytes");
        }
        if (!tag(h, 0, "RIFF") || !tag(h, 8, "WAVE")) {
            problem = "not a RIFF/WAVE file";
        } else if (!tag(h, 12, "fmt ") || b.getInt(16) != 16) {
            problem = "no 16-byte fmt chunk at offset 12";
        } else if (!tag(h, 36, "data")) {
            problem = "no data chunk at offset 36 (header is not 44 bytes)";
        }
        int format = b.getShort(20) & 0xFFFF;
        int channels = b.getShort(22) & 0xFFFF;
        int rate = b.getInt(24);
        long byteRate = b.getInt(28) & 0xFFFFFFFFL;
        int blockAlign = b.getShort(32) & 0xFFFF;
        int bits = b.getShort(34) & 0xFFFF;
        long dataSize = b.getInt(40) & 0xFFFFFFFFL;
        long riffSize = b.getInt(4) & 0xFFFFFFFFL;
        if (problem == null) {
            if (format != 1) {
                problem = "format " + format + " is not PCM";
            } else if (channels < 1 || channels > 2) {
                problem = channels + " channels";
            } else if (bits != 16) {
                problem = bits + " bits per sample";
            } else if (blockAlign != channels * 2) {
                problem = "block align " + blockAlign + " != channels * 2";
            } else if (byteRate != (long) rate * blockAlign) {
                problem = "byte rate " + byteRate + " != sample rate * block align";
            } else if (riffSize != dataSize + 36) {
                problem = "RIFF size " + riffSize + " != data size + 36";
            }
        }
        return new WavHeader(channels, rate, bits, blockAlign, dataSize, 44, problem);
    }

    private static boolean tag(byte[] h, int off, String t) {
        for (int i = 0; i < 4; i++) {
            if (h[off + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
