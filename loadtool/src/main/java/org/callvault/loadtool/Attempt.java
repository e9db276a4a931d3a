package org.callvault.loadtool;

/** One dial of a slot: its server-side call, its two media legs and what happened to it. */
final class Attempt {

    final CallSlot slot;
    final int number;
    final int callerFrequency;
    final int agentFrequency;

    String callId;
    /** Last state from the caller's {@code call} events ("dialing" before the first). */
    String state = "dialing";
    String endReason;
    long durationMs = -1;
    String answeredAt;
    String endedAt;

    long dialNanos;
    long agentRingingNanos;
    long callerMediaMsgNanos;
    long agentMediaMsgNanos;
    long ringingNanos;
    long answeredNanos;
    long mediaUpNanos;
    long endRequestNanos;
    long hangupNanos;
    long endedNanos;
    /** When a media socket of this call was dropped on purpose (fault), 0 if never. */
    long dropNanos;
    /** Ended early by a {@code hangup} control leg; by the agent's party if {@link #agentHangsUp}. */
    boolean earlyHangup;
    boolean agentHangsUp;

    MediaLeg caller;
    MediaLeg agent;
    /** The caller of a SIP slot's call (then {@link #caller} stays null). */
    SipPhone phone;
    /** The caller is SIPp ({@code --sipp}): neither {@link #caller} nor {@link #phone}; the agent hangs up. */
    boolean sippCall;
    boolean answerSent;
    boolean endRequested;
    boolean hangupSent;
    boolean terminal;
    boolean done;
    /** Why the call did not go as planned (null: it did). */
    String failure;

    Attempt(CallSlot slot, int number, int callerFrequency, int agentFrequency) {
        this.slot = slot;
        this.number = number;
        this.callerFrequency = callerFrequency;
        this.agentFrequency = agentFrequency;
    }

    String label() {
        return slot.tag + (number > 0 ? "#" + number : "") + (callId != null ? " (" + callId + ")" : "");
    }

    /** Setup timeline relative to the dial, in ms (NaN: did not happen). */
    java.util.Map<String, Double> timeline() {
        java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("ringing(caller)", since(ringingNanos));
        m.put("ringing(agent)", since(agentRingingNanos));
        m.put("answered(caller)", since(answeredNanos));
        m.put("media msg(caller)", since(callerMediaMsgNanos));
        m.put("media msg(agent)", since(agentMediaMsgNanos));
        m.put("media tcp(caller)", since(caller == null || caller.conn == null ? 0 : caller.conn.activeNanos));
        m.put("media req written(caller)", since(caller == null || caller.conn == null ? 0 : caller.conn.requestWrittenNanos));
        m.put("media open(caller)", since(caller == null ? 0 : caller.openNanos));
        m.put("media open(agent)", since(agent == null ? 0 : agent.openNanos));
        if (phone != null) {
            m.put("sip first response", since(phone.firstResponseNanos));
            m.put("sip 180", since(phone.ringingNanos));
            m.put("sip 200", since(phone.okNanos));
        }
        m.put("both open", since(mediaUpNanos));
        return m;
    }

    private double since(long t) {
        return t > 0 && dialNanos > 0 ? (t - dialNanos) / 1e6 : Double.NaN;
    }

    boolean sip() {
        return phone != null || sippCall;
    }

    boolean dropFault() {
        return (caller != null && caller.dropped) || (agent != null && agent.dropped);
    }

    boolean answered() {
        return answeredAt != null || answeredNanos > 0;
    }

    void onLegOpen(MediaLeg leg) {
        slot.onLegOpen(this, leg);
    }

    void onLegGone(MediaLeg leg) {
        slot.onLegGone(this, leg);
    }

    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    static boolean isTerminal(String state) {
        return switch (state) {
            case "ended", "cancelled", "rejected", "missed", "failed" -> true;
            default -> false;
        };
    }
}
