package org.callvault.dashboard;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

@Controller
class DashboardController {

    private final DashboardQueries queries;

    DashboardController(DashboardQueries queries) {
        this.queries = queries;
    }

    @GetMapping("/")
    String dashboard(Model model) {
        model.addAttribute("stats", queries.current());
        return "dashboard";
    }

    /** The same figures for the page's live refresh and for scripts. */
    @GetMapping("/api/dashboard")
    @ResponseBody
    DashboardStats stats() {
        return queries.current();
    }
}
