package org.callvault.library;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.callvault.recording.RetentionPolicy;
import org.callvault.recording.RetentionRule;
import org.callvault.recording.RetentionRules;
import org.callvault.system.ClientAddress;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;

/** The retention rules page (ADMIN): edit the default and the rules, see a dry run. */
@Controller
class RetentionPageController {

    /** Empty rows offered under the rules, to add new ones. */
    private static final int SPARE_ROWS = 3;

    private final RetentionPolicy retention;

    RetentionPageController(RetentionPolicy retention) {
        this.retention = retention;
    }

    @GetMapping("/retention")
    String page(@RequestParam(defaultValue = "false") boolean dryRun, Model model) {
        var current = retention.rules().current();
        model.addAttribute("settings", current);
        List<RetentionRule> rows = new ArrayList<>(current.rules());
        for (int i = 0; i < SPARE_ROWS; i++) {
            rows.add(new RetentionRule(null, null, null, 0));
        }
        model.addAttribute("rows", rows);
        model.addAttribute("lastRun", retention.lastRun());
        if (dryRun) {
            model.addAttribute("dryRun", retention.dryRun(RetentionApiController.MAX_DRY_RUN));
        }
        return "retention";
    }

    /**
     * The form has rows {@code source_i}, {@code outcome_i}, {@code tag_i}, {@code days_i}; a row
     * left wholly empty is dropped (that is how a rule is removed).
     */
    @PostMapping("/retention/rules")
    String save(ServerWebExchange exchange, Principal principal, Model model) {
        // The security filter has read the form already (for its CSRF field): this is cached.
        MultiValueMap<String, String> form = exchange.getFormData().block(Duration.ofSeconds(10));
        try {
            int defaultDays = days(form.getFirst("defaultDays"), "The default days");
            List<RetentionRule> rules = new ArrayList<>();
            for (int i = 0; i <= RetentionRules.MAX_RULES + SPARE_ROWS; i++) {
                String source = form.getFirst("source_" + i);
                String outcome = form.getFirst("outcome_" + i);
                String tag = form.getFirst("tag_" + i);
                String days = form.getFirst("days_" + i);
                if (blank(source) && blank(outcome) && blank(tag) && blank(days)) {
                    continue;
                }
                rules.add(new RetentionRule(source, outcome, tag, days(days, "Rule " + (rules.size() + 1) + "'s days")));
            }
            retention.rules().replace(defaultDays, rules, principal.getName(), ClientAddress.of(exchange.getRequest()));
            return "redirect:/retention?saved=true";
        }
        catch (IllegalArgumentException e) {
            model.addAttribute("error", e.getMessage());
            return page(false, model);
        }
    }

    private static int days(String value, String what) {
        if (blank(value)) {
            throw new IllegalArgumentException(what + " are required (0 keeps for ever)");
        }
        try {
            return Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
