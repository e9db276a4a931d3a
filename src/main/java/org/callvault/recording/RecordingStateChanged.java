package org.callvault.recording;

/**
 * A recording stopped for lack of space (or a failed write) or went on again: published as a
 * Spring application event, so that the agent consoles can be told (see docs/protocol.md, message
 * {@code recording}).
 *
 * @param state  {@link State#INTERRUPTED} or {@link State#RESUMED}
 * @param part   the part just closed (interrupted; 0 if none could be opened) or just opened (resumed)
 * @param reason {@code disk_full} or {@code write_failed} when interrupted, null when resumed
 */
public record RecordingStateChanged(String callId, String recordingId, State state, int part, String reason) {

    public enum State {
        INTERRUPTED, RESUMED;

        /** How the state is spelt on the event socket. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
