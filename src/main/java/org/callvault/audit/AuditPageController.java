package org.callvault.audit;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/** The Audit page (ADMIN): filters, pages, CSV, and the chain's verification on request. */
@Controller
class AuditPageController {

    private final AuditLog audit;
    private final AuditVerifier verifier;

    AuditPageController(AuditLog audit, AuditVerifier verifier) {
        this.audit = audit;
        this.verifier = verifier;
    }

    @GetMapping("/audit")
    String page(@RequestParam MultiValueMap<String, String> params, Model model) {
        model.addAttribute("params", params.toSingleValueMap());
        model.addAttribute("actions", AuditAction.values());
        var filters = new LinkedMultiValueMap<>(params);
        filters.remove("after");
        filters.remove("verify");
        try {
            AuditPage page = audit.find(AuditFilter.from(params, ZoneId.systemDefault()),
                    AuditApiController.after(params.getFirst("after")), AuditApiController.DEFAULT_PAGE);
            model.addAttribute("page", page);
            if (page.next() != null) {
                model.addAttribute("nextUrl", UriComponentsBuilder.fromPath("/audit").queryParams(filters)
                        .queryParam("after", page.next()).encode().build().toUriString());
            }
        }
        catch (IllegalArgumentException e) {
            model.addAttribute("error", e.getMessage());
            model.addAttribute("page", new AuditPage(List.of(), null));
        }
        model.addAttribute("exportUrl", UriComponentsBuilder.fromPath("/api/audit/export.csv").queryParams(filters)
                .encode().build().toUriString());
        model.addAttribute("verifyUrl", Objects.toString(UriComponentsBuilder.fromPath("/audit").queryParams(filters)
                .queryParam("verify", "true").encode().build().toUriString()));
        if ("true".equals(params.getFirst("verify"))) {
            model.addAttribute("verification", verifier.verify());
        }
        return "audit";
    }
}
