package org.callvault.transport.sip.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.callvault.transport.sip.rtp.TelephoneEvents.Digit;
import org.callvault.transport.sip.rtp.TelephoneEvents.Problem;
import org.junit.jupiter.api.Test;

class TelephoneEventsTest {

    private final List<Digit> digits = new ArrayList<>();
    private final TelephoneEvents events = new TelephoneEvents(digits::add);

    private static byte[] event(int code, boolean end, int volume, int duration) {
        return new byte[] {(byte) code, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >>> 8), (byte) duration};
    }

    private Problem offer(long timestamp, byte[] payload) {
        return events.offer(timestamp, payload, 0, payload.length);
    }

    @Test
    void aFiveSentAsSevenPacketsWithThreeEndPacketsIsOneDigit() {
        long start = 0xFFFF_FF00L; // the event starts just before the timestamp wraps: its timestamp stays the same
        offer(start, event(5, false, 10, 160));
        offer(start, event(5, false, 10, 320));
        offer(start, event(5, false, 10, 480));
        offer(start, event(5, false, 10, 640));
        assertThat(digits).as("no digit before the end").isEmpty();
        offer(start, event(5, true, 10, 800));
        offer(start, event(5, true, 10, 800));
        offer(start, event(5, true, 10, 800));

        assertThat(digits).containsExactly(new Digit('5', start, 800, 10, true));
        assertThat(digits.get(0).durationMillis(8_000)).isEqualTo(100);
        assertThat(events.digits()).isEqualTo(1);
    }

    @Test
    void reorderedUpdatesKeepTheLongestDurationAndLatePacketsOfAReportedEventAreIgnored() {
        offer(1000, event(9, false, 7, 160));
        offer(1000, event(9, false, 7, 480));
        offer(1000, event(9, false, 7, 320)); // reordered
        offer(1000, event(9, true, 7, 640));
        offer(1000, event(9, false, 7, 480)); // arrives after the end

        assertThat(digits).containsExactly(new Digit('9', 1000, 640, 7, true));
    }

    @Test
    void anEventWhoseEndPacketsAreAllLostIsReportedWhenTheNextStartsOrTheStreamEnds() {
        offer(1000, event(1, false, 10, 160));
        offer(1000, event(1, false, 10, 320));
        offer(3000, event(2, false, 10, 160));
        assertThat(digits).containsExactly(new Digit('1', 1000, 320, 10, false));

        offer(3000, event(2, false, 10, 480));
        events.finish();
        assertThat(digits).extracting(Digit::digit).containsExactly('1', '2');
        assertThat(digits.get(1).durationUnits()).isEqualTo(480);
        events.finish();
        assertThat(digits).as("finish reports once").hasSize(2);
    }

    @Test
    void aSinglePacketWithTheEndBitIsADigit() {
        offer(500, event(11, true, 0, 1200));
        assertThat(digits).containsExactly(new Digit('#', 500, 1200, 0, true));
    }

    @Test
    void mapsTheSixteenDtmfEvents() {
        StringBuilder seen = new StringBuilder();
        for (int code = 0; code < 16; code++) {
            offer(1000L + code * 2000, event(code, true, 10, 800));
            seen.append(TelephoneEvents.digitOf(code));
        }
        assertThat(seen.toString()).isEqualTo("0123456789*#ABCD");
        assertThat(digits).extracting(Digit::digit).map(String::valueOf).containsExactly(seen.toString().split(""));
    }

    @Test
    void refusesShortPayloadsAndEventsThatAreNotDigits() {
        assertThat(offer(1, new byte[3])).isEqualTo(Problem.TOO_SHORT);
        assertThat(offer(1, new byte[0])).isEqualTo(Problem.TOO_SHORT);
        assertThat(events.offer(1, null, 0, 4)).isEqualTo(Problem.TOO_SHORT);
        assertThat(events.offer(1, new byte[4], 2, 4)).isEqualTo(Problem.TOO_SHORT);
        assertThat(offer(1, event(16, true, 10, 800))).as("flash").isEqualTo(Problem.NOT_A_DIGIT);
        assertThat(offer(1, event(255, true, 10, 800))).isEqualTo(Problem.NOT_A_DIGIT);

        assertThat(digits).isEmpty();
        assertThat(events.malformed()).isEqualTo(6);
    }
}
