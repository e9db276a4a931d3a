package org.callvault.agents;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.callvault.user.AgentNames;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Counts the figures from {@code call_offers} (who a call rang at and how that ended) and
 * {@code calls} (who answered, for how long). Rows are read over an index range of time and summed
 * here, by the server's time zone: date arithmetic in SQL differs between H2, MariaDB and PostgreSQL,
 * and a day's boundary moves with daylight saving time.
 */
@Repository
class FiguresRepository {

    private final JdbcClient jdbc;
    private final AgentNames agentNames;

    FiguresRepository(JdbcClient jdbc, AgentNames agentNames) {
        this.agentNames = agentNames;
        this.jdbc = jdbc;
    }

    /** Figures of calls started in [from, to] (whole days in {@code zone}); one agent only when {@code agent} is set. */
    AgentFigures.Report figures(LocalDate from, LocalDate to, ZoneId zone, String agent) {
        long start = from.atStartOfDay(zone).toInstant().toEpochMilli();
        long end = to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        Map<String, Map<LocalDate, Tally>> byAgent = new TreeMap<>();
        String oneAgent = agent == null ? "" : " AND agent_username = :agent";
        var offers = jdbc.sql("SELECT call_id, agent_username, offered_at, outcome FROM call_offers"
                + " WHERE offered_at >= :start AND offered_at < :end" + oneAgent)
                .param("start", start).param("end", end);
        if (agent != null) {
            offers = offers.param("agent", agent);
        }
        offers.query((rs, n) -> {
            Tally tally = tally(byAgent, rs.getString("agent_username"), rs.getLong("offered_at"), zone);
            String callId = rs.getString("call_id");
            tally.offered.add(callId);
            String outcome = rs.getString("outcome");
            if ("MOVED_ON".equals(outcome) || "MISSED".equals(outcome)) {
                tally.missed.add(callId);
            }
            return null;
        }).list();
        var answered = jdbc.sql("SELECT agent_username, created_at, duration_ms, ended_at FROM calls"
                + " WHERE created_at >= :start AND created_at < :end AND answered_at IS NOT NULL"
                + " AND agent_username IS NOT NULL" + oneAgent)
                .param("start", start).param("end", end);
        if (agent != null) {
            answered = answered.param("agent", agent);
        }
        answered.query((rs, n) -> {
            Tally tally = tally(byAgent, rs.getString("agent_username"), rs.getLong("created_at"), zone);
            tally.answered++;
            long duration = rs.getLong("duration_ms");
            if (!rs.wasNull() && rs.getObject("ended_at") != null) {
                tally.talkMs += duration;
                tally.finished++;
            }
            return null;
        }).list();
        List<AgentFigures> agents = new ArrayList<>();
        byAgent.forEach((name, days) -> {
            Tally total = new Tally();
            List<AgentFigures.Day> lines = new ArrayList<>();
            days.forEach((day, t) -> {
                lines.add(new AgentFigures.Day(day.toString(), t.offered.size(), t.answered, t.missed.size(), t.talkMs,
                        t.averageHandleMs()));
                total.offered.addAll(t.offered);
                total.missed.addAll(t.missed);
                total.answered += t.answered;
                total.talkMs += t.talkMs;
                total.finished += t.finished;
            });
            agents.add(new AgentFigures(name, agentNames.of(name), total.offered.size(), total.answered, total.missed.size(), total.talkMs,
                    total.averageHandleMs(), lines));
        });
        return new AgentFigures.Report(from.toString(), to.toString(), zone.getId(), agents);
    }

    private static Tally tally(Map<String, Map<LocalDate, Tally>> byAgent, String agent, long atMs, ZoneId zone) {
        LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(atMs), zone);
        return byAgent.computeIfAbsent(agent, a -> new TreeMap<>()).computeIfAbsent(day, d -> new Tally());
    }

    /** Distinct calls per day (a call may ring at the same agent twice in a longest-idle round). */
    private static final class Tally {
        final Set<String> offered = new HashSet<>();
        final Set<String> missed = new HashSet<>();
        long answered;
        long finished;
        long talkMs;

        long averageHandleMs() {
            return finished == 0 ? 0 : talkMs / finished;
        }
    }
}
