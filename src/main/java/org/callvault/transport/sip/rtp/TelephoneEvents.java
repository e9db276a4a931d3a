package org.callvault.transport.sip.rtp;

import java.util.function.Consumer;

/**
 * RFC 4733 telephone-events of one RTP stream, turned into DTMF digits.
 *
 * <p>A sender repeats an event in many packets that share the event's start timestamp (the
 * duration growing), and sends its end packet three times (section 2.5.1.4). This class hands
 * exactly one {@link Digit} per event to its listener: when the first end packet arrives, or,
 * if every end packet was lost, when the next event starts or {@link #finish()} is called.
 * Repeated end packets and stale packets of an earlier event are ignored. Events 0-15 are the
 * digits 0-9 * # A-D; other events (flash, tones) are refused with a reason.
 */
public final class TelephoneEvents {

    private static final char[] DIGITS = "0123456789*#ABCD".toCharArray();

    /** Why a payload was not taken. */
    public enum Problem {
        NONE,
        /** Fewer than the 4 bytes of an event block. */
        TOO_SHORT,
        /** Event code above 15: not a DTMF digit. */
        NOT_A_DIGIT
    }

    /** One digit: its event's RTP timestamp (its start), duration in timestamp units, and volume as the RFC carries it (0..63, meaning 0 to -63 dBm0). */
    public record Digit(char digit, long rtpTimestamp, int durationUnits, int volume, boolean endSeen) {

        public long durationMillis(int clockRate) {
            return durationUnits * 1000L / clockRate;
        }
    }

    private final Consumer<Digit> listener;

    private boolean active;
    private long activeTimestamp;
    private char activeDigit;
    private int activeDuration;
    private int activeVolume;
    private boolean haveEnded;
    private long endedTimestamp;
    private long digits;
    private long malformed;

    public TelephoneEvents(Consumer<Digit> listener) {
        this.listener = listener;
    }

    /** The digit for event code {@code event}, or 0 when it is not 0..15. */
    public static char digitOf(int event) {
        return event >= 0 && event < DIGITS.length ? DIGITS[event] : 0;
    }

    /** Checks an event block without taking it: the reason it would be refused, or NONE. */
    public static Problem check(byte[] payload, int offset, int length) {
        if (payload == null || offset < 0 || length < 4 || offset > payload.length - length) {
            return Problem.TOO_SHORT;
        }
        return (payload[offset] & 0xFF) > 15 ? Problem.NOT_A_DIGIT : Problem.NONE;
    }

    /** Takes the payload of one telephone-event packet with RTP timestamp {@code rtpTimestamp}. */
    public Problem offer(long rtpTimestamp, byte[] payload, int offset, int length) {
        Problem problem = check(payload, offset, length);
        if (problem != Problem.NONE) {
            malformed++;
            return problem;
        }
        long timestamp = rtpTimestamp & 0xFFFF_FFFFL;
        char digit = DIGITS[payload[offset] & 0xFF];
        boolean end = (payload[offset + 1] & 0x80) != 0;
        int volume = payload[offset + 1] & 0x3F;
        int duration = ((payload[offset + 2] & 0xFF) << 8) | (payload[offset + 3] & 0xFF);

        if (haveEnded && (int) (timestamp - endedTimestamp) <= 0) {
            return Problem.NONE; // a repeated end packet, or a late packet of an event already reported
        }
        if (active && timestamp != activeTimestamp) {
            if ((int) (timestamp - activeTimestamp) < 0) {
                return Problem.NONE; // older than the event in progress
            }
            report(false); // its end packets were all lost
        }
        if (!active) {
            active = true;
            activeTimestamp = timestamp;
            activeDigit = digit;
            activeDuration = duration;
            activeVolume = volume;
        } else {
            activeDuration = Math.max(activeDuration, duration); // updates may arrive reordered
        }
        if (end) {
            report(true);
        }
        return Problem.NONE;
    }

    /** Reports an event still in progress whose end never came (the stream stopped). */
    public void finish() {
        if (active) {
            report(false);
        }
    }

    /** Forgets the events seen (the source restarted with other timestamps), reporting one in progress first. */
    public void reset() {
        finish();
        haveEnded = false;
    }

    private void report(boolean endSeen) {
        active = false;
        haveEnded = true;
        endedTimestamp = activeTimestamp;
        digits++;
        listener.accept(new Digit(activeDigit, activeTimestamp, activeDuration, activeVolume, endSeen));
    }

    public long digits() {
        return digits;
    }

    public long malformed() {
        return malformed;
    }
}
