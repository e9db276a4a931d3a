package org.callvault.library;

import java.security.Principal;
import java.util.List;
import java.util.Map;

import org.callvault.recording.RetentionPolicy;
import org.callvault.recording.RetentionRule;
import org.callvault.recording.RetentionSettings;
import org.callvault.system.ClientAddress;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The retention rules over the API (ADMIN, see SecurityConfiguration). */
@RestController
@RequestMapping("/api/retention")
@Tag(name = "Retention", description = "Rules deciding how long recordings are kept; holds always win")
class RetentionApiController {

    static final int MAX_DRY_RUN = 1_000;

    /** The rules as sent: a default and rules tried in order. */
    record RulesRequest(Integer defaultDays, List<RetentionRule> rules) {
    }

    private final RetentionPolicy retention;

    RetentionApiController(RetentionPolicy retention) {
        this.retention = retention;
    }

    @GetMapping("/rules")
    @Operation(summary = "The retention rules in force")
    RetentionSettings rules() {
        return retention.rules().current();
    }

    @PutMapping("/rules")
    @Operation(summary = "Replace the default and every rule", description = "Audited; takes effect at the next run")
    RetentionSettings replace(@RequestBody RulesRequest body, Principal principal, ServerHttpRequest request) {
        if (body == null || body.defaultDays() == null) {
            throw new IllegalArgumentException("defaultDays is required (0 keeps recordings for ever)");
        }
        return retention.rules().replace(body.defaultDays(), body.rules(), principal.getName(),
                ClientAddress.of(request));
    }

    @GetMapping("/dry-run")
    @Operation(summary = "What a run would delete now", description = "The first `limit` recordings (oldest first per rule) and the total")
    RetentionPolicy.DryRun dryRun(@RequestParam(defaultValue = "200") int limit) {
        if (limit < 1 || limit > MAX_DRY_RUN) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_DRY_RUN);
        }
        return retention.dryRun(limit);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }
}
