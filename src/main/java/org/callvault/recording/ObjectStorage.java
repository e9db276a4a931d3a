package org.callvault.recording;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where finished recordings go when they do not stay in the recordings folder (today: an
 * S3-compatible bucket, {@link S3ObjectStorage}). Knows nothing of audio formats: it moves files by
 * key ({@code 2026/11/24/<call-id>.wav} and its companions, the key being the file's path in the
 * recordings folder). Every method blocks: callers run it off the network threads.
 */
public interface ObjectStorage {

    /**
     * Stores {@code file} under {@code key}, verified: the object's SHA-256 must be {@code sha256Hex}
     * (when given), else nothing is kept and an IOException is thrown.
     */
    void put(String key, Path file, String sha256Hex) throws IOException;

    /**
     * Opens an object, whole ({@code range} null) or one byte range ({@code bytes=0-99}, {@code bytes=-500}).
     *
     * @throws RangeNotSatisfiable when the range starts past the object's end
     * @throws IOException         when the object is missing or the storage cannot be reached
     */
    Read get(String key, String range) throws IOException;

    /** Deletes an object; a missing one is not an error. */
    void delete(String key) throws IOException;

    /**
     * The keys below {@code prefix} (e.g. {@code 2026/} or {@code ""} for all), in the storage's
     * order, fetched page by page as the stream is read: a library of millions of objects is never
     * held in memory at once. Close the stream. A failure while reading it throws
     * {@link java.io.UncheckedIOException}.
     */
    Stream<String> list(String prefix) throws IOException;

    /** Whether the bucket answers; the problem in words, or null. */
    String problem();

    /**
     * @param contentRange {@code bytes a-b/total} for a range read, else null
     * @param length       the bytes {@code stream} holds
     */
    record Read(InputStream stream, long length, String contentRange, long totalSize) {
    }

    /** A range the object cannot satisfy (HTTP 416). */
    final class RangeNotSatisfiable extends IOException {

        private final long size;

        public RangeNotSatisfiable(long size) {
            super("Range not satisfiable (object of " + size + " bytes)");
            this.size = size;
        }

        public long size() {
            return size;
        }
    }
}
