package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.callvault.media.MediaFrame;
import org.callvault.support.CallHarness;
import org.callvault.support.EventSocketClient;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.RawWebSocket;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * A listener that stops reading its media socket for 8 s and then reads again must hear live audio
 * at once: the server keeps only a bounded amount in flight for it (docs/protocol.md).
 */
@Import(TestUsers.class)
class SlowListenerIT extends IntegrationTest {

    private static final long SECOND = 1_000_000_000L;

    @Autowired
    TestUsers testUsers;

    @Test
    void aListenerThatPausedEightSecondsHearsNothingOlderThanHalfASecond() throws Exception {
        WebClientSession agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
        try (EventSocketClient agent = EventSocketClient.agent(port, agentLogin);
                EventSocketClient caller = EventSocketClient.caller(port)) {
            caller.sendJson("type", "dial", "callerName", "Slow listener");
            String callId = caller.awaitType("leg").path("callId").asString();
            agent.awaitCallState(callId, "ringing");
            agent.sendJson("type", "answer", "callId", callId);
            String talkerUrl = caller.awaitType("media").path("url").asString();
            String listenerUrl = agent.awaitType("media").path("url").asString();

            try (RawWebSocket listener = RawWebSocket.open(port, listenerUrl, null);
                    MediaSocketClient talker = MediaSocketClient.open(port, talkerUrl, CallHarness.SAMPLES_PER_FRAME)) {
                talker.stream(CallHarness.tone(440), CallHarness.FRAME_MILLIS);

                // One second of reading: the smallest delay seen is the path's own (the baseline).
                long start = System.nanoTime();
                long baseline = Long.MAX_VALUE;
                while (System.nanoTime() - start < SECOND) {
                    RawWebSocket.Frame frame = listener.read();
                    if (frame.opcode() == RawWebSocket.OPCODE_BINARY) {
                        baseline = Math.min(baseline, frame.readNanos() - mediaTimeNanos(frame));
                    }
                }

                // The listener stops reading while the talker sends 8 s of audio.
                long sentAtPause = talker.framesSent();
                await().atMost(Duration.ofSeconds(12)).until(() -> talker.framesSent() >= sentAtPause + 400);

                long resumed = System.nanoTime();
                int stale = 0;
                int inFirst100Ms = 0;
                int frames = 0;
                long oldestAfterBurst = 0;
                while (System.nanoTime() - resumed < SECOND) {
                    RawWebSocket.Frame frame = listener.read();
                    if (frame.opcode() != RawWebSocket.OPCODE_BINARY) {
                        continue;
                    }
                    frames++;
                    long age = frame.readNanos() - mediaTimeNanos(frame) - baseline;
                    if (age > SECOND / 2) {
                        stale++;
                    }
                    if (frame.readNanos() - resumed < SECOND / 10) {
                        inFirst100Ms++;
                    }
                    else {
                        oldestAfterBurst = Math.max(oldestAfterBurst, age);
                    }
                }
                System.out.printf("after the pause: %d stale frames, %d in the first 100 ms, %d in 1 s, then %d ms behind%n",
                        stale, inFirst100Ms, frames, oldestAfterBurst / 1_000_000);
                // What sat in the bounded buffers when the listener stopped (~0.6 s of audio), not 8 s.
                assertThat(stale).as("frames over 0.5 s old delivered on resuming").isLessThan(40);
                assertThat(inFirst100Ms).as("frames delivered at once on resuming").isLessThan(45);
                assertThat(oldestAfterBurst).as("delay once the in-flight frames are read, ns").isLessThan(SECOND / 2);
                assertThat(frames).as("live audio flows again").isGreaterThan(30);
            }
        }
    }

    /** When the frame's first sample was captured, on the talker's audio clock (starts at 0). */
    private static long mediaTimeNanos(RawWebSocket.Frame frame) {
        return MediaFrame.timestamp(frame.payload()) * SECOND / CallHarness.SAMPLE_RATE;
    }
}
