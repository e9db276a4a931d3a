package org.callvault.library;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.callvault.audit.AuditLog;
import org.callvault.recording.LegalHolds;
import org.callvault.recording.RecordingDeletion;
import org.callvault.system.ClientAddress;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ResponseStatusException;
import org.callvault.recording.RetentionPolicy;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/** The call history and recordings page: filters, keyset pages, playback, delete (ADMIN). */
@Controller
class RecordingsPageController {

    /** The parameters of the list page (filters, sort, page), the only ones a delete brings back. */
    private static final Set<String> LIST_PARAMETERS = Set.of("from", "to", "caller", "agent",
            "state", "minSeconds", "maxSeconds", "q", "sort", "after", "source");

    private final CallHistoryRepository history;
    private final RecordingDeletion deletion;
    private final RetentionPolicy retention;
    private final LegalHolds holds;
    private final AuditLog audit;

    private final java.util.List<String> outcomeCodes;

    RecordingsPageController(CallHistoryRepository history, RecordingDeletion deletion, RetentionPolicy retention,
            LegalHolds holds, AuditLog audit, org.callvault.system.CallVaultProperties properties) {
        this.outcomeCodes = java.util.List.copyOf(properties.calls().outcomeCodes());
        this.holds = holds;
        this.audit = audit;
        this.history = history;
        this.deletion = deletion;
        this.retention = retention;
    }

    @GetMapping("/recordings")
    String list(@RequestParam MultiValueMap<String, String> params, Model model) {
        model.addAttribute("params", params.toSingleValueMap());
        model.addAttribute("outcomeCodes", outcomeCodes);
        try {
            CallPage page = history.find(CallFilter.from(params, ZoneId.systemDefault()),
                    Cursor.decode(params.getFirst("after")), LibraryApiController.DEFAULT_PAGE);
            model.addAttribute("page", page);
            model.addAttribute("listQuery", Objects.toString(UriComponentsBuilder.newInstance()
                    .queryParams(withoutDeleted(params)).encode().build().getQuery(), ""));
            if (page.next() != null) {
                model.addAttribute("nextUrl", UriComponentsBuilder.fromPath("/recordings")
                        .queryParams(withoutAfter(params)).queryParam("after", page.next()).encode().build().toUriString());
            }
        }
        catch (IllegalArgumentException e) {
            model.addAttribute("error", e.getMessage());
            model.addAttribute("page", new CallPage(java.util.List.of(), null));
        }
        model.addAttribute("exportUrl", UriComponentsBuilder.fromPath("/api/calls/export.csv")
                .queryParams(withoutAfter(params)).encode().build().toUriString());
        return "recordings";
    }

    /**
     * Deletes one recording and returns to the list the admin was looking at: {@code back} is that
     * list's query string. Only the list's own parameters are kept from it, re-encoded, so it
     * cannot redirect anywhere else or smuggle anything into the header.
     */
    @PostMapping("/recordings/{id}/delete")
    String delete(@PathVariable String id, @RequestParam(required = false) String back, Principal principal,
            ServerHttpRequest request) {
        RecordingDeletion.Outcome outcome = RecordingFiles.isUuid(id)
                ? deletion.delete(id, principal.getName(), null, ClientAddress.of(request))
                : RecordingDeletion.Outcome.NOT_FOUND;
        return "redirect:" + backTo(back).queryParam("deleted", outcome.name().toLowerCase()).encode().build()
                .toUriString();
    }

    /** Puts one call on legal hold from the list (ADMIN); the reason comes from the row's form. */
    @PostMapping("/recordings/{callId}/hold")
    String hold(@PathVariable String callId, @ModelAttribute HoldForm form, @RequestParam(required = false) String back,
            Principal principal, ServerHttpRequest request) {
        String result;
        try {
            result = RecordingFiles.isUuid(callId) ? holds.place(callId, form.reason(), principal.getName(),
                    ClientAddress.of(request)).name().toLowerCase() : "not_found";
        }
        catch (IllegalArgumentException e) {
            return "redirect:" + backTo(back).queryParam("holdError", e.getMessage()).encode().build().toUriString();
        }
        return "redirect:" + backTo(back).queryParam("hold", result).encode().build().toUriString();
    }

    @PostMapping("/recordings/{callId}/release")
    String release(@PathVariable String callId, @RequestParam(required = false) String back, Principal principal,
            ServerHttpRequest request) {
        String result = RecordingFiles.isUuid(callId)
                ? holds.lift(callId, principal.getName(), ClientAddress.of(request)).name().toLowerCase() : "not_found";
        return "redirect:" + backTo(back).queryParam("hold", result).encode().build().toUriString();
    }

    /** Every call matching the list's filters (at least one) goes on hold with one reason. */
    @PostMapping("/recordings/hold")
    String holdMatching(@ModelAttribute HoldForm form, @RequestParam(required = false) String back, Principal principal,
            ServerHttpRequest request) {
        var list = backTo(back);
        try {
            CallFilter filter = CallFilter.from(list.build().getQueryParams(), ZoneId.systemDefault());
            var outcomes = HoldApiController.holdAll(holds, history, filter, LegalHolds.validReason(form.reason()),
                    principal.getName(), ClientAddress.of(request));
            return "redirect:" + list.queryParam("holdCount", outcomes.getOrDefault("placed", 0)).encode().build()
                    .toUriString();
        }
        catch (IllegalArgumentException e) {
            return "redirect:" + list.queryParam("holdError", e.getMessage()).encode().build().toUriString();
        }
    }

    /** One call: its facts, its hold, and who accessed its recording (ADMIN). */
    @GetMapping("/recordings/calls/{callId}")
    String details(@PathVariable String callId, Model model) {
        var call = RecordingFiles.isUuid(callId) ? history.findById(callId) : java.util.Optional.<CallRecord>empty();
        if (call.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No such call");
        }
        model.addAttribute("call", call.get());
        model.addAttribute("access", audit.about(LibraryApiController.accessTargets(call.get()), 500));
        return "call-details";
    }

    /**
     * The list the admin was looking at: {@code back} is that list's query string. Only the list's
     * own parameters are kept from it, re-encoded, so it cannot redirect anywhere else or smuggle
     * anything into the header.
     */
    private static UriComponentsBuilder backTo(String back) {
        var list = UriComponentsBuilder.fromPath("/recordings");
        if (back != null && back.length() <= 2_000) {
            try {
                var previous = UriComponentsBuilder.fromUriString("/recordings?" + back).build().getQueryParams();
                previous.forEach((name, values) -> {
                    if (LIST_PARAMETERS.contains(name)) {
                        values.forEach(value -> list.queryParam(name,
                                value == null ? null : UriUtils.decode(value, StandardCharsets.UTF_8)));
                    }
                });
            }
            catch (IllegalArgumentException e) {
                // a mangled query string: back to the plain list
                list.replaceQuery(null);
            }
        }
        return list;
    }

    /** The reason typed into a hold form. */
    record HoldForm(String reason) {
    }

    @PostMapping("/retention/run")
    String runRetention(Principal principal) {
        RetentionPolicy.RunResult result = retention.run(principal.getName());
        return "redirect:/?retentionDeleted=" + result.deleted();
    }

    private static MultiValueMap<String, String> withoutAfter(MultiValueMap<String, String> params) {
        var copy = withoutDeleted(params);
        copy.remove("after");
        return copy;
    }

    private static MultiValueMap<String, String> withoutDeleted(MultiValueMap<String, String> params) {
        var copy = new LinkedMultiValueMap<>(params);
        copy.remove("deleted");
        copy.remove("hold");
        copy.remove("holdCount");
        copy.remove("holdError");
        return copy;
    }

}
