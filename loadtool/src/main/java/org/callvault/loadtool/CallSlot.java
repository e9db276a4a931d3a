package org.callvault.loadtool;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the N concurrent calls: an agent console (its own agent event socket) and a caller phone
 * page (a caller event socket) that dials, talks, hangs up and, when calls are shorter than the run,
 * dials again. Everything here runs on the slot's event loop.
 */
final class CallSlot {

    /** A slot gives up after this many failed calls in a row. */
    static final int MAX_CONSECUTIVE_FAILURES = 5;
    static final long DRAIN_NANOS = 500_000_000L;
    static final long END_GUARD_NANOS = 10_000_000_000L;
    /** How long after dropping a media socket the tool waits for the server to end the call. */
    static final long DROP_END_WAIT_NANOS = 20_000_000_000L;

    final Run run;
    final LoopState ls;
    final int index;
    final String tag;
    /** This slot's caller is a SIP phone ({@code --sip-share}), not a browser phone. */
    final boolean sip;
    /** ... and that phone is SIPp ({@code --sipp}), which places the slot's one call itself. */
    final boolean sipp;
    private final String marker;
    final List<Attempt> attempts = new ArrayList<>();
    Attempt current;

    boolean callerDrop;
    boolean agentDrop;
    boolean callerGarbage;
    boolean agentGarbage;
    /** The control of a drop: this leg's party hangs up cleanly where a drop would have happened. */
    boolean callerHangup;
    boolean agentHangup;

    private EventChannel agentEv;
    private EventChannel callerEv;
    private boolean agentReady;
    private boolean agentGone;
    private boolean settled;
    private boolean closing;
    private int consecutiveFailures;
    /** This slot's browser legs speak Opus ({@code --codec opus}; a SIP slot's agent stays on PCM). */
    final boolean opus;

    CallSlot(Run run, LoopState ls, int index) {
        this.run = run;
        this.ls = ls;
        this.index = index;
        this.tag = "load-" + run.runId + "-" + index;
        this.marker = "\"" + tag + "\"";
        this.sip = run.options.isSipSlot(index);
        this.sipp = sip && run.options.sippScenario != null;
        this.opus = run.options.opus && !sip;
    }

    /** Protocol version 2: what this tool's legs send and receive with {@code --codec opus}. */
    static final String HELLO_OPUS = "{\"type\":\"hello\",\"version\":2,\"codecs\":[\"opus\"]}";

    /** Null when the server's answer to {@link #HELLO_OPUS} agrees on Opus, else what is wrong with it. */
    static String helloProblem(JsonNode hello) {
        return hello.path("version").asInt(-1) == 2 && "opus".equals(hello.path("codec").asString(""))
                ? null : "the server did not agree on opus: " + hello;
    }

    /**
     * Null when a {@code media} message to a version-2 socket announces what {@link OpusLoop} sends
     * (opus, kind 1, 48 kHz, 20 ms frames of 960 samples, mono), else what is wrong with it.
     */
    static String opusMediaProblem(JsonNode media) {
        return "opus".equals(media.path("codec").asString("")) && media.path("kind").asInt(-1) == Frame.KIND_OPUS
                && media.path("sampleRate").asInt(-1) == OpusLoop.SAMPLE_RATE
                && media.path("frameMillis").asInt(-1) == OpusLoop.FRAME_MILLIS
                && media.path("samplesPerFrame").asInt(-1) == OpusLoop.SAMPLES_PER_FRAME
                && media.path("channels").asInt(1) == 1
                ? null : "media message is not opus/48000 mono 20 ms: " + media;
    }

    long agentMessages() {
        return agentEv == null ? 0 : agentEv.received;
    }

    long agentMessagesSkipped() {
        return agentEv == null ? 0 : agentEv.skipped;
    }

    boolean eventSocketsOpen() {
        return (agentEv != null && agentEv.isOpen()) || (callerEv != null && callerEv.isOpen());
    }

    // ---------------------------------------------------------------- agent console

    void openAgent() {
        agentEv = new EventChannel(run, "agent", new EventChannel.Handler() {
            @Override
            public void onOpen(EventChannel ch) {
            }

            @Override
            public void onMessage(EventChannel ch, String type, JsonNode msg) {
                onAgentMessage(type, msg);
            }

            @Override
            public void onGone(EventChannel ch, int code, String why) {
                boolean refusedOpus = agentGone; // already counted as failed (no opus)
                agentGone = true;
                if (!agentReady) {
                    if (!refusedOpus) {
                        run.agentsFailed.incrementAndGet();
                    }
                    run.note("agent " + index + " event socket failed: " + (code < 0 ? why : "closed " + code + " " + why));
                } else if (!closing) {
                    run.note("agent " + index + " event socket closed by the server: " + code + " " + why);
                    if (current != null) {
                        current.fail("agent event socket closed " + code);
                    }
                }
            }
        }, marker);
        agentEv.open(ls.loop, "SESSION=" + run.cookie);
    }

    private void onAgentMessage(String type, JsonNode msg) {
        switch (type) {
            case "welcome" -> {
                learnMedia(msg);
                if (opus) {
                    agentEv.send(HELLO_OPUS); // ready once the server agrees
                } else if (!agentReady) {
                    agentReady = true;
                    run.agentsReady.incrementAndGet();
                }
            }
            case "hello" -> {
                if (!opus) {
                    run.count("event.agent.unasked_hello");
                    return;
                }
                String problem = helloProblem(msg);
                if (problem != null) {
                    run.count("hello.agent.refused");
                    run.note("agent " + index + ": " + problem);
                    if (!agentReady && !agentGone) {
                        agentGone = true;
                        run.agentsFailed.incrementAndGet();
                    }
                } else if (!agentReady) {
                    agentReady = true;
                    run.agentsReady.incrementAndGet();
                }
            }
            case "call" -> {
                JsonNode c = msg.path("call");
                if (!tag.equals(c.path("callerName").asString(""))) {
                    return;
                }
                if ("ringing".equals(c.path("state").asString(""))) {
                    if (sipp && current == null) {
                        dial(); // SIPp's call came before the slot's turn in the ramp
                    }
                    if (current != null && current.agentRingingNanos == 0) {
                        current.agentRingingNanos = System.nanoTime();
                    }
                    answer(c.path("id").asString(null));
                }
                if (sip) {
                    // no caller event socket: the agent's events carry the call's states and its end
                    Attempt a = current;
                    String id = c.path("id").asString(null);
                    if (a != null && id != null && id.equals(a.callId)) {
                        onCallerCall(a, c);
                    }
                }
            }
            case "media" -> openMedia(false, msg);
            // offer_withdrawn: another slot's call stopped ringing here once this console got busy (issue 17)
            case "leg", "pong", "offer_withdrawn", "availability" -> {
            }
            case "error" -> {
                String code = msg.path("code").asString("?");
                run.count("error.agent." + code);
                run.note("agent " + index + " error: " + msg);
                if (!agentReady && !agentGone && "hello".equals(msg.path("ref").asString(""))) {
                    agentGone = true; // a version-1 server: this console cannot take Opus calls
                    run.agentsFailed.incrementAndGet();
                }
                if (current != null && "answer".equals(msg.path("ref").asString(""))) {
                    current.fail("answer refused: " + code);
                }
            }
            default -> run.count("event.agent.unknown_type." + type);
        }
    }

    private void answer(String callId) {
        Attempt a = current;
        if (callId == null || a == null || a.answerSent || a.done || a.endRequested
                || (a.callId != null && !a.callId.equals(callId))) {
            run.count("agent.ringing_ignored");
            return;
        }
        if (a.callId == null) {
            a.callId = callId;
        }
        a.answerSent = true;
        agentEv.send("{\"type\":\"answer\",\"callId\":" + EventChannel.quote(callId) + "}");
    }

    // ---------------------------------------------------------------- caller phone

    void start() {
        if (agentGone || !agentReady) {
            run.count("slot.no_agent");
            settle();
            return;
        }
        if (sip) {
            dial();
            return;
        }
        callerEv = new EventChannel(run, "caller", new EventChannel.Handler() {
            @Override
            public void onOpen(EventChannel ch) {
            }

            @Override
            public void onMessage(EventChannel ch, String type, JsonNode msg) {
                onCallerMessage(type, msg);
            }

            @Override
            public void onGone(EventChannel ch, int code, String why) {
                if (!closing) {
                    run.note("caller " + index + " event socket " + (code < 0 ? "refused: " + why : "closed " + code + " " + why));
                    Attempt a = current;
                    if (a != null) {
                        a.fail("caller event socket " + (code < 0 ? "refused" : "closed " + code));
                        forceDone(a);
                    } else {
                        settle();
                    }
                }
            }
        }, null);
        callerEv.open(ls.loop, null);
    }

    private void onCallerMessage(String type, JsonNode msg) {
        Attempt a = current;
        switch (type) {
            case "welcome" -> {
                try {
                    learnMedia(msg);
                } catch (IllegalStateException e) {
                    run.note(e.getMessage());
                    settle();
                    return;
                }
                if (opus) {
                    callerEv.send(HELLO_OPUS); // dials once the server agrees
                } else {
                    dial();
                }
            }
            case "hello" -> {
                if (!opus) {
                    run.count("event.caller.unasked_hello");
                    return;
                }
                String problem = helloProblem(msg);
                if (problem != null) {
                    run.count("hello.caller.refused");
                    run.note("caller " + index + ": " + problem);
                    settle();
                } else {
                    dial();
                }
            }
            case "leg" -> {
                if (a == null) {
                    return;
                }
                String id = msg.path("callId").asString(null);
                if (a.callId == null) {
                    a.callId = id;
                } else if (!a.callId.equals(id)) {
                    run.count("caller.leg_for_another_call");
                    run.note("caller " + index + ": leg for " + id + " while the call is " + a.callId);
                }
                if (a.endRequested && !a.hangupSent) {
                    hangup(a);
                }
            }
            case "call" -> onCallerCall(a, msg.path("call"));
            case "media" -> openMedia(true, msg);
            case "pong" -> {
            }
            case "error" -> {
                String code = msg.path("code").asString("?");
                run.count("error.caller." + code);
                run.note("caller " + index + " error: " + msg);
                if (a == null && "hello".equals(msg.path("ref").asString(""))) {
                    settle(); // a version-1 server: no Opus calls from this phone
                }
                if (a != null && "dial".equals(msg.path("ref").asString("")) && a.callId == null) {
                    a.fail("dial refused: " + code);
                    a.terminal = true;
                    checkDone(a);
                }
            }
            default -> run.count("event.caller.unknown_type." + type);
        }
    }

    private void onCallerCall(Attempt a, JsonNode c) {
        String id = c.path("id").asString(null);
        if (a == null || id == null || (a.callId != null && !a.callId.equals(id))) {
            run.count("caller.call_event_for_another_call");
            return;
        }
        a.callId = id;
        String state = c.path("state").asString("?");
        long now = System.nanoTime();
        a.state = state;
        switch (state) {
            case "ringing" -> {
                if (a.ringingNanos == 0) {
                    a.ringingNanos = now;
                }
            }
            case "answered" -> {
                if (a.answeredNanos == 0) {
                    a.answeredNanos = now;
                }
                a.answeredAt = c.path("answeredAt").asString(null);
            }
            default -> {
            }
        }
        if (Attempt.isTerminal(state) && !a.terminal) {
            a.terminal = true;
            a.endedNanos = now;
            ls.event(Timeline.Event.CALL_END);
            a.endReason = c.path("endReason").asString(null);
            a.endedAt = c.path("endedAt").asString(null);
            if (c.path("answeredAt").isString()) {
                a.answeredAt = c.path("answeredAt").asString();
            }
            JsonNode d = c.path("durationMs");
            a.durationMs = d.isNumber() ? d.asLong() : -1;
            if (!a.endRequested) {
                stopTalking(a);
            }
            // As the browser does: the final state closes the call's media sockets.
            closeLegs(a);
            checkDone(a);
            if (!a.done) {
                // the close handshakes (or the server's own close, 2 s after the end) take a moment
                ls.loop.schedule(() -> {
                    if (!a.done) {
                        a.fail((a.phone != null && !a.phone.closed ? "SIP dialog" : "media socket")
                                + " still open 5 s after the call " + a.state);
                        forceDone(a);
                    }
                }, 5, TimeUnit.SECONDS);
            }
        }
    }

    private void learnMedia(JsonNode welcome) {
        if (run.media == null) {
            run.media = Run.MediaConfig.from(welcome.path("media"));
        }
    }

    private void dial() {
        if (run.ending || closing || current != null || (sipp && !attempts.isEmpty())) {
            return; // SIPp calls each slot once: nothing to redial
        }
        if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
            run.count("slot.gave_up");
            return;
        }
        long end = run.steadyEnd;
        long minCall = (long) (Math.min(2, run.options.durationSeconds > 0 ? run.options.durationSeconds : 2) * 1e9);
        if (end != Long.MAX_VALUE && System.nanoTime() + minCall > end) {
            return; // too close to the end of the window for another call
        }
        Attempt a = new Attempt(this, attempts.size(), sipp ? SippDriver.FREQUENCY
                : sip ? Tone.sipCallerFrequency(index) : Tone.callerFrequency(index), Tone.agentFrequency(index));
        ls.event(Timeline.Event.DIAL);
        attempts.add(a);
        current = a;
        run.attemptsOpen.incrementAndGet();
        a.dialNanos = System.nanoTime();
        if (sipp) {
            // SIPp is calling (or about to): the agent answers it and hangs up at the end
            a.sippCall = true;
            a.agentHangsUp = true;
        } else if (sip) {
            a.phone = new SipPhone(run, ls, a, run.sipServer, run.options.sipLocalHost);
            a.phone.start();
        } else {
            callerEv.send("{\"type\":\"dial\",\"callerName\":" + EventChannel.quote(tag)
                    + ",\"callerNumber\":\"+1 555 " + String.format("%07d", index) + "\"}");
        }
        long timeout = (long) (run.options.answerTimeoutSeconds * 1e9);
        ls.loop.schedule(() -> {
            if (a.mediaUpNanos == 0 && !a.done && !a.endRequested) {
                a.fail("not connected within " + Report.num(run.options.answerTimeoutSeconds) + " s (state " + a.state
                        + (a.sippCall ? "" : a.phone != null ? (a.phone.okNanos == 0 ? ", no 200 to the INVITE" : "")
                                : a.caller == null ? ", no caller media" : "")
                        + (a.agent == null ? ", no agent media" : "") + ")");
                endCall(a);
            }
        }, timeout, TimeUnit.NANOSECONDS);
    }

    // ---------------------------------------------------------------- media

    private void openMedia(boolean isCaller, JsonNode msg) {
        Attempt a = current;
        if (a == null || a.done || a.terminal || run.media == null) {
            run.count("media.message_without_live_call");
            return;
        }
        String callId = msg.path("callId").asString(null);
        if (a.callId != null && callId != null && !a.callId.equals(callId)) {
            run.count("media.message_for_another_call");
            return;
        }
        if ((isCaller ? a.caller : a.agent) != null) {
            run.count("media.second_media_message");
            return;
        }
        if (isCaller) {
            a.callerMediaMsgNanos = System.nanoTime();
        } else {
            a.agentMediaMsgNanos = System.nanoTime();
        }
        String url = msg.path("url").asString(null);
        String token = msg.path("token").asString(null);
        if (url == null || !url.startsWith("/")) {
            if (token == null) {
                a.fail("media message without url or token");
                return;
            }
            url = run.media.path() + "?token=" + token;
        }
        OpusLoop loop = null;
        if (opus) {
            String problem = opusMediaProblem(msg);
            if (problem != null) {
                run.count("media.not_opus");
                a.fail(problem);
                endCall(a);
                return;
            }
            // Encode at what the server asks (a page does the same); an older server names no bit rate.
            int bitrate = msg.path("bitrate").asInt(OpusLoop.BITRATE);
            if (bitrate < 6_000 || bitrate > 128_000) {
                bitrate = OpusLoop.BITRATE;
            }
            run.opusBitrate = bitrate;
            loop = OpusLoop.of(isCaller ? a.callerFrequency : a.agentFrequency, bitrate);
        }
        Tone tone = Tone.of(isCaller ? a.callerFrequency : a.agentFrequency, run.media.sampleRate(), run.media.samplesPerFrame());
        MediaLeg leg = new MediaLeg(run, ls, a, isCaller, tone, loop);
        if (isCaller) {
            a.caller = leg;
        } else {
            a.agent = leg;
        }
        if (a.caller != null && a.agent != null) {
            a.caller.peer = a.agent;
            a.agent.peer = a.caller;
        }
        leg.conn = run.client.connect(ls.loop, url, null, leg);
    }

    void onLegOpen(Attempt a, MediaLeg leg) {
        // SIPp streams from its 200 on, unseen: the agent's media socket opens only after the answer
        boolean callerUp = a.sippCall || (a.phone != null ? a.phone.okNanos > 0 && a.phone.pacing
                : a.caller != null && a.caller.openNanos != 0);
        if (a.mediaUpNanos != 0 || !callerUp || a.agent == null || a.agent.openNanos == 0) {
            return;
        }
        a.mediaUpNanos = System.nanoTime();
        ls.event(Timeline.Event.CALL_UP);
        run.callsUp.incrementAndGet();
        consecutiveFailures = 0;
        settle();
        if (!run.options.callsLastWholeRun()) {
            long d = (long) (run.options.durationSeconds * 1e9);
            ls.loop.schedule(() -> endCall(a), d, TimeUnit.NANOSECONDS);
            if (hasFaults()) {
                ls.loop.schedule(() -> fireFaults(a), d / 2, TimeUnit.NANOSECONDS);
            }
        }
    }

    void onLegGone(Attempt a, MediaLeg leg) {
        if (!leg.dropped && !a.endRequested && !a.terminal && !(leg.peer != null && leg.peer.dropped)) {
            a.fail(leg.name() + " media " + (leg.refused != null ? "refused: " + leg.refused : "closed " + leg.closeCode)
                    + " during the call");
        }
        checkDone(a);
    }

    // ---------------------------------------------------------------- SIP phone

    void onSipRinging(Attempt a) {
        if (a.ringingNanos == 0) {
            a.ringingNanos = a.phone.ringingNanos;
        }
    }

    /** The 200 is in and ACKed, the phone talks: the call is up once the agent's media socket is open too. */
    void onSipAnswered(Attempt a) {
        if (a.done || a.endRequested) {
            return;
        }
        onLegOpen(a, null);
    }

    /** CallVault hung up (BYE): expected only when the agent hangs up; {@link #classify} judges. */
    void onSipByeFromServer(Attempt a) {
        stopTalking(a);
    }

    /** The phone's dialog is over (BYE or CANCEL done, an error, or a BYE from the server). */
    void onSipGone(Attempt a) {
        if (a.done) {
            return;
        }
        if (!a.terminal) {
            if (a.callId == null) {
                // CallVault never showed the call to the agents (refused at once): nothing more will come
                a.terminal = true;
                a.endedNanos = System.nanoTime();
                a.state = "sip " + a.phone.finalStatus;
                a.fail("sip: the call never rang (INVITE answered " + a.phone.finalStatus + ")");
                closeLegs(a);
            } else {
                ls.loop.schedule(() -> {
                    if (!a.done && !a.terminal) {
                        a.fail("no final call event within 5 s of the end of the SIP dialog");
                        forceDone(a);
                    }
                }, 5, TimeUnit.SECONDS);
            }
        }
        checkDone(a);
    }

    boolean hasFaults() {
        return callerDrop || agentDrop || callerGarbage || agentGarbage || callerHangup || agentHangup;
    }

    /** Injects this slot's faults into its live call (no-op without faults or call). */
    void fireFaults() {
        Attempt a = current;
        if (a != null && a.mediaUpNanos > 0 && !a.endRequested && !a.terminal) {
            fireFaults(a);
        }
    }

    private void fireFaults(Attempt a) {
        if (a.done || a.endRequested || a.terminal || a.caller == null || a.agent == null) {
            return;
        }
        ls.event(Timeline.Event.FAULT);
        if (callerGarbage) {
            a.caller.sendGarbage();
        }
        if (agentGarbage) {
            a.agent.sendGarbage();
        }
        if (callerDrop || agentDrop) {
            a.dropNanos = System.nanoTime();
        }
        if (callerDrop) {
            a.caller.drop(index % 2 == 1);
        }
        if (agentDrop) {
            a.agent.drop(index % 2 == 0);
        }
        if (callerHangup || agentHangup) {
            a.earlyHangup = true;
            a.agentHangsUp = agentHangup && !callerHangup;
            endCall(a);
        }
    }

    // ---------------------------------------------------------------- ending

    /** Ends the slot's live call (run end). */
    void finish() {
        Attempt a = current;
        if (a != null && !a.done) {
            endCall(a);
        }
    }

    private void stopTalking(Attempt a) {
        if (a.caller != null) {
            a.caller.pacing = false;
        }
        if (a.phone != null) {
            a.phone.pacing = false;
        }
        if (a.agent != null) {
            a.agent.pacing = false;
        }
    }

    /**
     * Stops both talkers, lets the relay drain (bounded), then the caller hangs up. A call whose leg
     * was dropped on purpose is not hung up: the server must end it after its grace period.
     */
    void endCall(Attempt a) {
        if (a.endRequested || a.done) {
            return;
        }
        a.endRequested = true;
        a.endRequestNanos = System.nanoTime();
        stopTalking(a);
        if (a.dropFault()) {
            ls.loop.schedule(() -> {
                if (!a.done) {
                    a.fail("the server did not end the call within 20 s of a dropped media socket");
                    hangup(a);
                }
            }, DROP_END_WAIT_NANOS - (a.endRequestNanos - a.dropNanos), TimeUnit.NANOSECONDS);
            return;
        }
        drainThenHangup(a, a.endRequestNanos + DRAIN_NANOS);
    }

    private void drainThenHangup(Attempt a, long deadline) {
        if (a.done) {
            return;
        }
        boolean drained;
        if (a.sippCall) {
            drained = true; // what SIPp received is not seen
        } else if (a.phone != null) {
            // CallVault relays each agent frame as one RTP packet; the other way its jitter buffer
            // plays out on its own clock, and the quiet tail is not counted as lost
            drained = a.agent == null || a.phone.rx.distinct() >= a.agent.sent;
        } else {
            drained = a.dropFault() || a.caller == null || a.agent == null
                    || (a.agent.rx.distinct() >= a.caller.sent && a.caller.rx.distinct() >= a.agent.sent);
        }
        if (drained || System.nanoTime() >= deadline) {
            hangup(a);
        } else {
            ls.loop.schedule(() -> drainThenHangup(a, deadline), 2, TimeUnit.MILLISECONDS);
        }
    }

    private void hangup(Attempt a) {
        if (a.done || a.hangupSent) {
            return;
        }
        if (a.terminal) {
            closeLegs(a);
            checkDone(a);
            return;
        }
        EventChannel party = a.agentHangsUp ? agentEv : callerEv;
        if (a.phone != null && !a.agentHangsUp) {
            a.hangupSent = true;
            a.hangupNanos = System.nanoTime();
            a.phone.hangUp(); // BYE, or CANCEL if it was not answered yet
        } else if (a.callId != null && party != null && party.isOpen()) {
            a.hangupSent = true;
            a.hangupNanos = System.nanoTime();
            party.send("{\"type\":\"hangup\",\"callId\":" + EventChannel.quote(a.callId) + "}");
        }
        ls.loop.schedule(() -> {
            if (!a.done) {
                a.fail(a.hangupSent ? "no final call event within 10 s of the hangup" : "could not hang up (no call id)");
                forceDone(a);
            }
        }, END_GUARD_NANOS, TimeUnit.NANOSECONDS);
    }

    private void closeLegs(Attempt a) {
        for (MediaLeg leg : new MediaLeg[] {a.caller, a.agent}) {
            if (leg != null && !leg.closed && leg.conn != null) {
                leg.pacing = false;
                leg.conn.close(1000);
            }
        }
    }

    private void checkDone(Attempt a) {
        if (a.done || !a.terminal) {
            return;
        }
        if ((a.caller != null && !a.caller.closed) || (a.agent != null && !a.agent.closed)
                || (a.phone != null && !a.phone.closed)) {
            return;
        }
        markDone(a);
    }

    private void forceDone(Attempt a) {
        if (a.done) {
            return;
        }
        stopTalking(a);
        closeLegs(a);
        markDone(a);
    }

    private void markDone(Attempt a) {
        a.done = true;
        if (a.caller != null) {
            a.caller.release();
        }
        if (a.agent != null) {
            a.agent.release();
        }
        if (a.phone != null) {
            a.phone.release();
        }
        if (a.failure == null) {
            classify(a);
        }
        run.attemptsOpen.decrementAndGet();
        if (a.mediaUpNanos > 0) {
            run.callsUp.decrementAndGet();
        }
        settle();
        if (current == a) {
            current = null;
        }
        boolean ok = a.failure == null;
        consecutiveFailures = ok ? 0 : consecutiveFailures + 1;
        if (!run.ending && !closing) {
            ls.loop.schedule(this::dial, ok ? 100 : 1000, TimeUnit.MILLISECONDS);
        }
    }

    private void classify(Attempt a) {
        if (a.dropFault()) {
            String expected = (a.caller != null && a.caller.dropped) ? "caller_lost" : "agent_lost";
            if (!"ended".equals(a.state) || !(expected.equals(a.endReason)
                    || ("caller_lost".equals(a.endReason) || "agent_lost".equals(a.endReason)))) {
                a.fail("dropped-leg call ended " + a.state + "/" + a.endReason + " (expected ended/" + expected + ")");
            }
            return;
        }
        String expected = a.agentHangsUp ? "agent_hangup" : "caller_hangup";
        if (!"ended".equals(a.state) || !expected.equals(a.endReason)) {
            a.fail("call " + a.state + (a.endReason != null ? "/" + a.endReason : "") + " (expected ended/" + expected + ")");
        }
    }

    private void settle() {
        if (!settled) {
            settled = true;
            run.slotsSettled.incrementAndGet();
        }
    }

    /** Closes both event sockets (close handshake 1000). */
    void closeSockets() {
        closing = true;
        for (Attempt a : attempts) {
            if (a.phone != null && !a.done) {
                a.phone.release();
            }
        }
        if (callerEv != null) {
            callerEv.close();
        }
        if (agentEv != null) {
            agentEv.close();
        }
    }
}
