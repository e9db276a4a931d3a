package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

import org.callvault.media.Pcm16;

/**
 * Streams PCM16 samples into a WAV file as a call goes on.
 *
 * <p>The header is written up front with a data size of 0 and patched by {@link #finish()}. A
 * process that dies mid-call therefore leaves a file that starts with a valid header declaring
 * no data, followed by the samples that had reached the operating system: exactly the shape
 * {@link WavRepair} recognises and fixes.
 *
 * <p>Samples are encoded into one direct buffer allocated with the writer, and the buffer goes to
 * the file when it is full (16 KiB, or a quarter of a second of audio if that is less: 0.19 s of
 * 44.1 kHz mono, 0.25 s of 8 kHz), on {@link #flush()} and on {@link #finish()}. Appending thus
 * allocates nothing and costs one system call per 16 KiB rather than one per 20 ms frame, which
 * matters with hundreds of calls on two cores; the price is that a crash loses what was still in
 * the buffer (at most a quarter of a second), on top of the recorder's jitter window it loses
 * anyway. Only {@link #finish()} forces the file to the disk itself.
 *
 * <p>The file is created readable by the server's user only (0600 where the file system has POSIX
 * permissions): recordings are personal data.
 *
 * <p>Not thread-safe: one writer belongs to one recorder thread.
 */
public final class WavFileWriter implements RecordingWriter {

    /** Large enough to batch many frames a system call, small enough to keep per-call memory low. */
    private static final int BUFFER_BYTES = 16 * 1024;

    private final Path path;
    private final int sampleRate;
    private final int channels;
    private final int blockAlign;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    /** For {@link #readAt} and {@link #writeAt}: late audio patched into what was written. */
    private final ByteBuffer patchBuffer;
    /** Sample bytes accepted, buffered ones included. */
    private long dataBytes;
    /** Sample bytes handed to the file channel. */
    private long bytesInFile;
    private boolean closed;

    /**
     * Creates {@code path} (which must not exist yet: a recording is never silently overwritten;
     * its folder must exist) and writes a 16-bit PCM header declaring no data.
     */
    public WavFileWriter(Path path, int sampleRate, int channels) throws IOException {
        WavHeader empty = WavHeader.pcm16(sampleRate, channels, 0);
        this.path = path;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.blockAlign = empty.blockAlign();
        // At most a quarter of a second buffered, whatever the rate: what a crash can lose here.
        this.buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN).limit(bufferLimit());
        this.patchBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.channel = PrivateFiles.createNew(path);
        try {
            writeFully(ByteBuffer.wrap(empty.toBytes()), 0);
        }
        catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int channels() {
        return channels;
    }

    /**
     * Appends {@code length} samples; for stereo they are interleaved (L R L R ...) and
     * {@code length} must be a multiple of the channel count, so the file always ends on a whole
     * sample frame.
     */
    public void write(short[] samples, int offset, int length) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0) {
            throw new IllegalArgumentException(length + " samples is not a whole number of " + channels + "-channel frames");
        }
        long newDataBytes = dataBytes + 2L * length;
        if (newDataBytes > WavHeader.MAX_DATA_BYTES) {
            throw new IOException("WAV size limit (4 GiB) reached for " + path);
        }
        int done = 0;
        while (done < length) {
            int chunk = Math.min(length - done, buffer.remaining() / 2);
            Pcm16.encode(samples, offset + done, chunk, buffer);
            done += chunk;
            if (!buffer.hasRemaining()) {
                drainBuffer();
            }
        }
        dataBytes = newDataBytes;
    }

    /** Hands the buffered samples to the operating system (without forcing them to the disk). */
    public void flush() throws IOException {
        ensureOpen();
        drainBuffer();
    }

    /** Sample frames written so far, buffered ones included (for stereo, one frame is a left and a right sample). */
    public long samplesWritten() {
        return dataBytes / blockAlign;
    }

    @Override
    public long fileBytes() {
        return WavHeader.SIZE + dataBytes;
    }

    /** Bytes of sample data written so far (the file is 44 bytes longer). */
    public long dataBytes() {
        return dataBytes;
    }

    /**
     * Cuts the data back to its first {@code sampleFrames} frames. Lets the recorder honour an
     * exact call length even when it had already flushed past it.
     */
    @Override
    public void truncate(long sampleFrames) throws IOException {
        ensureOpen();
        if (sampleFrames < 0 || sampleFrames > samplesWritten()) {
            throw new IllegalArgumentException("Cannot truncate " + samplesWritten() + " frames to " + sampleFrames);
        }
        drainBuffer();
        dataBytes = sampleFrames * blockAlign;
        bytesInFile = dataBytes;
        channel.truncate(WavHeader.SIZE + dataBytes);
    }

    /**
     * Patches the RIFF and data sizes, forces everything to disk and closes the file. Calling it
     * again does nothing. If patching fails the file is still closed, and still repairable.
     */
    public void finish() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            drainBuffer();
            writeFully(ByteBuffer.wrap(WavHeader.pcm16(sampleRate, channels, dataBytes).toBytes()), 0);
            channel.force(true);
        }
    }

    /** Same as {@link #finish()}: a writer closed by try-with-resources leaves a valid file. */
    @Override
    public void close() throws IOException {
        finish();
    }

    public boolean isOpen() {
        return !closed;
    }

    private void drainBuffer() throws IOException {
        buffer.flip();
        int bytes = buffer.remaining();
        try {
            writeFully(buffer, WavHeader.SIZE + bytesInFile);
        }
        finally {
            buffer.clear().limit(bufferLimit());
        }
        bytesInFile += bytes;
    }

    private int bufferLimit() {
        return Math.min(BUFFER_BYTES, Math.max(blockAlign, sampleRate / 4 * blockAlign));
    }

    /**
     * Reads back {@code length} samples (interleaved for stereo; a whole number of sample frames)
     * starting at sample frame {@code frameOffset}, which must have been written already.
     */
    @Override
    public void readAt(long frameOffset, short[] dst, int offset, int length) throws IOException {
        checkRegion(frameOffset, dst, offset, length);
        drainBuffer();
        int done = 0;
        while (done < length) {
            int chunk = Math.min(length - done, patchBuffer.capacity() / 2);
            patchBuffer.clear().limit(2 * chunk);
            long at = WavHeader.SIZE + frameOffset * blockAlign + 2L * done;
            while (patchBuffer.hasRemaining()) {
                if (channel.read(patchBuffer, at + patchBuffer.position()) < 0) {
                    throw new IOException(path + " ended before sample frame " + (frameOffset + length / channels));
                }
            }
            patchBuffer.flip();
            Pcm16.decode(patchBuffer, dst, offset + done);
            done += chunk;
        }
    }

    /** Writes samples over a stretch already written (see {@link #readAt}); the length is unchanged. */
    @Override
    public void writeAt(long frameOffset, short[] src, int offset, int length) throws IOException {
        checkRegion(frameOffset, src, offset, length);
        drainBuffer();
        int done = 0;
        while (done < length) {
            int chunk = Math.min(length - done, patchBuffer.capacity() / 2);
            patchBuffer.clear();
            Pcm16.encode(src, offset + done, chunk, patchBuffer);
            patchBuffer.flip();
            writeFully(patchBuffer, WavHeader.SIZE + frameOffset * blockAlign + 2L * done);
            done += chunk;
        }
    }

    private void checkRegion(long frameOffset, short[] samples, int offset, int length) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, samples.length);
        if (length % channels != 0 || frameOffset < 0 || frameOffset + length / channels > samplesWritten()) {
            throw new IllegalArgumentException("Samples " + frameOffset + " + " + length + " are not a written stretch of "
                    + path + " (" + samplesWritten() + " frames)");
        }
    }

    /**
     * Closes the file without touching it further, after a write failed (a full disk): the header
     * is then set from what really reached the file by {@link WavRepair}, not from what was meant
     * to.
     */
    @Override
    public void abandon() {
        closed = true;
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing more can be done for this file; its repair reads what it holds
        }
    }

    private void writeFully(ByteBuffer source, long position) throws IOException {
        long at = position;
        while (source.hasRemaining()) {
            at += channel.write(source, at);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Recording " + path + " is already finished");
        }
    }
}
