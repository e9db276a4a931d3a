package org.callvault.library;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditLog;
import org.callvault.system.ClientAddress;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * Audits who listened to and downloaded which recording. A player fetches the audio in many Range
 * requests (and again after every seek), so a play is audited once per sitting: the first request
 * of a user for a recording from one browser session (or with an API token), and again after 30
 * minutes without a request for it. A download is audited unless it is the continuation of one
 * (a Range not starting at byte 0). Entries name the call (the recording's id is in the detail),
 * like the recording's deletion, so a call's access history survives its recording.
 */
@Component
class AccessAudit {

    static final Duration SITTING = Duration.ofMinutes(30);
    /** Bounds the memory: beyond it the oldest sittings are forgotten (their next request audits again). */
    private static final int MAX_SITTINGS = 100_000;

    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, Long> lastPlayed = new ConcurrentHashMap<>();

    AccessAudit(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    void audio(CallRecord call, String recordingId, boolean download, String user, ServerHttpRequest request) {
        String address = ClientAddress.of(request);
        String detail = "recording " + recordingId;
        if (download) {
            String range = request.getHeaders().getFirst(HttpHeaders.RANGE);
            if (range == null || range.replace(" ", "").startsWith("bytes=0-")) {
                audit.record(AuditAction.RECORDING_DOWNLOADED, user, call.id(), detail, address);
            }
            return;
        }
        long now = clock.millis();
        String key = user + '\n' + sitting(request) + '\n' + recordingId;
        Long previous = lastPlayed.put(key, now);
        if (previous == null || now - previous > SITTING.toMillis()) {
            audit.record(AuditAction.RECORDING_PLAYED, user, call.id(), detail, address);
        }
        if (lastPlayed.size() > MAX_SITTINGS) {
            lastPlayed.entrySet().removeIf(entry -> now - entry.getValue() > SITTING.toMillis());
            if (lastPlayed.size() > MAX_SITTINGS) {
                lastPlayed.clear();
            }
        }
    }

    /** The browser session (as a digest: the cookie itself is a credential), or one sitting for a token. */
    private static String sitting(ServerHttpRequest request) {
        HttpCookie session = request.getCookies().getFirst("SESSION");
        if (session == null) {
            return "token";
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(session.getValue().getBytes(StandardCharsets.UTF_8)), 0, 16);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
