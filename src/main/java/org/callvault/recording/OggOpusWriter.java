package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.callvault.media.Resampler;
import org.callvault.media.codec.OpusCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a call into an Ogg Opus file (RFC 7845): PCM16 at the recorder's rate in, resampled to
 * 48 kHz ({@link Resampler}), encoded in 20 ms packets ({@link OpusCodec}), written as Ogg pages
 * ({@link OggPages}) of at most a second each.
 *
 * <p><b>Exactness.</b> The stream's pre-skip is the encoder's lookahead plus the resampler's delay,
 * so decoded sample 0 is the call's first instant (within half a 48 kHz sample), and the last
 * page's granule position is pre-skip plus exactly {@code round(frames × 48000 / rate)}: a player
 * trims the padding of the last packet, and the file lasts what the call lasted.
 *
 * <p><b>Late audio.</b> An encoded packet cannot be patched, so the last {@code holdFrames} sample
 * frames are kept as PCM before they are encoded: {@link #readAt}, {@link #writeAt} and
 * {@link #truncate} work within them exactly as in a WAV file, and the recorder's late-audio window
 * ({@link CallRecorder#LATE_AUDIO_KEPT_MILLIS}) fits inside. The cost is memory (the window's PCM,
 * 0.9 MB for 5 s of 44.1 kHz stereo) and what a crash loses: the held audio and the page being
 * filled, at most the window plus a second, where WAV loses a quarter of a second.
 *
 * <p><b>Where the encoding runs.</b> The held window is this class's; what leaves it goes to an
 * {@link OggOpusStream}, which resamples, encodes and writes pages. Made with an {@link OggEncoding}
 * (the recorder), each step leaving the window is copied to the recording's lane and encoded on
 * the encoding pool; {@link #finish} then returns at once and {@link #completion} tells when the
 * file is whole and closed. A failure there reaches the writer's thread at its next write, as an
 * IOException, like a failed write of a WAV file. Made without (a conversion, the tests), the
 * stream runs on the caller's thread.
 */
public final class OggOpusWriter implements RecordingWriter {

    private static final Logger log = LoggerFactory.getLogger(OggOpusWriter.class);
    /** The most frames one call to {@link #encodeHeld} takes outside {@link #finish}: the ring's slack. */
    private static final int STEP_FRAMES = OggOpusStream.PACKET_SAMPLES;
    /** How long {@link #abandon} waits for the lane to close the file (it only skips what is queued). */
    private static final long ABANDON_WAIT_SECONDS = 10;

    private final Path path;
    private final int sampleRate;
    private final int channels;
    private final int bitrate;
    private final int holdFrames;
    private final OggOpusStream stream;
    /** The recording's queue on the encoding pool, or null: the stream runs on this thread. */
    private final OggEncoding.Lane lane;
    /** Step buffers back from the lane, for the next steps: nothing allocated per step but the task. */
    private final Queue<short[]> spareSteps = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Boolean> completion = new CompletableFuture<>();
    /** The first failure on the encoding pool; the lane skips what follows it. */
    private volatile Exception failure;

    /**
     * Held PCM, interleaved, a ring: frames {@code [heldFrom, heldFrom + heldCount)} of the stream,
     * frame {@code f} at {@code (f % capacity) × channels}. A ring, not a shifted array: moving the
     * window's PCM every 20 ms would cost more than encoding it.
     */
    private final short[] held;
    private final int capacity;
    private long heldFrom;
    private int heldCount;
    private boolean closed;

    /**
     * Creates {@code path} (it must not exist) and writes the Opus headers; encodes on the caller's thread.
     *
     * @param sampleRate the recorder's rate (8000..192000, 44100 normally)
     * @param channels   1 (mixed) or 2 (one party per channel)
     * @param bitrate    the Opus bit rate, all channels together
     * @param complexity the encoder's complexity (0..10)
     * @param holdFrames sample frames kept open to late audio before they are encoded
     */
    public OggOpusWriter(Path path, int sampleRate, int channels, int bitrate, int complexity, int holdFrames)
            throws IOException {
        this(path, sampleRate, channels, bitrate, complexity, holdFrames, OpusCodec.implementation(), null);
    }

    /**
     * As above, with the Opus implementation chosen and, if {@code encoding} is not null, the
     * encoding done on its pool.
     */
    OggOpusWriter(Path path, int sampleRate, int channels, int bitrate, int complexity, int holdFrames,
            OpusCodec.Implementation implementation, OggEncoding encoding) throws IOException {
        if (holdFrames < 0) {
            throw new IllegalArgumentException("holdFrames must not be negative");
        }
        this.path = path;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.bitrate = bitrate;
        this.holdFrames = holdFrames;
        this.capacity = holdFrames + STEP_FRAMES;
        this.held = new short[capacity * channels];
        // Stereo is two mono streams: one stereo stream would let each party bleed into the other's channel.
        this.stream = new OggOpusStream(path, sampleRate, channels, channels == 2,
                () -> channels == 2 ? OpusCodec.newTwoStreamEncoder(implementation, bitrate, complexity)
                        : OpusCodec.newEncoder(implementation, channels, bitrate, complexity));
        this.lane = encoding == null ? null : encoding.newLane();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public int channels() {
        return channels;
    }

    /** The Opus bit rate, all channels together. */
    public int bitrate() {
        return bitrate;
    }

    /** The stream's pre-skip in 48 kHz samples: the encoder's lookahead and the resampler's delay. */
    public int preSkip() {
        return stream.preSkip();
    }

    @Override
    public void write(short[] samples, int offset, int length) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0) {
            throw new IllegalArgumentException(length + " samples is not a whole number of " + channels + "-channel frames");
        }
        int frames = length / channels;
        for (int done = 0; done < frames; ) {
            if (heldCount == capacity) {
                encodeHeld(heldCount - holdFrames);
            }
            int at = (int) ((heldFrom + heldCount) % capacity);
            int chunk = Math.min(frames - done, Math.min(capacity - heldCount, capacity - at));
            System.arraycopy(samples, offset + done * channels, held, at * channels, chunk * channels);
            heldCount += chunk;
            done += chunk;
        }
        if (heldCount > holdFrames) {
            encodeHeld(heldCount - holdFrames);
        }
    }

    @Override
    public long samplesWritten() {
        return heldFrom + heldCount;
    }

    /** Bytes on disk so far; with an encoding pool, what the pool has written by now. */
    @Override
    public long fileBytes() {
        return stream.fileBytes();
    }

    @Override
    public void readAt(long frameOffset, short[] dst, int offset, int length) throws IOException {
        checkHeld(frameOffset, dst, offset, length);
        for (int i = 0; i < length; i++) {
            dst[offset + i] = held[ringIndex(frameOffset, i)];
        }
    }

    @Override
    public void writeAt(long frameOffset, short[] src, int offset, int length) throws IOException {
        checkHeld(frameOffset, src, offset, length);
        for (int i = 0; i < length; i++) {
            held[ringIndex(frameOffset, i)] = src[offset + i];
        }
    }

    /** Where sample {@code i} (interleaved) counted from frame {@code frame} lies in the ring. */
    private int ringIndex(long frame, int i) {
        return (int) ((frame + i / channels) % capacity) * channels + i % channels;
    }

    private void checkHeld(long frameOffset, short[] samples, int offset, int length) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0 || frameOffset < heldFrom || frameOffset + length / channels > samplesWritten()) {
            throw new IllegalArgumentException("Samples " + frameOffset + " + " + length + " are not a held stretch of "
                    + path + " (frames " + heldFrom + ".." + samplesWritten() + " are open to late audio)");
        }
    }

    /** Cuts back within the held stretch; audio already encoded cannot be cut (IOException). */
    @Override
    public void truncate(long sampleFrames) throws IOException {
        ensureOpen();
        if (sampleFrames < 0 || sampleFrames > samplesWritten()) {
            throw new IllegalArgumentException("Cannot truncate " + samplesWritten() + " frames to " + sampleFrames);
        }
        if (sampleFrames < heldFrom) {
            throw new IOException("Cannot cut " + path + " back to frame " + sampleFrames + ": frames up to " + heldFrom
                    + " are encoded already");
        }
        heldCount = (int) (sampleFrames - heldFrom);
    }

    /**
     * Encodes what is held, flushes the resampler's tail, pads the last packet and writes the last
     * page with the exact end granule, then forces the file to disk. With an encoding pool this is
     * queued behind the recording's steps and {@link #completion} completes when it is done.
     */
    @Override
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (lane == null) {
            try {
                stream.encode(held, capacity, heldFrom, heldCount);
                stream.finish();
            }
            catch (IOException | RuntimeException e) {
                stream.close();
                completion.complete(false);
                throw e;
            }
            completion.complete(true);
            return;
        }
        // The ring is the lane's from here on: nothing on this side touches it any more.
        long first = heldFrom;
        int count = heldCount;
        lane.last(() -> {
            try {
                if (failure != null) {
                    throw new IOException("Encoding " + path + " failed earlier", failure);
                }
                stream.encode(held, capacity, first, count);
                stream.finish();
                completion.complete(true);
            }
            catch (IOException | RuntimeException e) {
                log.error("Cannot finish Ogg recording {}; keeping what reached the disk", path, e);
                stream.close();
                repairQuietly();
                completion.complete(false);
            }
        });
    }

    /**
     * Completes when the file is finished and closed: {@code true} when it holds all that was
     * written, {@code false} when a failure cut it short (it is then repaired, playable up to its
     * last whole page). Already complete without an encoding pool.
     */
    @Override
    public CompletableFuture<Boolean> completion() {
        return completion;
    }

    /** Closes the file as it stands; with an encoding pool, once the lane has stopped writing to it. */
    @Override
    public void abandon() {
        if (closed && lane == null) {
            return;
        }
        closed = true;
        if (lane == null) {
            stream.close();
            completion.complete(false);
            return;
        }
        if (failure == null) {
            failure = new IOException("Recording " + path + " abandoned");
        }
        try {
            lane.last(stream::close).get(ABANDON_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException e) {
            log.error("Could not close abandoned Ogg recording {} in time", path, e);
        }
        completion.complete(false);
    }

    /** Steps of PCM waiting for the encoding pool (0 without one). */
    int queuedSteps() {
        return lane == null ? 0 : lane.queuedSteps();
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    /** Encodes the oldest {@code frames} held frames, here or on the lane, and lets them go. */
    private void encodeHeld(int frames) throws IOException {
        if (frames <= 0) {
            return;
        }
        if (lane == null) {
            stream.encode(held, capacity, heldFrom, frames);
        }
        else {
            Exception failed = failure;
            if (failed != null) {
                throw new IOException("Cannot encode " + path, failed);
            }
            short[] step = spareSteps.poll();
            if (step == null) {
                step = new short[STEP_FRAMES * channels];
            }
            int at = (int) (heldFrom % capacity);
            int first = Math.min(frames, capacity - at);
            System.arraycopy(held, at * channels, step, 0, first * channels);
            System.arraycopy(held, 0, step, first * channels, (frames - first) * channels);
            short[] pcm = step;
            if (!lane.step(() -> encodeStep(pcm, frames), () -> encodeSilence(frames))) {
                spareSteps.add(step);
            }
        }
        heldFrom += frames;
        heldCount -= frames;
    }

    /** On the lane. */
    private void encodeStep(short[] pcm, int frames) {
        try {
            if (failure == null) {
                stream.encode(pcm, frames, 0, frames);
            }
        }
        catch (IOException | RuntimeException e) {
            fail(e);
        }
        finally {
            spareSteps.add(pcm);
        }
    }

    /** On the lane: a step that found it a second behind, kept as silence so that time does not shift. */
    private void encodeSilence(int frames) {
        try {
            if (failure == null) {
                stream.encodeSilence(frames);
            }
        }
        catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    private void fail(Exception e) {
        if (failure == null) {
            log.error("Cannot encode Ogg recording {}", path, e);
            failure = e;
        }
    }

    private void repairQuietly() {
        try {
            OggRepair.repair(path);
        }
        catch (IOException | RuntimeException e) {
            log.error("Cannot repair Ogg recording {}", path, e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Recording " + path + " is already finished");
        }
    }
}
