package org.callvault.call;

import java.time.Instant;
import java.util.UUID;

import org.callvault.media.Bridge;
import org.callvault.recording.ActiveRecording;

/**
 * One call's mutable state. Only {@link CallService} changes it, always while holding the call's
 * monitor, so every transition is one place in code.
 */
final class Call {

    final String id = UUID.randomUUID().toString();
    final String callerName;
    final String callerNumber;
    final String callerAddress;
    final Instant createdAt;
    /** Which transport the caller used: {@code browser} or {@code sip}. */
    final String source;

    CallState state = CallState.RINGING;
    String agent;
    Instant answeredAt;
    long answeredNanos;
    Instant endedAt;
    EndReason endReason;

    /** Recorded, not carried (SIPREC): no console is told of it, no agent takes part. */
    boolean recordedOnly;
    /** A recorded call's session facts, once the recording client described it. */
    RecordingSessionFacts session;
    /** A recorded call's pauses so far, [from, to) in ms after the start; and the open one's start, or -1. */
    final java.util.List<long[]> pauses = new java.util.ArrayList<>();
    long pausedSince = -1;
    /** The open pause's playout delay: its cut in the file begins and ends that much later (nanoseconds). */
    long pausePlayoutNanos;
    /** The caller's side holds the call (a SIP re-INVITE with sendonly or inactive). */
    boolean held;
    /** Keys pressed, oldest first, at most {@link DtmfDigit#MAX_PER_CALL}. */
    final java.util.List<DtmfDigit> dtmf = new java.util.ArrayList<>();

    /** The consoles this call rings at now (only while RINGING), by identity. */
    final java.util.Set<CallParty> ringingAt = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Every agent it rang at, in order, and the ones ringing now by user. */
    final java.util.List<RingOffer> offers = new java.util.ArrayList<>();
    final java.util.Map<String, RingOffer> openOffers = new java.util.LinkedHashMap<>();
    /** Longest-idle: the agent it rings at now, the agents it rang at in this round, and the move-on timer's turn. */
    String ringUser;
    final java.util.Set<String> triedUsers = new java.util.HashSet<>();
    long ringTurn;

    final Leg caller = new Leg(LegRole.CALLER);
    final Leg agentLeg = new Leg(LegRole.AGENT);
    Bridge bridge;
    ActiveRecording recording;

    Call(String callerName, String callerNumber, String callerAddress, Instant createdAt, String source) {
        this.source = source;
        this.callerName = callerName;
        this.callerNumber = callerNumber;
        this.callerAddress = callerAddress;
        this.createdAt = createdAt;
    }

    /** Milliseconds since the answer by the server's monotonic clock (the recording's), never negative. */
    long millisSinceAnswer() {
        return Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answeredNanos));
    }

    /** The pauses as stored: {@code 1200-5400;9000-9800}, an open one ending in {@code -}. */
    String pausesText() {
        StringBuilder text = new StringBuilder();
        for (long[] pause : pauses) {
            text.append(text.isEmpty() ? "" : ";").append(pause[0]).append('-').append(pause[1]);
        }
        if (pausedSince >= 0) {
            text.append(text.isEmpty() ? "" : ";").append(pausedSince).append('-');
        }
        return text.isEmpty() ? null : text.toString();
    }

    Leg leg(LegRole role) {
        return role == LegRole.CALLER ? caller : agentLeg;
    }

    Long durationMs() {
        return answeredAt == null || endedAt == null ? null : endedAt.toEpochMilli() - answeredAt.toEpochMilli();
    }

    CallView view() {
        return new CallView(id, state, callerName, callerNumber, agent, createdAt, answeredAt, endedAt, endReason,
                durationMs(), recording == null ? null : recording.recordingId(), source, held, java.util.List.copyOf(dtmf));
    }

    /** One party's attachment to the call: its signaling channel, media channel and tokens. */
    static final class Leg {
        final LegRole role;
        CallParty party;
        /** {@link CallParty#owner()} of the party the leg was given to; fixed for the call's life. */
        String owner;
        String resumeToken;
        String mediaToken;
        boolean mediaConnected;
        /** Bumped on every detach/attach so a stale grace timer knows it lost the race. */
        long generation;

        Leg(LegRole role) {
            this.role = role;
        }
    }
}
