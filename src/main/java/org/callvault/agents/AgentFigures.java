package org.callvault.agents;

import java.util.List;

/**
 * Per-agent figures over a range of days (issue 17 point 6), each agent with a line per day.
 *
 * @param agent                the agent's user name, as calls keep it
 * @param agentName            the name shown to people (display name; the user name once deleted)
 * @param offered              calls that rang at the agent (any console of theirs)
 * @param answered             calls the agent answered
 * @param missedWhileAvailable calls that rang at the agent while available and were not answered
 *                             there: moved on by longest-idle, or still ringing there at the ring timeout
 * @param talkTimeMs           answered time of the agent's finished calls
 * @param averageHandleTimeMs  talk time per finished answered call (no wrap-up time is tracked), 0 without calls
 */
public record AgentFigures(String agent, String agentName, long offered, long answered, long missedWhileAvailable, long talkTimeMs,
        long averageHandleTimeMs, List<Day> days) {

    /** One agent's figures on one day (the server's time zone). */
    public record Day(String day, long offered, long answered, long missedWhileAvailable, long talkTimeMs,
            long averageHandleTimeMs) {
    }

    /** The figures of every agent in the range, and the range itself. */
    public record Report(String from, String to, String zone, List<AgentFigures> agents) {
    }
}
