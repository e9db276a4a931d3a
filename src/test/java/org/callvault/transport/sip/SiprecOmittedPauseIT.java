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
 * tones run on across the cut without silence, and the pause is still stored.
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
        short[] left = session.wav().channel(0);
        short[] right = session.wav().channel(1);
        // Where the pause began, the file goes straight on with the audio after it: the tones on either
        // side (each side measured alone: the sender's tone resumes at another phase), and no silence.
        int cut = (int) (pause[0] * rate / 1000);
        int margin = rate / 25;
        // After the cut each stream's tone comes back once its fresh jitter buffer plays (about 60 ms;
        // more by a fill or two when the machine is busy): measured from where it comes back.
        int leftBack = toneBack(left, cut, rate);
        int rightBack = toneBack(right, cut, rate);
        for (int[] at : new int[][] { { cut - margin - rate / 5, cut - margin - rate / 5 }, { leftBack, rightBack } }) {
            assertThat(ToneDetector.relativePower(left, at[0], rate / 5, 440, rate)).as("left at %d", at[0])
                    .isGreaterThan(0.7);
            assertThat(ToneDetector.relativePower(right, at[1], rate / 5, 880, rate)).as("right at %d", at[1])
                    .isGreaterThan(0.7);
        }
        // The one silence in the file is where the cut is: the resumed stream's jitter buffer fills
        // again (its playout delay, about 60 ms, up to 200 ms on a busy machine) before its first
        // frame plays, as after any resume.
        int junction = 0;
        int elsewhere = 0;
        for (int i = rate / 2; i + rate / 50 <= left.length - rate / 2; i += rate / 50) {
            if (ToneDetector.rms(left, i, rate / 50) < 50) {
                if (i >= cut - rate / 50 && i < cut + rate / 5) {
                    junction++;
                }
                else {
                    elsewhere++;
                }
            }
        }
        assertThat(elsewhere).as("20 ms stretches of silence away from the cut").isZero();
        assertThat(junction).as("20 ms stretches of silence at the cut").isLessThanOrEqualTo(10);
    }

    /** Where the channel's sound resumes after the cut (the first 20 ms that is not silence), within 200 ms. */
    private static int toneBack(short[] channel, int cut, int rate) {
        int step = rate / 50;
        for (int i = cut; i < cut + rate / 5; i += step) {
            if (ToneDetector.rms(channel, i, step) >= 50) {
                return i + step; // the next stretch is whole tone
            }
        }
        throw new AssertionError("no sound within 200 ms after the cut at " + cut);
    }
}
