package org.callvault.transport.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.callvault.media.ToneDetector;
import org.callvault.recording.RecordingRepository;
import org.callvault.recording.RecordingStore;
import org.callvault.support.DatabaseIndependent;
import org.callvault.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code callvault.sip.siprec.paused-audio: omit}: a SIPREC pause is cut out of the file. Measured
 * over real sockets: the file is as long as the session minus the stored pause (within 20 ms), the
 * audio received before the pause is in it, the tones run on across the cut, and the pause is
 * still stored.
 */
@DatabaseIndependent
@TestPropertySource(properties = "callvault.sip.siprec.paused-audio=omit")
class SiprecOmittedPauseIT extends IntegrationTest {

    @Autowired
    SipServer sip;

    @Autowired
    RecordingRepository recordings;

    @Autowired
    RecordingStore store;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aPauseIsLeftOutOfTheFileAndStillStored() throws Exception {
        SiprecPausedSession session = SiprecPausedSession.run(sip, signedInAdmin(), jdbc, recordings, store);
        long[] pause = session.pause();
        long pausedMs = pause[1] - pause[0];
        long durationMs = session.call().path("durationMs").asLong();
        assertThat(pausedMs).as("the pause lasted about 2 s").isBetween(1_500L, 3_500L);
        assertThat(Math.abs(session.wav().durationMs() - (durationMs - pausedMs)))
                .as("file %s ms, session %d ms, pause %d ms", session.wav().durationMs(), durationMs, pausedMs)
                .isLessThanOrEqualTo(20.0);
        int rate = session.wav().sampleRate();
        short[][] channels = { session.wav().channel(0), session.wav().channel(1) };
        int[] tones = { 440, 880 };
        // The stored pause begins when the UPDATE came; the cut in the file one playout delay later
        // (what the streams' jitter buffers held then: 80 ms on a calm path, up to about 290 ms on a
        // jittery one), so the last words before the pause are in the file.
        int cut = (int) (pause[0] * rate / 1000);
        int window = rate / 5;
        int afterJunction = cut + 2 * window;
        for (int c = 0; c < 2; c++) {
            assertThat(ToneDetector.relativePower(channels[c], cut - window, window, tones[c], rate))
                    .as("channel %d up to the pause", c).isGreaterThan(0.7);
            // Past the junction, the tone again (each side measured alone: the sender's tone resumes at another phase).
            assertThat(ToneDetector.relativePower(channels[c], afterJunction, window, tones[c], rate))
                    .as("channel %d after the cut", c).isGreaterThan(0.7);
        }
        // Silence only at the junction, and little: a stream whose jitter buffer is shallower than the
        // other's, or than when its audio was first placed, waits there for the cut (none on a calm path).
        for (int c = 0; c < 2; c++) {
            int junction = 0;
            int elsewhere = 0;
            short[] channel = channels[c];
            for (int i = rate / 2; i + rate / 50 <= channel.length - rate / 2; i += rate / 50) {
                if (ToneDetector.rms(channel, i, rate / 50) < 50) {
                    if (i >= cut - rate / 50 && i < afterJunction) {
                        junction++;
                    }
                    else {
                        elsewhere++;
                    }
                }
            }
            assertThat(elsewhere).as("channel %d: 20 ms stretches of silence away from the cut", c).isZero();
            assertThat(junction).as("channel %d: 20 ms stretches of silence at the cut", c).isLessThanOrEqualTo(15);
        }
    }
}
