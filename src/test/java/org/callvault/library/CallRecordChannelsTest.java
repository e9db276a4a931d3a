package org.callvault.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.callvault.call.RecordingSessionFacts.Participant;
import org.junit.jupiter.api.Test;

/** Who the library says is on which channel of a recording. */
class CallRecordChannelsTest {

    @Test
    void aStereoRecordingOfACarriedCallHasTheCallerLeftAndTheAgentRight() {
        assertThat(call(2, null, "Jane Doe", "agent1").channels()).containsExactly(
                new CallRecord.Channel(0, "left", "Jane Doe"), new CallRecord.Channel(1, "right", "agent1"));
        assertThat(call(2, null, null, null).channels()).extracting(CallRecord.Channel::participant)
                .containsExactly("+1 555 0100", "Agent");
        assertThat(call(1, null, "Jane Doe", "agent1").channels()).as("a mono mix").isEmpty();
    }

    @Test
    void aSiprecRecordingHasEachParticipantOnTheChannelOfTheStreamItSends() {
        RecordedSession session = new RecordedSession("s", "c", "10.0.0.1", List.of(
                new Participant(null, "sip:9001@pbx", List.of("2"), 1),
                new Participant("Alice", "sip:8001@pbx", List.of("1"), 0),
                new Participant("Listener", null, List.of(), null),
                new Participant("Stale", null, List.of("7"), 5)), List.of(), true, null);
        assertThat(call(2, session, "Alice ↔ 9001", null).channels()).containsExactly(
                new CallRecord.Channel(0, "left", "Alice"), new CallRecord.Channel(1, "right", "sip:9001@pbx"));
        assertThat(call(1, session, "Alice", null).channels()).containsExactly(new CallRecord.Channel(0, "mono", "Alice"));
    }

    private static CallRecord call(int channels, RecordedSession session, String caller, String agent) {
        CallRecord.Recording recording = new CallRecord.Recording("r", "COMPLETE", 44_100, channels, 1000L, 100L, "x",
                false, false, 1, 0);
        return new CallRecord("id", "ENDED", caller, "+1 555 0100", agent, Instant.EPOCH, Instant.EPOCH, Instant.EPOCH,
                "CALLER_HANGUP", 1000L, recording, session == null ? "browser" : "siprec", List.of(), session, null,
                List.of(), null, null, null);
    }
}
