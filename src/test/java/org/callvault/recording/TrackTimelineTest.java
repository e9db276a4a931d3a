package org.callvault.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.callvault.recording.TrackTimeline.Placement;
import org.callvault.recording.TrackTimeline.SlidingMinimum;
import org.junit.jupiter.api.Test;

class TrackTimelineTest {

    private static final int FRAME = 160;

    @Test
    void latenessFloorForgetsValuesOlderThanItsSpan() {
        SlidingMinimum floor = new SlidingMinimum(8, 100); // eight buckets of 100 time units

        floor.add(50, 3);
        floor.add(420, 40);
        floor.add(450, 20);
        assertThat(floor.minimum(460)).isEqualTo(3);
        assertThat(floor.minimum(799)).as("bucket 0 still inside the span").isEqualTo(3);
        assertThat(floor.minimum(800)).as("bucket 0 recycled").isEqualTo(20);
        floor.add(10, -99); // a clock that stepped back past the span: ignored
        assertThat(floor.minimum(800)).isEqualTo(20);
        assertThat(floor.minimum(5_000)).as("nothing lately").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aLateFrameStraddlingTheFlushPointKeepsItsUnwrittenTail() {
        TrackTimeline track = new TrackTimeline(8_000, FRAME, 10 * FRAME, 8_000, 0);
        // Frame 1 arrives first, as it ends: it anchors the leg at [160, 320).
        assertThat(track.offer(FRAME, filled(1), 0, FRAME, 2 * FRAME)).isEqualTo(Placement.ACCEPTED);
        short[] head = new short[100];
        track.read(head, 0, 100);
        assertThat(head).as("frame 0 missing so far: silence").containsOnly((short) 0);

        // Frame 0 turns up with the read cursor at 100, in the middle of its [0, 160).
        assertThat(track.offer(0, filled(7), 0, FRAME, 2 * FRAME + 50)).isEqualTo(Placement.ACCEPTED);
        assertThat(track.offer(0, filled(7), 0, FRAME, 2 * FRAME + 60)).isEqualTo(Placement.DUPLICATE);
        short[] rest = new short[220];
        track.read(rest, 0, 220);

        short[] expected = new short[220];
        Arrays.fill(expected, 0, 60, (short) 7);
        Arrays.fill(expected, 60, 220, (short) 1);
        assertThat(rest).isEqualTo(expected);
    }

    private static short[] filled(int value) {
        short[] samples = new short[FRAME];
        Arrays.fill(samples, (short) value);
        return samples;
    }
}
