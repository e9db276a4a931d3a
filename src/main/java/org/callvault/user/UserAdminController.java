package org.callvault.user;

import java.security.Principal;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** ADMIN only (see SecurityConfiguration): list, create, disable, enable, reset, change role. */
@Controller
class UserAdminController {

    private final UserService service;

    UserAdminController(UserService service) {
        this.service = service;
    }

    @GetMapping("/users")
    String list(Model model) {
        model.addAttribute("users", service.all());
        model.addAttribute("roles", Role.values());
        return "users/list";
    }

    @PostMapping("/users")
    String create(@ModelAttribute NewUserForm form, Principal principal, Model model) {
        return attempt(model, "User " + form.username() + " created; they choose a new password at first sign-in.",
                () -> service.create(form.username(), form.password(), parseRole(form.role()), principal.getName()));
    }

    @PostMapping("/users/{id}/enabled")
    String setEnabled(@PathVariable String id, @ModelAttribute EnabledForm form, Principal principal, Model model) {
        return attempt(model, form.enabled() ? "User enabled." : "User disabled.",
                () -> service.setEnabled(id, form.enabled(), principal.getName()));
    }

    @PostMapping("/users/{id}/password")
    String resetPassword(@PathVariable String id, @ModelAttribute ResetForm form, Principal principal, Model model) {
        return attempt(model, "Password reset; the user must change it at next sign-in.",
                () -> service.resetPassword(id, form.password(), principal.getName()));
    }

    @PostMapping("/users/{id}/role")
    String changeRole(@PathVariable String id, @ModelAttribute RoleForm form, Principal principal, Model model) {
        return attempt(model, "Role changed.",
                () -> service.changeRole(id, parseRole(form.role()), principal.getName()));
    }

    private String attempt(Model model, String successMessage, Runnable action) {
        try {
            action.run();
            model.addAttribute("message", successMessage);
        }
        catch (UserException e) {
            model.addAttribute("error", e.getMessage());
        }
        return list(model);
    }

    private static Role parseRole(String role) {
        try {
            if (role == null || role.isBlank()) {
                throw new UserException("Choose a role.");
            }
            return Role.valueOf(role);
        }
        catch (IllegalArgumentException e) {
            throw new UserException("Unknown role " + role + ".");
        }
    }

    record NewUserForm(String username, String password, String role) {
    }

    record EnabledForm(boolean enabled) {
    }

    record ResetForm(String password) {
    }

    record RoleForm(String role) {
    }
}
