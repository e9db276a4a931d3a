package org.callvault.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class BridgeTest {

    private static final int CALLER = 0;
    private static final int AGENT = 1;

    /** A listener that keeps what it is given, in order. */
    static final class Listener implements FrameSink {
        final List<Long> sequences = new ArrayList<>();
        boolean closed;

        @Override
        public void offer(byte[] frame) {
            sequences.add(MediaFrame.sequence(frame));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void framesSentBeforeTheListenerAttachesReachItFirstAndInOrder() {
        List<Long> recorded = new ArrayList<>();
        Bridge bridge = new Bridge((track, frame, at) -> recorded.add(MediaFrame.sequence(frame)));
        Listener agent = new Listener();
        bridge.attach(CALLER, new Listener());

        for (int seq = 0; seq < 3; seq++) {
            bridge.receive(CALLER, frame(seq), seq);
        }
        bridge.attach(AGENT, agent);
        bridge.receive(CALLER, frame(3), 3);

        assertThat(agent.sequences).containsExactly(0L, 1L, 2L, 3L);
        assertThat(recorded).as("the recorder gets every frame when it arrives").containsExactly(0L, 1L, 2L, 3L);
        assertThat(bridge.forwarded(CALLER)).isEqualTo(4);
        assertThat(bridge.undelivered(CALLER)).isZero();
    }

    @Test
    void onlyTheNewestFramesWaitAndTheOthersAreCountedUndelivered() {
        Bridge bridge = new Bridge(AudioSink.NONE);
        int sent = Bridge.HELD_FRAMES + 5;
        for (int seq = 0; seq < sent; seq++) {
            bridge.receive(CALLER, frame(seq), seq);
        }
        Listener agent = new Listener();
        bridge.attach(AGENT, agent);

        assertThat(agent.sequences).hasSize(Bridge.HELD_FRAMES).first().isEqualTo(5L);
        assertThat(agent.sequences).last().isEqualTo((long) sent - 1);
        assertThat(bridge.undelivered(CALLER)).isEqualTo(5);
        assertThat(bridge.forwarded(CALLER)).isEqualTo(Bridge.HELD_FRAMES);
    }

    @Test
    void framesStillHeldWhenTheCallEndsAreCountedUndelivered() {
        Bridge bridge = new Bridge(AudioSink.NONE);
        bridge.receive(AGENT, frame(0), 0);
        bridge.receive(AGENT, frame(1), 1);
        bridge.close();

        Listener late = new Listener();
        bridge.attach(CALLER, late);
        assertThat(late.sequences).isEmpty();
        assertThat(late.closed).as("attaching to an ended call closes the listener").isTrue();
        assertThat(bridge.undelivered(AGENT)).isEqualTo(2);
    }

    private static byte[] frame(long sequence) {
        byte[] frame = new byte[MediaFrame.HEADER_BYTES + 2 * 4];
        MediaFrame.writeHeader(frame, sequence, sequence * 4);
        return frame;
    }
}
