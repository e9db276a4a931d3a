package org.callvault.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.json.JsonMapper;

/**
 * A recording's metadata beside its file ({@code <call-id>.json} next to {@code <call-id>.wav}),
 * written when the recording is finalized: enough to rebuild the library's rows from the files
 * alone if the database is lost ({@code --callvault.tools.rebuild-library=true}). Times are epoch
 * milliseconds; {@code path} is relative to the recordings folder.
 */
public record RecordingSidecar(int version, String recordingId, String callId, String path, String callerName,
        String callerNumber, String agent, Long createdAt, Long answeredAt, Long endedAt, String endReason,
        String format, int sampleRate, int channels, long durationMs, long sizeBytes, String sha256, boolean partial,
        int parts, boolean repaired, long recordedAt) {

    public static final int VERSION = 1;

    /** The sidecar's file for a recording file: the same name with {@code .json}. */
    public static Path fileFor(Path wav) {
        String name = wav.getFileName().toString();
        return wav.resolveSibling(RecordingFormat.stem(name) + ".json");
    }

    void write(Path wav, JsonMapper json) throws IOException {
        PrivateFiles.writeAtomically(fileFor(wav), bytes(json));
    }

    byte[] bytes(JsonMapper json) {
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    }

    /** The same recording stored in another file and format (a conversion): the rest is unchanged. */
    RecordingSidecar convertedTo(String newPath, RecordingFormat newFormat, long newSize, String newSha256) {
        return new RecordingSidecar(version, recordingId, callId, newPath, callerName, callerNumber, agent, createdAt,
                answeredAt, endedAt, endReason, newFormat.name(), sampleRate, channels, durationMs, newSize, newSha256,
                partial, parts, repaired, recordedAt);
    }

    public static RecordingSidecar read(Path sidecar, JsonMapper json) throws IOException {
        return read(Files.readAllBytes(sidecar), json);
    }

    public static RecordingSidecar read(byte[] sidecar, JsonMapper json) {
        return json.readValue(sidecar, RecordingSidecar.class);
    }
}
