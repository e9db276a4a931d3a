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

    /** A listener that relays Opus frames as they are, as an Opus browser's sink does. */
    static final class OpusListener implements FrameSink {
        final List<byte[]> offered = new ArrayList<>();

        @Override
        public void offer(byte[] frame) {
            offered.add(frame);
        }

        @Override
        public void offer(byte[] wire, byte[] pcm) {
            offered.add(wire);
        }

        @Override
        public boolean takesOpus() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** A recorder that stores Opus packets ({@code needsPcm} false) and keeps what it is given. */
    static final class PacketRecorder implements AudioSink {
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void audio(int track, byte[] frame, long arrivalNanos) {
            frames.add(frame);
        }

        @Override
        public boolean needsPcm(int track) {
            return false;
        }
    }

    @Test
    void anOpusTalkerNeedsNoPcmOnlyWhenTheListenerRelaysOpusAndTheRecorderStoresPackets() {
        PacketRecorder packets = new PacketRecorder();
        Bridge bridge = new Bridge(packets);
        assertThat(bridge.needsPcm(CALLER)).as("no listener yet: held frames go to whatever sink comes").isTrue();
        OpusListener agent = new OpusListener();
        bridge.attach(AGENT, agent);
        assertThat(bridge.needsPcm(CALLER)).isFalse();

        byte[] opus = new byte[] { (byte) MediaFrame.VERSION, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 1, 2 };
        bridge.receive(CALLER, opus, null, 0);
        assertThat(agent.offered).containsExactly(opus);
        assertThat(packets.frames).as("the recorder gets the talker's own frame").containsExactly(opus);

        bridge.attach(AGENT, new Listener());
        assertThat(bridge.needsPcm(CALLER)).as("a PCM listener needs the decoded frame").isTrue();
        assertThat(new Bridge(AudioSink.NONE).needsPcm(CALLER)).as("a PCM recorder needs it too").isTrue();
    }

    @Test
    void anUndecodedFrameThatFindsAPcmListenerIsCountedUndeliveredNotPassedOnEmpty() {
        Bridge bridge = new Bridge(new PacketRecorder());
        Listener pcmAgent = new Listener();
        bridge.attach(AGENT, pcmAgent); // replaced between the question and the frame
        byte[] opus = new byte[] { (byte) MediaFrame.VERSION, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 1, 2 };

        bridge.receive(CALLER, opus, null, 0);

        assertThat(pcmAgent.sequences).isEmpty();
        assertThat(bridge.undelivered(CALLER)).isEqualTo(1);
    }
}
