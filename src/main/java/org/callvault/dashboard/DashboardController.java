package org.callvault.dashboard;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

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
}
