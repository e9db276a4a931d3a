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
        insertStarted(id, callId, path, sampleRate, channels, RecordingFormat.ofPath(path).bitrate(sampleRate, channels),
                createdAt);
    }

    /** As above, with the file's bit rate given: a recording of the talkers' own Opus packets has theirs. */
    void insertStarted(String id, String callId, String path, int sampleRate, int channels, int bitrate,
            long createdAt) {
        RecordingFormat format = RecordingFormat.ofPath(path);
        jdbc.sql("""
                INSERT INTO recordings (id, call_id, path, format, codec, bitrate, sample_rate, channels, status,
                    repaired, created_at)
                VALUES (:id, :call, :path, :format, :codec, :bitrate, :rate, :channels, 'RECORDING', :repaired, :created)
                """)
                .param("id", id).param("call", callId).param("path", path).param("format", format.name())
                .param("codec", format.codec()).param("bitrate", bitrate)
                .param("rate", sampleRate)
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

    /** As {@link #finished}, for a recording that may be partial or in several part files. */
    void finished(String id, RecordingStatus status, long durationMs, long sizeBytes, String sha256, boolean repaired,
            long finishedAt, boolean partial, int parts) {
        jdbc.sql("""
                UPDATE recordings SET status = :status, duration_ms = :duration, size_bytes = :size, sha256 = :sha,
                       repaired = :repaired, finished_at = :finished, partial = :partial, parts = :parts
                WHERE id = :id
                """)
                .param("status", status.name()).param("duration", durationMs).param("size", sizeBytes)
                .param("sha", sha256).param("repaired", repaired).param("finished", finishedAt)
                .param("partial", partial).param("parts", Math.max(1, parts)).param("id", id)
                .update();
    }

    /** Packets the caller's transport lost before they reached the server: silence in the file there. */
    void lostPackets(String id, long lost) {
        jdbc.sql("UPDATE recordings SET lost_packets = :lost WHERE id = :id").param("lost", lost).param("id", id)
                .update();
    }

    /** The call's parties and times as its row holds them, for the recording's sidecar (empty if none). */
    java.util.Optional<CallFacts> callFacts(String callId) {
        return jdbc.sql("""
                SELECT caller_name, caller_number, agent_username, created_at, answered_at, ended_at, end_reason
                FROM calls WHERE id = :id
                """).param("id", callId)
                .query((rs, n) -> new CallFacts(rs.getString("caller_name"), rs.getString("caller_number"),
                        rs.getString("agent_username"), (Long) rs.getObject("created_at", Long.class),
                        (Long) rs.getObject("answered_at", Long.class), (Long) rs.getObject("ended_at", Long.class),
                        rs.getString("end_reason")))
                .optional();
    }

    record CallFacts(String callerName, String callerNumber, String agent, Long createdAt, Long answeredAt,
            Long endedAt, String endReason) {
    }

    /** How many recordings the table holds, whatever their state. */
    public long count() {
        return jdbc.sql("SELECT COUNT(*) FROM recordings").query(Long.class).single();
    }

    /** Moves a recording to DELETING unless it is still being recorded; false if it was not there. */
    /** False for a recording still being written and for one whose call is on legal hold. */
    boolean markDeleting(String id) {
        return jdbc.sql("""
                UPDATE recordings SET status = 'DELETING' WHERE id = :id AND status <> 'RECORDING'
                AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.call_id = recordings.call_id)
                """).param("id", id).update() == 1;
    }

    boolean isHeld(String id) {
        return jdbc.sql("""
                SELECT COUNT(*) FROM recordings r JOIN legal_holds h ON h.call_id = r.call_id WHERE r.id = :id
                """).param("id", id).query(Long.class).single() > 0;
    }

    void setStatus(String id, RecordingStatus status) {
        jdbc.sql("UPDATE recordings SET status = :status WHERE id = :id").param("status", status.name())
                .param("id", id).update();
    }

    void delete(String id) {
        jdbc.sql("DELETE FROM recordings WHERE id = :id").param("id", id).update();
    }

    List<String> findDeleting() {
        return jdbc.sql("SELECT id FROM recordings WHERE status = 'DELETING'").query(String.class).list();
    }

    public java.util.Optional<StoredRecording> findById(String id) {
        return jdbc.sql(SELECT_STORED + " WHERE id = :id").param("id", id).query(RecordingRepository::mapStored)
                .optional();
    }

    /**
     * The node that carried the call of a finished recording still in a recordings folder, whose
     * part {@code part} exists: the node whose disk holds it. Empty when there is no such recording,
     * or its call has no home node (one node, or a call from before several nodes).
     */
    public java.util.Optional<String> homeNodeOfLocal(String id, int part) {
        return jdbc.sql("""
                SELECT c.home_node FROM recordings r JOIN calls c ON c.id = r.call_id
                WHERE r.id = :id AND r.status = 'COMPLETE' AND r.storage = 'LOCAL' AND r.parts >= :part
                """).param("id", id).param("part", part).query(String.class).optional();
    }

    /** WAV recordings the conversion may take: finished, in one part, in a recordings folder or object storage. */
    private static final String WAV_TO_CONVERT = "status = 'COMPLETE' AND format = 'WAV' AND parts = 1";

    /** Finished single-file WAV recordings, oldest first: what a conversion to Ogg Opus takes on. */
    List<StoredRecording> findWavToConvert(int limit) {
        return jdbc.sql(SELECT_STORED + " WHERE " + WAV_TO_CONVERT
                + " ORDER BY created_at LIMIT :limit").param("limit", limit).query(RecordingRepository::mapStored).list();
    }

    /** How many of them are left (held ones included: a run leaves those as they are). */
    long countWavToConvert() {
        return jdbc.sql("SELECT COUNT(*) FROM recordings WHERE " + WAV_TO_CONVERT).query(Long.class).single();
    }

    /** A recording now stored in another file and format: the same id, call, duration. */
    boolean converted(String id, String oldPath, String newPath, RecordingFormat format, int bitrate, long size,
            String sha256) {
        return jdbc.sql("""
                UPDATE recordings SET path = :path, format = :format, codec = :codec, bitrate = :bitrate,
                    size_bytes = :size, sha256 = :sha
                WHERE id = :id AND path = :old AND status = 'COMPLETE'
                """).param("path", newPath).param("format", format.name()).param("codec", format.codec())
                .param("bitrate", bitrate).param("size", size).param("sha", sha256).param("id", id).param("old", oldPath)
                .update() == 1;
    }

    /** Recordings made before {@code cutoff}: what retention removes, oldest first. */
    public List<String> findFinishedBefore(long cutoff, int limit) {
        return jdbc.sql("""
                SELECT id FROM recordings WHERE created_at < :cutoff AND status IN ('COMPLETE', 'FAILED')
                ORDER BY created_at LIMIT :limit
                """).param("cutoff", cutoff).param("limit", limit).query(String.class).list();
    }

    public long totalBytes() {
        Long sum = jdbc.sql("SELECT SUM(size_bytes) FROM recordings").query(Long.class).optional().orElse(null);
        return sum == null ? 0 : sum;
    }

    /**
     * Recordings left open. {@code homeNode}: those of this node's calls (another node's are still
     * being written, on that node's disk) and those of calls without a home, from a process that ran
     * without the cluster ({@link Unfinished#homeless}: their file may be on any node's disk); null on
     * one node: all.
     */
    List<Unfinished> findUnfinished(String homeNode) {
        String sql = homeNode == null
                ? "SELECT id, call_id, path, sample_rate, channels, 0 AS homeless FROM recordings WHERE status = 'RECORDING'"
                : """
                        SELECT r.id, r.call_id, r.path, r.sample_rate, r.channels,
                               CASE WHEN c.home_node IS NULL THEN 1 ELSE 0 END AS homeless
                        FROM recordings r JOIN calls c ON c.id = r.call_id
                        WHERE r.status = 'RECORDING' AND (c.home_node = :home OR c.home_node IS NULL)""";
        var statement = jdbc.sql(sql);
        if (homeNode != null) {
            statement = statement.param("home", homeNode);
        }
        return statement
                .query((rs, n) -> new Unfinished(rs.getString("id"), rs.getString("call_id"), rs.getString("path"),
                        rs.getInt("sample_rate"), rs.getInt("channels"), rs.getInt("homeless") == 1))
                .list();
    }

    /**
     * Makes {@code node} the home of a call that has none, if it still has none: true for the one
     * node whose UPDATE matched (of two starting at once, the other's no longer matches).
     */
    boolean adopt(String callId, String node) {
        return jdbc.sql("UPDATE calls SET home_node = :node WHERE id = :call AND home_node IS NULL")
                .param("node", node).param("call", callId).update() == 1;
    }

    public List<StoredRecording> findByCallId(String callId) {
        return jdbc.sql(SELECT_STORED + " WHERE call_id = :call").param("call", callId)
                .query(RecordingRepository::mapStored).list();
    }

    private static final String SELECT_STORED = """
            SELECT id, call_id, path, sample_rate, channels, status, duration_ms, size_bytes, sha256, repaired, parts,
                   storage
            FROM recordings
            """;

    private static StoredRecording mapStored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new StoredRecording(rs.getString("id"), rs.getString("call_id"), rs.getString("path"),
                rs.getInt("sample_rate"), rs.getInt("channels"), RecordingStatus.valueOf(rs.getString("status")),
                rs.getLong("duration_ms"), rs.getLong("size_bytes"), rs.getString("sha256"), rs.getBoolean("repaired"),
                rs.getInt("parts"), "S3".equals(rs.getString("storage")));
    }

    /** {@code homeless}: its call has no home node, and this node is one of several. */
    record Unfinished(String id, String callId, String path, int sampleRate, int channels, boolean homeless) {
    }

    public record StoredRecording(String id, String callId, String path, int sampleRate, int channels,
            RecordingStatus status, long durationMs, long sizeBytes, String sha256, boolean repaired, int parts,
            boolean inObjectStorage) {
    }

    /** A finished recording still in a recordings folder (on this node or another): to upload. */
    record NotUploaded(String id, String path, String sha256, int parts) {
    }

    /** Finished recordings not in object storage yet, oldest first. */
    List<NotUploaded> findNotUploaded(int limit) {
        return jdbc.sql("""
                SELECT id, path, sha256, parts FROM recordings WHERE status = 'COMPLETE' AND storage = 'LOCAL'
                ORDER BY created_at LIMIT :limit
                """).param("limit", limit)
                .query((rs, n) -> new NotUploaded(rs.getString("id"), rs.getString("path"), rs.getString("sha256"),
                        rs.getInt("parts")))
                .list();
    }

    /**
     * Marks a recording as uploaded; false when it is no longer a finished recording (deleted, or
     * being deleted, meanwhile): its objects must then go too.
     */
    boolean markInObjectStorage(String id) {
        return jdbc.sql("UPDATE recordings SET storage = 'S3' WHERE id = :id AND status = 'COMPLETE'")
                .param("id", id).update() == 1;
    }
}
