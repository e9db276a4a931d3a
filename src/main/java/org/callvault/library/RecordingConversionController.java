package org.callvault.library;

import java.security.Principal;
import java.util.Map;

import org.callvault.recording.RecordingConversion;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Converting stored WAV recordings to the configured format (ADMIN, see SecurityConfiguration). */
@RestController
@RequestMapping("/api/recordings")
@Tag(name = "Recordings")
class RecordingConversionController {

    private final RecordingConversion conversion;

    RecordingConversionController(RecordingConversion conversion) {
        this.conversion = conversion;
    }

    @GetMapping("/convert")
    @Operation(summary = "Progress of the conversion to the configured format",
            description = "Whether a run is going on, who started it and when, how many recordings it converted and"
                    + " left as WAV (held, in several parts, failed), and how many WAV recordings are still waiting.")
    Mono<RecordingConversion.Progress> progress() {
        // Counting the waiting rows is a query: off the event loop.
        return Mono.fromCallable(conversion::progress).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/convert")
    @Operation(summary = "Convert WAV recordings to the configured format (callvault.recordings.format)",
            description = "Starts a background job: 202 when it started, 409 when one is running or the format is"
                    + " wav. Ids are kept; a WAV file is deleted only after its converted file was decoded back and"
                    + " checked; recordings on legal hold and in several parts stay WAV. Audited per recording.")
    ResponseEntity<Map<String, Object>> convert(Principal principal) {
        RecordingConversion.Started started = conversion.start(principal.getName());
        return ResponseEntity.status(started.started() ? HttpStatus.ACCEPTED : HttpStatus.CONFLICT)
                .body(Map.of("started", started.started(), "format", started.format(), "message", started.message()));
    }
}
