package org.callvault.library;

import java.util.List;

import org.callvault.system.CsvCells;
import org.springframework.stereotype.Component;

/** The filtered call list as CSV (RFC 4180), with formula-like cells neutralised for spreadsheets. */
@Component
class CsvExport {

    private static final int MAX_ROWS = 1_000_000;

    private final CallHistoryRepository history;

    CsvExport(CallHistoryRepository history) {
        this.history = history;
    }

    String export(CallFilter filter) {
        StringBuilder out = new StringBuilder(
                "call_id,started_at,caller_name,caller_number,agent,state,end_reason,duration_ms,recording_id,recording_bytes,source,outcome_code,tags,notes\r\n");
        int[] rows = { 0 };
        history.forEach(filter, call -> {
            if (rows[0]++ >= MAX_ROWS) {
                return;
            }
            line(out, List.of(call.id(), String.valueOf(call.createdAt()), nz(call.callerName()), nz(call.callerNumber()),
                    nz(call.agent()), call.state().toLowerCase(), nz(call.endReason()).toLowerCase(),
                    call.durationMs() == null ? "" : call.durationMs().toString(),
                    call.recording() == null ? "" : call.recording().id(),
                    call.recording() == null || call.recording().sizeBytes() == null ? ""
                            : call.recording().sizeBytes().toString(),
                    nz(call.source()), nz(call.outcomeCode()), String.join(" ", call.tags()), nz(call.notes())));
        });
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        CsvCells.line(out, cells);
    }

    static String cell(String value) {
        return CsvCells.cell(value);
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
