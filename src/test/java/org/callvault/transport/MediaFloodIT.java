package org.callvault.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;

import org.callvault.support.CallHarness;
import org.callvault.support.IntegrationTest;
import org.callvault.support.MediaSocketClient;
import org.callvault.support.TestUsers;
import org.callvault.support.WebClientSession;
import org.callvault.user.Role;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/** A leg is policed at real time plus its burst allowance (default 3 s of audio). */
@Import(TestUsers.class)
class MediaFloodIT extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    MeterRegistry meters;

    WebClientSession agentLogin;

    @BeforeEach
    void signInAgent() {
        agentLogin = newSession();
        agentLogin.signIn(testUsers.create(Role.AGENT), TestUsers.PASSWORD);
    }

    @Test
    void aLegSendingFarFasterThanRealTimeIsPolicedCountedAndClosedWith1008() {
        double policedBefore = policed();
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Flood");
            call.answer();
            MediaSocketClient flooder = call.callerMedia;
            long start = System.nanoTime();
            // 20 s of audio as fast as the socket takes it, until the server closes the socket.
            short[] samples = new short[CallHarness.SAMPLES_PER_FRAME];
            for (int i = 0; i < 1000 && !flooder.isClosed(); i++) {
                try {
                    flooder.sendRaw(MediaSocketClient.frame(i, (long) i * samples.length, samples));
                }
                catch (RuntimeException closed) {
                    break;
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(flooder::isClosed);
            // The server closes with 1008; a client still sending when the channel closes may get
            // the kernel's reset before the close frame (1006, -1 here).
            assertThat(flooder.closeCode()).isIn(1008, -1);
            double seconds = (System.nanoTime() - start) / 1e9;
            // What passed: the 3 s burst (150 frames) and real time meanwhile; the rest was policed.
            long passedAtMost = 150 + Math.round(seconds * 50) + 5;
            await().atMost(Duration.ofSeconds(2)).until(() -> policed() - policedBefore >= 250);
            assertThat(call.agentMedia.framesReceived()).as("frames relayed to the listener")
                    .isLessThanOrEqualTo(passedAtMost);
        }
    }

    @Test
    void aLegCatchingUpAfterAThreeSecondStallLosesNothing() {
        double policedBefore = policed();
        double receivedBefore = received();
        try (CallHarness call = new CallHarness(port, agentLogin)) {
            call.dial("Stall");
            call.answer();
            MediaSocketClient leg = call.callerMedia;
            short[] samples = new short[CallHarness.SAMPLES_PER_FRAME];
            // 3 s of audio held back by the network arrive at once, then real time goes on.
            for (int i = 0; i < 150; i++) {
                leg.sendRaw(MediaSocketClient.frame(i, (long) i * samples.length, samples));
            }
            // All of it reaches the call (the recorder); the listener gets only what is still live.
            await().atMost(Duration.ofSeconds(5)).until(() -> received() - receivedBefore >= 150);
            assertThat(policed() - policedBefore).isZero();
            assertThat(leg.isClosed()).isFalse();
        }
    }

    private double received() {
        var counter = meters.find("callvault.media.frames.received").counter();
        return counter == null ? 0 : counter.count();
    }

    private double policed() {
        var counter = meters.find("callvault.media.frames.policed").counter();
        return counter == null ? 0 : counter.count();
    }
}
