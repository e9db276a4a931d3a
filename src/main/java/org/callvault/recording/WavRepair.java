package org.callvault.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.callvault.recording.WavHeader.InvalidWavException;

/**
 * Makes a recording that was left open by a crash playable again.
 *
 * <p>{@link WavFileWriter} writes the header first with a data size of 0 and appends samples
 * after it, so after a crash the file holds a valid header, every sample the operating system
 * received, and perhaps half a sample frame that was being written. Repair cuts that partial
 * frame and sets both size fields from the file's real length. The data chunk is the last chunk
 * of every file CallVault writes, so the bytes after the header are all samples: nothing that
 * reached the disk as a complete frame is ever thrown away.
 *
 * <p>Repairing a healthy file changes nothing, so it is safe to run on every file found open at
 * startup.
 */
public final class WavRepair {

    private WavRepair() {
    }

    /**
     * What repair found and did.
     *
     * @param samples        sample frames recovered (all of them are in the repaired file)
     * @param dataBytes      bytes of sample data in the repaired file
     * @param bytesTruncated bytes of a trailing partial frame that were cut (less than one frame)
     * @param changed        whether the file was modified at all
     */
    public record Result(long samples, long dataBytes, long bytesTruncated, boolean changed) {
    }

    /**
     * Repairs {@code file} in place.
     *
     * @throws InvalidWavException if the file does not start with a canonical PCM WAV header (it
     *                             is then left untouched)
     */
    public static Result repair(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < WavHeader.SIZE) {
                throw new InvalidWavException(file + " is too short to hold a WAV header (" + size + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate(WavHeader.SIZE);
            while (headerBytes.hasRemaining()) {
                if (channel.read(headerBytes, headerBytes.position()) < 0) {
                    throw new InvalidWavException(file + " ended while reading its header");
                }
            }
            headerBytes.flip();
            WavHeader declared = WavHeader.parse(headerBytes);

            long bytesOnDisk = size - WavHeader.SIZE;
            long partialFrame = bytesOnDisk % declared.blockAlign();
            long dataBytes = bytesOnDisk - partialFrame;
            if (dataBytes > WavHeader.MAX_DATA_BYTES) {
                // Refuse rather than cut complete samples to fit the 4 GiB format limit.
                throw new InvalidWavException(file + " holds " + dataBytes + " data bytes, more than a WAV file can declare");
            }
            byte[] repairedHeader = declared.withDataBytes(dataBytes).toBytes();
            boolean headerChanged = !Arrays.equals(repairedHeader, headerBytes.array());

            if (partialFrame > 0) {
                channel.truncate(WavHeader.SIZE + dataBytes);
            }
            if (headerChanged) {
                ByteBuffer patch = ByteBuffer.wrap(repairedHeader);
                while (patch.hasRemaining()) {
                    channel.write(patch, patch.position());
                }
            }
            boolean changed = headerChanged || partialFrame > 0;
            if (changed) {
                channel.force(true);
            }
            return new Result(dataBytes / declared.blockAlign(), dataBytes, partialFrame, changed);
        }
    }
}
