package org.callvault.library;

import java.security.Principal;
import java.time.ZoneId;
import java.util.Map;

import org.callvault.recording.RecordingDeletion;
import org.callvault.recording.RetentionPolicy;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/** The call history and recordings page: filters, keyset pages, playback, delete (ADMIN). */
@Controller
class RecordingsPageController {

    private final CallHistoryRepository history;
    private final RecordingDeletion deletion;
    private final RetentionPolicy retention;

    RecordingsPageController(CallHistoryRepository history, RecordingDeletion deletion, RetentionPolicy retention) {
        this.history = history;
        this.deletion = deletion;
        this.retention = retention;
    }

    @GetMapping("/recordings")
    String list(@RequestParam MultiValueMap<String, String> params, Model model) {
        model.addAttribute("params", params.toSingleValueMap());
        try {
            CallPage page = history.find(CallFilter.from(params, ZoneId.systemDefault()),
                    Cursor.decode(params.getFirst("after")), LibraryApiController.DEFAULT_PAGE);
            model.addAttribute("page", page);
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

    @PostMapping("/recordings/{id}/delete")
    String delete(@PathVariable String id, Principal principal) {
        RecordingDeletion.Outcome outcome = RecordingFiles.isUuid(id)
                ? deletion.delete(id, principal.getName(), null) : RecordingDeletion.Outcome.NOT_FOUND;
        return "redirect:/recordings?deleted=" + outcome.name().toLowerCase();
    }

    @PostMapping("/retention/run")
    String runRetention(Principal principal) {
        RetentionPolicy.RunResult result = retention.run(principal.getName());
        return "redirect:/?retentionDeleted=" + result.deleted();
    }

    private static MultiValueMap<String, String> withoutAfter(MultiValueMap<String, String> params) {
        var copy = new org.springframework.util.LinkedMultiValueMap<>(params);
        copy.remove("after");
        copy.remove("deleted");
        return copy;
    }

}
