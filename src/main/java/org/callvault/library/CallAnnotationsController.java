package org.callvault.library;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.callvault.call.CallService;
import org.callvault.system.CallVaultProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT /api/calls/{id}/annotations}: notes, tags and outcome code of a call. Only the agent who
 * answered it, or an ADMIN, may write them; anyone who may see the call reads them with it.
 */
@RestController
class CallAnnotationsController {

    /** The request body; a field left out clears it (the console always sends all three). */
    record AnnotationsRequest(String notes, List<String> tags, String outcomeCode) {
    }

    private final CallAnnotationsRepository annotations;
    private final CallHistoryRepository history;
    private final CallService calls;
    private final List<String> outcomeCodes;
    private final Clock clock;

    CallAnnotationsController(CallAnnotationsRepository annotations, CallHistoryRepository history, CallService calls,
            CallVaultProperties properties, Clock clock) {
        this.annotations = annotations;
        this.history = history;
        this.calls = calls;
        this.outcomeCodes = List.copyOf(properties.calls().outcomeCodes());
        this.clock = clock;
    }

    @GetMapping("/api/outcome-codes")
    List<String> outcomeCodes() {
        return outcomeCodes;
    }

    @PutMapping("/api/calls/{id}/annotations")
    ResponseEntity<?> save(@PathVariable String id, @RequestBody AnnotationsRequest body, Authentication user) {
        if (!RecordingFiles.isUuid(id)) {
            return ResponseEntity.notFound().build();
        }
        Optional<Optional<String>> stored = annotations.agentOf(id);
        if (stored.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        String liveAgent = calls.liveAgent(id);
        String agent = liveAgent != null ? liveAgent : stored.get().orElse(null);
        boolean admin = user.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
        if (!admin && !user.getName().equals(agent)) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "forbidden", "message",
                    "Only the agent who took this call, or an administrator, may change its notes, tags and outcome"));
        }
        CallAnnotations clean = CallAnnotations.validated(body.notes(), body.tags(), body.outcomeCode(), outcomeCodes);
        annotations.save(id, clean, user.getName(), clock.instant());
        return ResponseEntity.of(history.findById(id));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }
}
