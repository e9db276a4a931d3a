package org.callvault.media;

import java.time.Duration;

/**
 * The canonical media format of a call: mono PCM16 at {@code sampleRate}, cut into frames of
 * {@code frameMillis}. Every leg is converted to this format before it reaches the recorder, so
 * the recorder can count time in samples and never has to resample.
 *
 * <p>Frames must hold a whole number of samples (44.1 kHz × 20 ms = 882), otherwise frame
 * boundaries would drift against the sample clock; the constructor refuses such combinations.
 *
 * @param sampleRate  samples per second, 8000..96000
 * @param frameMillis length of one frame in milliseconds, 10..60
 */
public record AudioFormat(int sampleRate, int frameMillis) {

    public static final int DEFAULT_SAMPLE_RATE = 44_100;
    public static final int DEFAULT_FRAME_MILLIS = 20;
    public static final AudioFormat DEFAULT = new AudioFormat(DEFAULT_SAMPLE_RATE, DEFAULT_FRAME_MILLIS);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public AudioFormat {
        if (sampleRate < 8_000 || sampleRate > 96_000) {
            throw new IllegalArgumentException("sampleRate must be 8000..96000 Hz, got " + sampleRate);
        }
        if (frameMillis < 10 || frameMillis > 60) {
            throw new IllegalArgumentException("frameMillis must be 10..60 ms, got " + frameMillis);
        }
        if ((long) sampleRate * frameMillis % 1000 != 0) {
            throw new IllegalArgumentException("A " + frameMillis + " ms frame at " + sampleRate
                    + " Hz is not a whole number of samples");
        }
    }

    /** The default format: 44.1 kHz, 20 ms frames. */
    public AudioFormat() {
        this(DEFAULT_SAMPLE_RATE, DEFAULT_FRAME_MILLIS);
    }

    public int samplesPerFrame() {
        return sampleRate * frameMillis / 1000;
    }

    /** Bytes of one mono PCM16 frame. */
    public int bytesPerFrame() {
        return samplesPerFrame() * Short.BYTES;
    }

    /** Whole samples in {@code duration} (rounded down; negative durations give negative counts). */
    public long samplesFor(Duration duration) {
        // Seconds and nanos apart so that long durations cannot overflow the multiplication.
        return duration.getSeconds() * sampleRate + duration.getNano() * (long) sampleRate / NANOS_PER_SECOND;
    }

    /** Whole samples in {@code nanos} nanoseconds, rounded towards minus infinity. */
    public long samplesForNanos(long nanos) {
        long seconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long rest = Math.floorMod(nanos, NANOS_PER_SECOND);
        return seconds * sampleRate + rest * sampleRate / NANOS_PER_SECOND;
    }

    /** Whole samples in {@code millis} milliseconds, rounded towards minus infinity. */
    public long samplesForMillis(long millis) {
        return Math.floorDiv(millis, 1000) * sampleRate + Math.floorMod(millis, 1000) * (long) sampleRate / 1000;
    }

    /** Milliseconds covered by {@code samples}, rounded towards minus infinity. */
    public long millisFor(long samples) {
        return Math.floorDiv(samples, sampleRate) * 1000 + Math.floorMod(samples, sampleRate) * 1000L / sampleRate;
    }
}
