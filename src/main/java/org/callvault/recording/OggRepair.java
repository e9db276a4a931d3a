package org.callvault.recording;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.callvault.media.codec.OpusCodec;

/**
 * Makes an Ogg Opus recording left open by a crash playable: {@link OggOpusWriter} only ever
 * appends whole pages, so the file is a run of valid pages and perhaps one torn page at the end.
 * Repair walks the pages checking each CRC, cuts the file after the last whole one, and marks that
 * page as the end of the stream (its CRC recomputed). The audio then lasts up to that page's
 * granule position: nothing that reached the disk as a whole page is thrown away.
 * Repairing a healthy, finished file changes nothing.
 */
public final class OggRepair {

    private OggRepair() {
    }

    /**
     * @param samples        sample frames recovered, at the recording's input rate (OpusHead)
     * @param durationMillis what the repaired file lasts
     * @param bytesTruncated bytes of a torn page that were cut
     * @param changed        whether the file was modified at all
     */
    public record Result(long samples, long durationMillis, long bytesTruncated, boolean changed) {
    }

    public static Result repair(Path file) throws IOException {
        OggOpusReader.Header header = OggOpusReader.header(file);
        long good = 0;
        long lastPageAt = -1;
        OggPages.Page last = null;
        long granule = header.preSkip();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            while (true) {
                OggPages.Page page;
                try {
                    page = OggPages.read(in);
                }
                catch (OggPages.InvalidOggException torn) {
                    break;
                }
                if (page == null) {
                    break;
                }
                lastPageAt = good;
                last = page;
                good += page.bytes();
                if (page.granule() != -1 && page.granule() > 0) {
                    granule = page.granule();
                }
            }
        }
        long size = Files.size(file);
        boolean changed = false;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (good < size) {
                channel.truncate(good);
                changed = true;
            }
            if (last != null && !last.eos()) {
                setEndOfStream(channel, lastPageAt, last.bytes());
                changed = true;
            }
            if (changed) {
                channel.force(true);
            }
        }
        long frames48 = Math.max(0, granule - header.preSkip());
        long samples = Math.round(frames48 * (double) header.inputRate() / OpusCodec.SAMPLE_RATE);
        return new Result(samples, frames48 * 1000 / OpusCodec.SAMPLE_RATE, size - good, changed);
    }

    private static void setEndOfStream(FileChannel channel, long at, int length) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (page.hasRemaining() && channel.read(page, at + page.position()) > 0) {
            // fill
        }
        byte[] bytes = page.array();
        bytes[5] |= OggPages.FLAG_EOS;
        page.putInt(22, 0);
        page.putInt(22, OggPages.crc(bytes, 0, length));
        page.clear();
        while (page.hasRemaining()) {
            channel.write(page, at + page.position());
        }
    }
}
