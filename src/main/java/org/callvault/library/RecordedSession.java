package org.callvault.library;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.callvault.call.RecordingSessionFacts;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the library shows of a SIPREC session beside its call: who took part and which channel
 * each is on, the session's ids and its recording client's address, the pauses, and whether the
 * metadata was understood (the body itself is kept for audit: {@code GET /api/calls/{id}/metadata}).
 *
 * @param pauses [from, to) in ms after the start; {@code to} is null for a pause still open
 */
public record RecordedSession(String sessionId, String sipCallId, String srcAddress,
        List<RecordingSessionFacts.Participant> participants, List<Pause> pauses, boolean metadataParsed,
        String metadataProblem) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public record Pause(long fromMs, Long toMs) {
    }

    /** The session columns of a call row (aliased {@code s_*}), or null for a call that is not one. */
    static RecordedSession from(ResultSet rs) throws SQLException {
        String participants = rs.getString("s_participants");
        if (participants == null) {
            return null;
        }
        List<RecordingSessionFacts.Participant> parsed;
        try {
            parsed = JSON.readValue(participants, new TypeReference<List<RecordingSessionFacts.Participant>>() {
            });
        }
        catch (RuntimeException e) {
            parsed = List.of(); // written by CallVault: only a damaged row gets here
        }
        return new RecordedSession(rs.getString("s_session_id"), rs.getString("s_sip_call_id"),
                rs.getString("s_src_address"), parsed, pauses(rs.getString("s_pauses")),
                rs.getBoolean("s_metadata_parsed"), rs.getString("s_metadata_problem"));
    }

    private static List<Pause> pauses(String stored) {
        List<Pause> pauses = new ArrayList<>();
        if (stored == null || stored.isEmpty()) {
            return pauses;
        }
        for (String entry : stored.split(";")) {
            String[] bounds = entry.split("-", -1);
            try {
                pauses.add(new Pause(Long.parseLong(bounds[0]),
                        bounds.length > 1 && !bounds[1].isEmpty() ? Long.parseLong(bounds[1]) : null));
            }
            catch (NumberFormatException skipped) {
                // written by CallVault: only a damaged row gets here
            }
        }
        return pauses;
    }
}
