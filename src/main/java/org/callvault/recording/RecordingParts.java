package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import org.callvault.media.AudioFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call's recording on the recorder thread, as one or more part files: {@code <call-id>.wav},
 * then {@code <call-id>.part2.wav}, {@code .part3.wav} ... beside it (or {@code .opus}: every part
 * has the first part's format, {@link RecordingFormat}).
 *
 * <p>A part is opened only while the recordings folder has its free-space floor. When a write
 * fails (a full disk), the part is closed where it stands and its header set from what really
 * reached the file ({@link WavRepair}), so it stays playable with its true length; the recording
 * is then <em>partial</em> and, once a second, looks for space again: when the floor is back, the
 * next part starts at that moment of the call (what came in between is lost, and only that). A
 * recording that finds no space at its start waits the same way for its first part.
 *
 * <p>Each part has its own {@link CallRecorder} whose timeline starts when the part opened.
 * A stretch of the call may be <em>omitted</em> ({@link #omitFrom}, {@link #omitUntil}: a SIPREC
 * pause left out of the file): the part's timeline stands still at the cut's start, frames of the
 * cut are dropped, and at its end the timeline's origin moves on by the cut's length, so the file
 * goes on seamlessly and its length is the call's minus the cuts.
 * Not thread-safe: the recorder thread owns it.
 */
public final class RecordingParts {

    /** What the recording tells the world; called on the recorder thread, so it must not block. */
    interface Listener {

        /** Recording stopped: {@code part} is the part just closed (0 if none could be opened). */
        void interrupted(int part, boolean diskFull, Exception cause);

        /** Recording goes on in part {@code part}. */
        void resumed(int part);
    }

    /**
     * What the recording holds once the call is over.
     *
     * @param written completes when the last part's file is closed ({@link RecordingWriter#completion}):
     *                false if a failure then cut it short
     */
    record Outcome(long firstPartSamples, long totalSamples, int parts, boolean partial, long framesAccepted,
            long framesDropped, Exception error, CompletableFuture<Boolean> written) {
    }

    private static final Logger log = LoggerFactory.getLogger(RecordingParts.class);

    private final Path firstPart;
    private final AudioFormat format;
    private final boolean stereo;
    private final int windowMillis;
    private final BooleanSupplier enoughSpace;
    private final Listener listener;
    private final RingPool rings;
    private final RecordingFormat fileFormat;
    /** Where Ogg parts are encoded, or null: on the recorder thread. */
    private final OggEncoding encoding;
    /** Parts store the talkers' Opus packets ({@link OpusPacketRecorder}) instead of encoding PCM. */
    private final boolean opusPackets;

    private PartRecorder recorder;
    private Path currentFile;
    private long partStart;
    private int parts;
    private boolean partial;
    private long firstPartSamples;
    private long totalSamples;
    private long framesAccepted;
    private long framesDropped;
    private long lastSpaceCheck;
    private Exception lastError;
    /** Where the cut in progress began (call timeline samples), or -1. */
    private long omittingFrom = -1;
    /** Where the last cut ended: frames that arrived before it (queued late) belong to the cut. */
    private long omittedUntil = -1;

    RecordingParts(Path firstPart, AudioFormat format, boolean stereo, int windowMillis, BooleanSupplier enoughSpace,
            Listener listener) {
        this(firstPart, format, stereo, windowMillis, enoughSpace, listener, RingPool.NONE);
    }

    RecordingParts(Path firstPart, AudioFormat format, boolean stereo, int windowMillis, BooleanSupplier enoughSpace,
            Listener listener, RingPool rings) {
        this(firstPart, format, stereo, windowMillis, enoughSpace, listener, rings, null);
    }

    RecordingParts(Path firstPart, AudioFormat format, boolean stereo, int windowMillis, BooleanSupplier enoughSpace,
            Listener listener, RingPool rings, OggEncoding encoding) {
        this(firstPart, format, stereo, windowMillis, enoughSpace, listener, rings, encoding, false);
    }

    /**
     * @param opusPackets store the talkers' own Opus packets ({@link OpusPacketRecorder}): only for
     *                    a stereo Ogg Opus recording, whose parties are expected to speak Opus
     */
    RecordingParts(Path firstPart, AudioFormat format, boolean stereo, int windowMillis, BooleanSupplier enoughSpace,
            Listener listener, RingPool rings, OggEncoding encoding, boolean opusPackets) {
        this.rings = rings;
        this.encoding = encoding;
        this.fileFormat = RecordingFormat.ofPath(firstPart.getFileName().toString());
        if (opusPackets && (fileFormat != RecordingFormat.OPUS || !stereo)) {
            throw new IllegalArgumentException("Opus packets are stored in stereo Ogg Opus recordings only");
        }
        this.opusPackets = opusPackets;
        this.firstPart = firstPart;
        this.format = format;
        this.stereo = stereo;
        this.windowMillis = windowMillis;
        this.enoughSpace = enoughSpace;
        this.listener = listener;
    }

    /** The file of part {@code part} (1-based) of the recording whose first part is {@code firstPart}. */
    public static Path partFile(Path firstPart, int part) {
        if (part == 1) {
            return firstPart;
        }
        String name = firstPart.getFileName().toString();
        return firstPart.resolveSibling(RecordingFormat.stem(name) + ".part" + part + "."
                + RecordingFormat.ofPath(name).extension());
    }

    /**
     * Opens the first part. Its timeline starts when the call was answered, not when the recorder
     * thread got round to this (a busy recorder or a GC pause can be tens of milliseconds late):
     * the file then holds exactly the answered time, with the recorder's delay as this leg's
     * silence at the start, which its first frames fill anyway.
     */
    void start(long nowSample) {
        if (!openNextPart(nowSample, 0)) {
            partial = true;
            listener.interrupted(0, true, lastError);
        }
    }

    void accept(int leg, long mediaTimestamp, short[] samples, int offset, int length, long nowSample) {
        if (recorder == null || inCut(nowSample)) {
            return;
        }
        try {
            recorder.accept(leg, mediaTimestamp, samples, offset, length, nowSample - partStart);
        }
        catch (RuntimeException e) {
            interrupt(e, nowSample, true);
        }
    }

    /** An Opus frame of a leg: stored as it is by a packet recording; a PCM recording never asked for one. */
    void acceptOpus(int leg, byte[] frame, long nowSample) {
        if (recorder == null || inCut(nowSample)) {
            return;
        }
        if (!recorder.takesOpus()) {
            framesDropped++;
            return;
        }
        try {
            recorder.acceptOpus(leg, frame, nowSample - partStart);
        }
        catch (RuntimeException e) {
            interrupt(e, nowSample, true);
        }
    }

    void reanchor(int leg) {
        if (recorder != null) {
            recorder.reanchor(leg);
        }
    }

    /**
     * Leaves the call out of the file from {@code atSample} on (which may still lie ahead): what was
     * heard before it is still written (the jitter window drains into the file as the cut ends or the
     * recording finishes), nothing after it until {@link #omitUntil}.
     */
    void omitFrom(long atSample) {
        if (omittingFrom < 0) {
            omittingFrom = Math.max(atSample, omittedUntil);
        }
    }

    /**
     * The cut ends at {@code atSample} (which may still lie ahead: until then frames are still left
     * out and the timeline stands at the cut's start): the timeline's origin moves on by its length,
     * and each leg's next frame sets its place again (its media clock ran on through the cut).
     */
    void omitUntil(long atSample) {
        if (omittingFrom < 0) {
            return;
        }
        long end = Math.max(atSample, omittingFrom);
        partStart += end - omittingFrom;
        omittingFrom = -1;
        omittedUntil = end;
        if (recorder != null) {
            recorder.reanchor(CallRecorder.CALLER);
            recorder.reanchor(CallRecorder.AGENT);
        }
    }

    private boolean inCut(long nowSample) {
        return omittingFrom >= 0 ? nowSample >= omittingFrom : nowSample < omittedUntil;
    }

    /** Pushes the current part forward, or, while interrupted, looks for space once a second. */
    void advance(long nowSample) {
        if (inCut(nowSample)) {
            // The timeline stands at the cut's start; an interrupted part opens again after it. A cut
            // may be announced ahead of its start and of its end (a stream's playout delay), so
            // "in the cut" is the clock's place, not whether omitFrom has been called.
            nowSample = omittingFrom >= 0 ? omittingFrom : omittedUntil;
            if (recorder == null) {
                return;
            }
        }
        if (recorder != null) {
            try {
                recorder.advance(nowSample - partStart);
            }
            catch (RuntimeException e) {
                interrupt(e, nowSample, true);
            }
        }
        else if (nowSample - lastSpaceCheck >= format.sampleRate() && openNextPart(nowSample, nowSample)) {
            log.warn("Recording {} resumed in part {}", firstPart, parts);
            listener.resumed(parts);
        }
    }

    Outcome finish(long endSample) {
        if (inCut(endSample)) {
            // Ended during a cut (or before a resume announced ahead took effect): the file ends where it began.
            endSample = omittingFrom >= 0 ? omittingFrom : omittedUntil;
        }
        CompletableFuture<Boolean> written = CompletableFuture.completedFuture(true);
        if (recorder != null) {
            try {
                RecordingResult result = recorder.finish(Math.max(0, endSample - partStart));
                written = recorder.completion();
                closed(result.samples(), result);
            }
            catch (RuntimeException e) {
                interrupt(e, endSample, false);
            }
        }
        Exception error = parts == 0 ? (lastError != null ? lastError : new IOException("No space to record " + firstPart))
                : null;
        return new Outcome(firstPartSamples, totalSamples, parts, partial, framesAccepted, framesDropped, error,
                written);
    }

    private boolean openNextPart(long nowSample, long timelineStart) {
        lastSpaceCheck = nowSample;
        if (!enoughSpace.getAsBoolean()) {
            return false;
        }
        Path file = partFile(firstPart, parts + 1);
        try {
            PrivateFiles.createDirectories(file.getParent());
            // Late audio is patched up to LATE_AUDIO_KEPT_MILLIS back: a format that cannot rewrite
            // (Ogg Opus) holds that much PCM before encoding it.
            if (opusPackets) {
                recorder = new OpusPacketRecorder(file, format, windowMillis);
            }
            else {
                RecordingWriter opened = fileFormat.open(file, format.sampleRate(), stereo ? 2 : 1,
                        (int) format.samplesForMillis(CallRecorder.LATE_AUDIO_KEPT_MILLIS), encoding);
                recorder = new CallRecorder(format, stereo, opened, windowMillis, rings);
            }
            currentFile = file;
            partStart = timelineStart;
            parts++;
            return true;
        }
        catch (IOException | RuntimeException e) {
            log.error("Cannot open recording file {}", file, e);
            lastError = e;
            deleteEmpty(file, fileFormat);
            return false;
        }
    }

    /** A write failed: the part ends here, playable with what it holds. */
    private void interrupt(Exception cause, long nowSample, boolean tell) {
        boolean diskFull = isNoSpace(cause) || !enoughSpace.getAsBoolean();
        log.error("Recording {} interrupted ({}); what it holds is kept and it resumes when space returns", currentFile,
                diskFull ? "disk full" : "write failed", cause);
        RecordingResult progress = recorder.progress();
        recorder.releaseRings();
        recorder.abandon();
        long samples = 0;
        try {
            samples = fileFormat.repair(currentFile);
        }
        catch (IOException | RuntimeException e) {
            log.error("Cannot close recording part {} cleanly", currentFile, e);
        }
        closed(samples, progress);
        partial = true;
        lastError = cause;
        lastSpaceCheck = nowSample;
        if (tell) {
            listener.interrupted(parts, diskFull, cause);
        }
    }

    private void closed(long samples, RecordingResult result) {
        if (parts == 1) {
            firstPartSamples = samples;
        }
        totalSamples += samples;
        framesAccepted += result.framesAccepted();
        framesDropped += result.tooLateFrames() + result.tooEarlyFrames();
        recorder = null;
    }

    private static void deleteEmpty(Path file, RecordingFormat fileFormat) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) <= fileFormat.headerBytes()) {
                Files.delete(file);
            }
        }
        catch (IOException ignored) {
            // the next attempt reports its own failure
        }
    }

    static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("No space left") || message.contains("Disk quota exceeded")
                    || message.contains("not enough space"))) {
                return true;
            }
        }
        return false;
    }
}
