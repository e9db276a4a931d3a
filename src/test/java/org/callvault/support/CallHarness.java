package org.callvault.support;

import org.callvault.media.ToneGenerator;

import tools.jackson.databind.JsonNode;

/**
 * Drives one call end to end through the real server with real WebSocket clients: a caller and a
 * signed-in agent, each streaming its own tone in real time.
 */
public final class CallHarness implements AutoCloseable {

    public static final int SAMPLE_RATE = 44_100;
    public static final int SAMPLES_PER_FRAME = 882;
    public static final int FRAME_MILLIS = 20;

    public final EventSocketClient caller;
    public final EventSocketClient agent;
    public String callId;
    public MediaSocketClient callerMedia;
    public MediaSocketClient agentMedia;
    private final Endpoint endpoint;

    public CallHarness(int port, WebClientSession signedInAgent) {
        this(Endpoint.local(port), signedInAgent);
    }

    /** Both parties through {@code endpoint}: the server itself or a proxy in front of it. */
    public CallHarness(Endpoint endpoint, WebClientSession signedInAgent) {
        this.endpoint = endpoint;
        this.agent = EventSocketClient.open(endpoint, "agent", signedInAgent);
        this.caller = EventSocketClient.open(endpoint, "caller", null);
    }

    public static MediaSocketClient.Signal tone(double frequency) {
        ToneGenerator generator = new ToneGenerator(SAMPLE_RATE, frequency, 8000);
        return (samples, start) -> generator.fill(samples, 0, samples.length, start);
    }

    /** Caller dials; returns the call id once the agent console sees it ringing. */
    public String dial(String callerName) {
        caller.sendJson("type", "dial", "callerName", callerName, "callerNumber", "+44 20 7946 0000");
        callId = caller.awaitType("leg").path("callId").asString();
        agent.awaitCallState(callId, "ringing");
        return callId;
    }

    /** Agent answers; both legs open their media sockets. */
    public void answer() {
        agent.sendJson("type", "answer", "callId", callId);
        JsonNode callerMediaMessage = caller.awaitType("media");
        JsonNode agentMediaMessage = agent.awaitType("media");
        callerMedia = MediaSocketClient.open(endpoint, callerMediaMessage.path("url").asString(), SAMPLES_PER_FRAME);
        agentMedia = MediaSocketClient.open(endpoint, agentMediaMessage.path("url").asString(), SAMPLES_PER_FRAME);
    }

    public void talk(double callerFrequency, double agentFrequency) {
        callerMedia.stream(tone(callerFrequency), FRAME_MILLIS);
        agentMedia.stream(tone(agentFrequency), FRAME_MILLIS);
    }

    public JsonNode hangUpByCaller() {
        callerMedia.stopStreaming();
        agentMedia.stopStreaming();
        caller.sendJson("type", "hangup", "callId", callId);
        return agent.awaitCallState(callId, "ended").path("call");
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] { callerMedia, agentMedia, caller, agent }) {
            try {
                if (c != null) {
                    c.close();
                }
            }
            catch (Exception ignored) {
                // best effort
            }
        }
    }
}
