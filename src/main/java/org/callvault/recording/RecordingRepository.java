package org.callvault.recording;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The recordings table. */
@Repository
public class RecordingRepository {

    private final JdbcClient jdbc;

    public RecordingRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insertStarted(String id, String callId, String path, int sampleRate, int channels, long createdAt) {
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, sample_rate, channels, status, repaired, created_at)
                VALUES (:id, :call, :path, 'WAV', :rate, :channels, 'RECORDING', :repaired, :created)
                """)
                .param("id", id).param("call", callId).param("path", path).param("rate", sampleRate)
                .param("channels", channels).param("repaired", false).param("created", createdAt)
                .update();
    }

    void finished(String id, RecordingStatus status, long durationMs, long sizeBytes, String sha256, boolean repaired,
            long finishedAt) {
        jdbc.sql("""
                UPDATE recordings SET status = :status, duration_ms = :duration, size_bytes = :size, sha256 = :sha,
                       repaired = :repaired, finished_at = :finished
                WHERE id = :id
                """)
                .param("status", status.name()).param("duration", durationMs).param("size", sizeBytes)
                .param("sha", sha256).param("repaired", repaired).param("finished", finishedAt).param("id", id)
                .update();
    }

    List<Unfinished> findUnfinished() {
        return jdbc.sql("SELECT id, call_id, path, sample_rate, channels FROM recordings WHERE status = 'RECORDING'")
                .query((rs, n) -> new Unfinished(rs.getString("id"), rs.getString("call_id"), rs.getString("path"),
                        rs.getInt("sample_rate"), rs.getInt("channels")))
                .list();
    }

    public List<StoredRecording> findByCallId(String callId) {
        return jdbc.sql("""
                SELECT id, call_id, path, sample_rate, channels, status, duration_ms, size_bytes, sha256, repaired
                FROM recordings WHERE call_id = :call
                """).param("call", callId)
                .query((rs, n) -> new StoredRecording(rs.getString("id"), rs.getString("call_id"),
                        rs.getString("path"), rs.getInt("sample_rate"), rs.getInt("channels"),
                        RecordingStatus.valueOf(rs.getString("status")), rs.getLong("duration_ms"),
                        rs.getLong("size_bytes"), rs.getString("sha256"), rs.getBoolean("repaired")))
                .list();
    }

    record Unfinished(String id, String callId, String path, int sampleRate, int channels) {
    }

    public record StoredRecording(String id, String callId, String path, int sampleRate, int channels,
            RecordingStatus status, long durationMs, long sizeBytes, String sha256, boolean repaired) {
    }
}
