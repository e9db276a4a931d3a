package org.callvault.security;

import java.security.Principal;

import org.callvault.user.UserException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** Each user creates and revokes their own API tokens; a new token is shown exactly once. */
@Controller
class ApiTokenController {

    private final ApiTokenService tokens;

    ApiTokenController(ApiTokenService tokens) {
        this.tokens = tokens;
    }

    @GetMapping("/account/tokens")
    String list(Principal principal, Model model) {
        model.addAttribute("tokens", tokens.list(principal.getName()));
        return "account/tokens";
    }

    @PostMapping("/account/tokens")
    String create(@ModelAttribute NewTokenForm form, Principal principal, Model model) {
        try {
            var created = tokens.create(principal.getName(), form.name());
            model.addAttribute("secret", created.secret());
            model.addAttribute("createdName", created.token().name());
        }
        catch (UserException e) {
            model.addAttribute("error", e.getMessage());
        }
        return list(principal, model);
    }

    @PostMapping("/account/tokens/{id}/revoke")
    String revoke(@PathVariable String id, Principal principal, Model model) {
        if (tokens.revoke(principal.getName(), id)) {
            model.addAttribute("message", "Token revoked: scripts using it now get 401.");
        }
        else {
            model.addAttribute("error", "No such active token.");
        }
        return list(principal, model);
    }

    record NewTokenForm(String name) {
    }
}
