package org.callvault.audit;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.callvault.system.ClientAddress;
import org.callvault.system.CsvCells;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The audit log over the API (ADMIN, session or API token; see SecurityConfiguration). */
@RestController
@RequestMapping("/api/audit")
@Tag(name = "Audit", description = "Who did what, hash-chained so that a changed or removed entry shows")
class AuditApiController {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    static final int MAX_EXPORT = 1_000_000;

    private final AuditLog audit;
    private final AuditVerifier verifier;

    AuditApiController(AuditLog audit, AuditVerifier verifier) {
        this.audit = audit;
        this.verifier = verifier;
    }

    @GetMapping
    @Operation(summary = "Audit entries, newest first",
            description = "Filters: actor, action, target, from, to (YYYY-MM-DD or ISO instant); keyset pages with `after` = the previous page's `next`")
    AuditPage list(@RequestParam MultiValueMap<String, String> params) {
        return audit.find(AuditFilter.from(params, ZoneId.systemDefault()), after(params.getFirst("after")),
                pageSize(params.getFirst("limit")));
    }

    @GetMapping(path = "/export.csv", produces = "text/csv")
    @Operation(summary = "The audit entries matching the filters as CSV (audited)")
    ResponseEntity<byte[]> export(@RequestParam MultiValueMap<String, String> params, Principal principal,
            ServerHttpRequest request) {
        AuditFilter filter = AuditFilter.from(params, ZoneId.systemDefault());
        StringBuilder out = new StringBuilder(
                "seq,occurred_at,actor,action,target,detail,client_address,previous_hash,hash\r\n");
        audit.forEach(filter, MAX_EXPORT, entry -> CsvCells.line(out, List.of(String.valueOf(entry.seq()),
                entry.occurredAt().toString(), nz(entry.actor()), entry.action().name().toLowerCase(),
                nz(entry.target()), nz(entry.detail()), nz(entry.clientAddress()), nz(entry.previousHash()),
                nz(entry.hash()))));
        audit.record(AuditAction.AUDIT_EXPORTED, principal.getName(), "audit log", "filters: " + filter,
                ClientAddress.of(request));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename("callvault-audit.csv").build().toString())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .body(out.toString().getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/verify")
    @Operation(summary = "Verify the hash chain", description = "Names the first broken entry; `intact` is false when there is one")
    AuditVerifier.Result verify() {
        return verifier.verify();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }

    static Long after(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seq = Long.parseLong(value.strip());
            if (seq < 1) {
                throw new IllegalArgumentException("after must be a positive entry number");
            }
            return seq;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("after must be an entry number");
        }
    }

    static int pageSize(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(limit.strip());
            if (size < 1 || size > MAX_PAGE) {
                throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE);
            }
            return size;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number");
        }
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
