package org.callvault.library;

import java.security.Principal;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import org.callvault.recording.LegalHolds;
import org.callvault.system.ClientAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** Legal hold over the API (ADMIN, see SecurityConfiguration): one call, or every call matching the filters. */
@RestController
@RequestMapping("/api/calls")
@Tag(name = "Legal hold", description = "Calls whose recordings nobody and no retention rule may delete")
class HoldApiController {

    /** What a hold request carries. */
    record HoldRequest(String reason) {
    }

    private final LegalHolds holds;
    private final CallHistoryRepository history;

    HoldApiController(LegalHolds holds, CallHistoryRepository history) {
        this.holds = holds;
        this.history = history;
    }

    @PostMapping("/{id}/hold")
    @Operation(summary = "Put a call on legal hold", description = "201 when placed, 200 when it already was, 404 for no such call")
    ResponseEntity<Map<String, Object>> hold(@PathVariable String id, @RequestBody HoldRequest body, Principal principal,
            ServerHttpRequest request) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        var outcome = holds.place(id, body == null ? null : body.reason(), principal.getName(),
                ClientAddress.of(request));
        return answer(id, outcome, outcome == LegalHolds.Outcome.PLACED ? HttpStatus.CREATED : HttpStatus.OK);
    }

    @DeleteMapping("/{id}/hold")
    @Operation(summary = "Lift a call's legal hold", description = "200 when lifted or not held, 404 for no such call")
    ResponseEntity<Map<String, Object>> lift(@PathVariable String id, Principal principal, ServerHttpRequest request) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        return answer(id, holds.lift(id, principal.getName(), ClientAddress.of(request)), HttpStatus.OK);
    }

    /** Every call matching the filters (the call list's parameters; at least one) goes on hold. */
    @PostMapping("/hold")
    @Operation(summary = "Put every call matching the filters on legal hold",
            description = "Takes the call list's filter parameters (at least one) and a JSON body with the reason")
    Map<String, Object> holdMatching(@RequestParam MultiValueMap<String, String> params,
            @RequestBody HoldRequest body, Principal principal, ServerHttpRequest request) {
        CallFilter filter = CallFilter.from(params, ZoneId.systemDefault());
        String reason = LegalHolds.validReason(body == null ? null : body.reason());
        Map<String, Integer> outcomes = holdAll(holds, history, filter, reason, principal.getName(),
                ClientAddress.of(request));
        return Map.of("outcomes", outcomes);
    }

    static Map<String, Integer> holdAll(LegalHolds holds, CallHistoryRepository history, CallFilter filter,
            String reason, String actor, String address) {
        if (!hasFilter(filter)) {
            throw new IllegalArgumentException("Holding by filter needs at least one filter");
        }
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        history.forEach(filter, call -> outcomes.merge(
                holds.place(call.id(), reason, actor, address).name().toLowerCase(), 1, Integer::sum));
        return outcomes;
    }

    static boolean hasFilter(CallFilter filter) {
        return !new CallFilter(null, null, null, null, null, null, null, null, filter.newestFirst()).equals(filter);
    }

    private static ResponseEntity<Map<String, Object>> answer(String id, LegalHolds.Outcome outcome, HttpStatus ok) {
        if (outcome == LegalHolds.Outcome.NOT_FOUND) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.status(ok).body(Map.of("callId", id, "outcome", outcome.name().toLowerCase()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }
}
