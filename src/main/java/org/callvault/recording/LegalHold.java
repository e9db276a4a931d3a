package org.callvault.recording;

import java.time.Instant;

/** A call on legal hold: its recording cannot be deleted, by anyone or by retention, until lifted. */
public record LegalHold(String callId, String reason, String heldBy, Instant heldAt) {
}
