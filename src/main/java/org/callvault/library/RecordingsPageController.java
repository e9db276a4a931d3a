package org.callvault.library;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.callvault.recording.RecordingDeletion;
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

    private final java.util.List<String> outcomeCodes;

    RecordingsPageController(CallHistoryRepository history, RecordingDeletion deletion, RetentionPolicy retention,
            org.callvault.system.CallVaultProperties properties) {
        this.outcomeCodes = java.util.List.copyOf(properties.calls().outcomeCodes());
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
    String delete(@PathVariable String id, @RequestParam(required = false) String back, Principal principal) {
        RecordingDeletion.Outcome outcome = RecordingFiles.isUuid(id)
                ? deletion.delete(id, principal.getName(), null) : RecordingDeletion.Outcome.NOT_FOUND;
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
        return "redirect:" + list.queryParam("deleted", outcome.name().toLowerCase()).encode().build().toUriString();
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
        return copy;
    }

}
