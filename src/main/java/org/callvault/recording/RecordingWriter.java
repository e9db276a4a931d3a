package org.callvault.recording;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * What {@link CallRecorder} writes a call into, whatever the file's format ({@link RecordingFormat}):
 * PCM16 sample frames at the recorder's rate in, appended in order, with the last stretch still
 * open to late audio ({@link #readAt}, {@link #writeAt}) and to a cut back ({@link #truncate}).
 * Not thread-safe: one writer belongs to one recorder thread.
 */
public interface RecordingWriter extends Closeable {

    Path path();

    int sampleRate();

    int channels();

    /** Appends {@code length} samples, interleaved for stereo: a whole number of sample frames. */
    void write(short[] samples, int offset, int length) throws IOException;

    /** Sample frames accepted so far. */
    long samplesWritten();

    /** Bytes of the file as it stands (what has reached the operating system). */
    long fileBytes();

    /** Reads back a stretch already written, still open to patches; see {@link #writeAt}. */
    void readAt(long frameOffset, short[] dst, int offset, int length) throws IOException;

    /** Writes over a stretch already written (late audio), its length unchanged. */
    void writeAt(long frameOffset, short[] src, int offset, int length) throws IOException;

    /** Cuts the recording back to its first {@code sampleFrames} frames. */
    void truncate(long sampleFrames) throws IOException;

    /** Completes the file, forces it to disk and closes it; again does nothing. */
    void finish() throws IOException;

    /** Closes the file as it stands after a failed write: its format's repair then makes it playable. */
    void abandon();

    boolean isOpen();

    /**
     * Completes once {@link #finish} (or {@link #abandon}) has closed the file: {@code true} when it
     * holds everything written. A writer that does its work in {@link #finish} is complete when that
     * returns; one that encodes elsewhere ({@link OggOpusWriter} on its pool) completes later.
     */
    default CompletableFuture<Boolean> completion() {
        return CompletableFuture.completedFuture(true);
    }

    @Override
    default void close() throws IOException {
        finish();
    }
}
