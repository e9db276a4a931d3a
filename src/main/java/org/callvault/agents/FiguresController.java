package org.callvault.agents;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * Per-agent figures: {@code GET /api/agents/figures?from=&to=&agent=} (an AGENT gets their own, an
 * ADMIN anyone's or everyone's) and the ADMIN page {@code /agents/figures}. Ranges are whole days in
 * the server's time zone, at most {@value #MAX_DAYS} days; both ends default to today.
 */
@Controller
class FiguresController {

    static final int MAX_DAYS = 366;

    private final FiguresRepository figures;
    private final Clock clock;

    FiguresController(FiguresRepository figures, Clock clock) {
        this.figures = figures;
        this.clock = clock;
    }

    @GetMapping("/api/agents/figures")
    @ResponseBody
    ResponseEntity<?> api(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String agent, Authentication user) {
        String who = agent == null || agent.isBlank() ? null : agent.strip();
        if (!isAdmin(user)) {
            if (who != null && !who.equals(user.getName())) {
                return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "forbidden", "message",
                        "An agent sees their own figures only"));
            }
            who = user.getName();
        }
        return ResponseEntity.ok(report(from, to, who));
    }

    @GetMapping("/agents/figures")
    String page(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            Authentication user, Model model) {
        if (!isAdmin(user)) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "The agents' figures are for administrators");
        }
        LocalDate today = LocalDate.now(clock.withZone(ZoneId.systemDefault()));
        model.addAttribute("report", report(from == null || from.isBlank() ? today.minusDays(6).toString() : from, to, null));
        return "agents/figures";
    }

    private AgentFigures.Report report(String from, String to, String agent) {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(clock.withZone(zone));
        LocalDate start = day(from, today, "from");
        LocalDate end = day(to, today, "to");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("to is before from");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw new IllegalArgumentException("a range may span at most " + MAX_DAYS + " days");
        }
        if (agent != null && agent.length() > 64) {
            throw new IllegalArgumentException("agent may have at most 64 characters");
        }
        return figures.figures(start, end, zone, agent);
    }

    private static LocalDate day(String value, LocalDate otherwise, String name) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value.strip());
        }
        catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a date, YYYY-MM-DD");
        }
    }

    static boolean isAdmin(Authentication user) {
        return user.getAuthorities().stream().anyMatch(a -> "ROLE_ADMIN".equals(a.getAuthority()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseBody
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad_request", "message", e.getMessage()));
    }
}
