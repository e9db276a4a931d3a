package org.callvault.recording;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;

import org.callvault.media.codec.OpusCodec;
import org.springframework.core.io.AbstractResource;

/**
 * An Ogg Opus recording as a 16-bit 48 kHz WAV file, decoded while it is read (for tools that only
 * take WAV: {@code ?format=wav}). Nothing is converted ahead: memory stays at one decoder and a
 * packet's PCM whatever the call's length. The length is known before decoding (the last page's
 * granule position), so the WAV header is exact and HTTP Range works on the converted file too.
 * If the file turns out shorter than it declares, the rest is silence: the length promised holds.
 */
public final class OggAsWav extends AbstractResource {

    private final Path file;
    private final int channels;
    private final long frames;

    public OggAsWav(Path file) throws IOException {
        this.file = file;
        this.channels = OggOpusReader.header(file).channels();
        this.frames = Math.max(0, OggOpusReader.lastGranule(file) - OggOpusReader.header(file).preSkip());
        if (2L * channels * frames > WavHeader.MAX_DATA_BYTES) {
            throw new IOException(file + " is too long for one WAV file");
        }
    }

    public long frames() {
        return frames;
    }

    @Override
    public long contentLength() {
        return WavHeader.SIZE + 2L * channels * frames;
    }

    @Override
    public String getDescription() {
        return "Ogg Opus as WAV [" + file.getFileName() + "]";
    }

    @Override
    public String getFilename() {
        return RecordingFormat.stem(file.getFileName().toString()) + ".wav";
    }

    @Override
    public boolean exists() {
        return true;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        byte[] header = WavHeader.pcm16(OpusCodec.SAMPLE_RATE, channels, 2L * channels * frames).toBytes();
        return new SequenceInputStream(new ByteArrayInputStream(header), new Samples(new OggOpusReader(file)));
    }

    /** The decoded samples as little-endian bytes, one packet at a time. */
    private final class Samples extends InputStream {

        private final OggOpusReader reader;
        private final short[] pcm = new short[OpusCodec.MAX_FRAME_SAMPLES * 2];
        private final byte[] bytes = new byte[pcm.length * 2];
        private int at;
        private int length;
        private long delivered;

        Samples(OggOpusReader reader) {
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (at == length && !fill()) {
                return -1;
            }
            int count = Math.min(len, length - at);
            System.arraycopy(bytes, at, b, off, count);
            at += count;
            return count;
        }

        private boolean fill() throws IOException {
            if (delivered >= frames) {
                return false;
            }
            int got;
            try {
                got = reader.read(pcm, OpusCodec.MAX_FRAME_SAMPLES);
            }
            catch (IOException | IllegalArgumentException corrupt) {
                got = -1; // a damaged page: silence for the rest, as promised above
            }
            if (got < 0) {
                got = (int) Math.min(OpusCodec.MAX_FRAME_SAMPLES, frames - delivered);
                java.util.Arrays.fill(pcm, 0, got * channels, (short) 0);
            }
            for (int i = 0; i < got * channels; i++) {
                bytes[2 * i] = (byte) pcm[i];
                bytes[2 * i + 1] = (byte) (pcm[i] >> 8);
            }
            delivered += got;
            at = 0;
            length = got * channels * 2;
            return true;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
