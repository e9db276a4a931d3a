package org.callvault.library;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callvault.audit.AuditAction;
import org.callvault.audit.AuditEntry;
import org.callvault.audit.AuditLog;
import org.callvault.recording.RecordingDeletion;
import org.callvault.system.ClientAddress;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.callvault.recording.RecordingObjects;
import org.callvault.recording.RetentionPolicy;
import org.callvault.recording.OggAsWav;
import org.callvault.recording.RecordingFormat;
import org.callvault.recording.WaveformPeaks;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The REST API over calls and recordings: the same filters as the page, keyset pagination,
 * audio with HTTP Range (206 / 416 are handled by WebFlux's resource writer), waveform peaks,
 * CSV export and deletion (ADMIN, see SecurityConfiguration).
 */
@RestController
@RequestMapping("/api")
class LibraryApiController {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    /** Pages of calls one {@code GET /api/recordings} reads at most while skipping calls without a recording. */
    static final int RECORDING_SCAN_PAGES = 10;

    private final CallHistoryRepository history;
    private final RecordingFiles files;
    private final RecordingDeletion deletion;
    private final WaveformPeaks peaks;
    private final CsvExport csv;
    private final RetentionPolicy retention;
    private final AccessAudit access;
    private final AuditLog audit;
    private final ObjectAudio objectAudio;
    private final RecordingObjects objects;
    private final HomeNodeRedirect homeNode;

    LibraryApiController(CallHistoryRepository history, RecordingFiles files, RecordingDeletion deletion,
            WaveformPeaks peaks, CsvExport csv, RetentionPolicy retention, AccessAudit access, AuditLog audit,
            ObjectAudio objectAudio, RecordingObjects objects, HomeNodeRedirect homeNode) {
        this.homeNode = homeNode;
        this.objectAudio = objectAudio;
        this.objects = objects;
        this.retention = retention;
        this.access = access;
        this.audit = audit;
        this.history = history;
        this.files = files;
        this.deletion = deletion;
        this.peaks = peaks;
        this.csv = csv;
    }

    @GetMapping("/calls")
    @CallFilterQuery(paged = true)
    CallPage list(@RequestParam MultiValueMap<String, String> params) {
        return history.find(CallFilter.from(params, ZoneId.systemDefault()), Cursor.decode(params.getFirst("after")),
                pageSize(params.getFirst("limit")));
    }

    /**
     * The calls that have a recording, with the same filters and pages as {@code /api/calls}.
     * Calls are read a page at a time and those without a recording skipped, at most
     * {@link #RECORDING_SCAN_PAGES} pages per request (a filter matching thousands of missed calls
     * must not make one request read them all): a page may then hold fewer than {@code limit}
     * recordings, and {@code next} goes on from where the reading stopped.
     */
    @GetMapping("/recordings")
    @CallFilterQuery(paged = true)
    CallPage recordings(@RequestParam MultiValueMap<String, String> params) {
        CallFilter filter = CallFilter.from(params, ZoneId.systemDefault());
        int size = pageSize(params.getFirst("limit"));
        Cursor after = Cursor.decode(params.getFirst("after"));
        List<CallRecord> recorded = new ArrayList<>();
        for (int pages = 0; pages < RECORDING_SCAN_PAGES; pages++) {
            CallPage page = history.find(filter, after, size);
            for (CallRecord call : page.items()) {
                if (call.recording() != null) {
                    recorded.add(call);
                }
                if (recorded.size() == size) {
                    boolean more = call != page.items().get(page.items().size() - 1) || page.next() != null;
                    return new CallPage(recorded, more ? new Cursor(call.createdAt().toEpochMilli(), call.id()).encode()
                            : null);
                }
            }
            if (page.next() == null) {
                return new CallPage(recorded, null);
            }
            after = Cursor.decode(page.next());
        }
        return new CallPage(recorded, after.encode());
    }

    @GetMapping("/calls/{id}")
    ResponseEntity<CallRecord> call(@PathVariable String id) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.of(history.findById(id));
    }

    /**
     * A SIPREC session's metadata body exactly as its recording client sent it (ADMIN, for audit):
     * served as a plain-text download, never as markup a browser would run.
     */
    @GetMapping("/calls/{id}/metadata")
    ResponseEntity<String> metadata(@PathVariable String id) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        return history.metadataOf(id).map(body -> ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename("siprec-metadata-" + id + ".xml").build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .contentType(new MediaType("text", "plain", StandardCharsets.UTF_8)).body(body))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    @GetMapping(path = "/calls/export.csv", produces = "text/csv")
    @CallFilterQuery
    ResponseEntity<byte[]> export(@RequestParam MultiValueMap<String, String> params, Principal principal,
            ServerHttpRequest request) {
        String text = csv.export(CallFilter.from(params, ZoneId.systemDefault()));
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        audit.record(AuditAction.CALLS_EXPORTED, principal.getName(), "calls",
                "filters: " + describe(params) + ", rows: " + (text.split("\r\n", -1).length - 2),
                ClientAddress.of(request));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename("callvault-calls.csv").build().toString())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8)).body(body);
    }

    @GetMapping("/recordings/{id}")
    ResponseEntity<CallRecord> recording(@PathVariable String id) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.of(history.findByRecordingId(id));
    }

    @GetMapping("/recordings/{id}/audio")
    ResponseEntity<?> audio(@PathVariable String id,
            @RequestParam(defaultValue = "false") boolean download, @RequestParam(defaultValue = "1") int part,
            @RequestParam(required = false) String format, @RequestParam(required = false) String node,
            Principal principal, ServerHttpRequest request) throws java.io.IOException {
        if (format != null && !format.equals("wav")) {
            throw new IllegalArgumentException("format must be wav (or absent: the stored file), not '" + format + "'");
        }
        HomeNodeRedirect.check(node);
        var file = files.contentOf(id, part);
        if (file.isEmpty()) {
            return homeNode.elsewhere(id, part, node, request).orElseGet(() -> ResponseEntity.notFound().build());
        }
        var call = history.findByRecordingId(id);
        if (call.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        access.audio(call.get(), id, download, principal.getName(), request);
        // The stored file as it is (Range from WebFlux's resource writer), or an Ogg Opus file
        // decoded to WAV while it is sent (?format=wav, for tools that only take WAV).
        String storedName = file.get().local() ? file.get().file().getFileName().toString() : file.get().objectPath();
        RecordingFormat stored = RecordingFormat.ofPath(storedName);
        boolean convert = "wav".equals(format) && stored != RecordingFormat.WAV;
        RecordingFormat sent = convert ? RecordingFormat.WAV : stored;
        String name = sent.rename(RecordingFiles.downloadName(call.get()));
        ContentDisposition disposition = (download ? ContentDisposition.attachment() : ContentDisposition.inline())
                .filename(name).build();
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType(sent.contentType()));
        headers.set(HttpHeaders.CONTENT_DISPOSITION, disposition.toString());
        // Personal data: no copy in any cache, so a revoked user cannot play it from one.
        headers.set(HttpHeaders.CACHE_CONTROL, "private, no-store");
        if (!file.get().local()) {
            if (convert) {
                return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "not_converted", "message",
                        "This recording is in object storage: download it as stored (Ogg Opus); WAV conversion on the fly reads local files only"));
            }
            return objectAudio.respond(file.get().objectPath(), part, request.getHeaders(), headers);
        }
        Resource body = convert ? new OggAsWav(file.get().file()) : new FileSystemResource(file.get().file());
        return ResponseEntity.ok().headers(headers).body(body);
    }

    @GetMapping("/recordings/{id}/peaks")
    ResponseEntity<?> peaks(@PathVariable String id, @RequestParam(required = false) String node,
            ServerHttpRequest request) {
        HomeNodeRedirect.check(node);
        var file = files.contentOf(id, 1);
        if (file.isEmpty()) {
            return homeNode.elsewhere(id, 1, node, request).orElseGet(() -> ResponseEntity.notFound().build());
        }
        WaveformPeaks.Peaks result = file.get().local() ? peaks.peaksOf(id, file.get().file())
                : peaks.peaksOf(id, RecordingFormat.ofPath(file.get().objectPath()),
                        () -> objects.read(file.get().objectPath(), 1, null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channels", result.channels());
        body.put("buckets", result.buckets());
        body.put("frames", result.frames());
        body.put("sampleRate", result.sampleRate());
        body.put("durationMs", result.frames() * 1000 / result.sampleRate());
        body.put("peaks", result.minMax());
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "private, no-store").body(body);
    }

    @DeleteMapping("/recordings/{id}")
    ResponseEntity<Map<String, Object>> delete(@PathVariable String id, Principal principal,
            ServerHttpRequest request) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        RecordingDeletion.Outcome outcome = deletion.delete(id, principal.getName(), null, ClientAddress.of(request));
        HttpStatus status = switch (outcome) {
            case DELETED, DELETED_FILE_WAS_MISSING -> HttpStatus.OK;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case IN_PROGRESS -> HttpStatus.CONFLICT;
            case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
            case HELD -> HttpStatus.CONFLICT;
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("outcome", outcome.name().toLowerCase());
        if (outcome == RecordingDeletion.Outcome.HELD) {
            history.findByRecordingId(id).map(CallRecord::hold).ifPresent(hold -> body.put("message",
                    "The call is on legal hold (" + hold.reason() + ", by " + hold.heldBy()
                            + "): its recording cannot be deleted until the hold is lifted"));
        }
        return ResponseEntity.status(status).body(body);
    }

    /** Deletes the recordings of every call matching the filters (at least one filter required). */
    @PostMapping("/recordings/bulk-delete")
    @CallFilterQuery
    Map<String, Object> bulkDelete(@RequestParam MultiValueMap<String, String> params, Principal principal,
            ServerHttpRequest request) {
        CallFilter filter = CallFilter.from(params, ZoneId.systemDefault());
        if (filter.equals(CallFilter.ALL) || filter.equals(new CallFilter(null, null, null, null, null, null, null,
                null, false))) {
            throw new IllegalArgumentException("Bulk delete needs at least one filter");
        }
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        history.forEach(filter, call -> {
            if (call.recording() != null) {
                var outcome = deletion.delete(call.recording().id(), principal.getName(), "bulk delete",
                        ClientAddress.of(request));
                outcomes.merge(outcome.name().toLowerCase(), 1, Integer::sum);
            }
        });
        audit.record(AuditAction.RECORDINGS_BULK_DELETED, principal.getName(), "recordings",
                "filters: " + describe(params) + ", outcomes: " + outcomes, ClientAddress.of(request));
        return Map.of("outcomes", outcomes);
    }

    /** Runs the retention policy now (ADMIN); {@code days} overrides the configured value once. */
    @PostMapping("/retention/run")
    RetentionPolicy.RunResult runRetention(@RequestParam(required = false) Integer days, Principal principal) {
        if (days != null && days < 1) {
            throw new IllegalArgumentException("days must be at least 1");
        }
        return days == null ? retention.run(principal.getName()) : retention.run(principal.getName(), days);
    }

    /**
     * Who accessed a call's recording, and what else happened to it (ADMIN): plays, downloads,
     * deletion, holds; newest first.
     */
    @GetMapping("/calls/{id}/access")
    ResponseEntity<List<AuditEntry>> access(@PathVariable String id) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        return history.findById(id).map(call -> ResponseEntity.ok(audit.about(accessTargets(call), 500)))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    /** What a call's audit entries name as their target: the call (its recording's entries too). */
    static List<String> accessTargets(CallRecord call) {
        return List.of(call.id());
    }

    /** The filter parameters as given, for the audit log (the paging cursor left out). */
    static String describe(MultiValueMap<String, String> params) {
        var filters = new java.util.TreeMap<String, String>(params.toSingleValueMap());
        filters.remove("after");
        filters.remove("_csrf");
        return filters.isEmpty() ? "none" : filters.toString();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }

    private static int pageSize(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(limit);
            if (size < 1 || size > MAX_PAGE) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
            }
            return size;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number");
        }
    }
}
