package org.callvault.user;

import java.security.Principal;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/** ADMIN only (see SecurityConfiguration): list, create, disable, enable, reset, change role, rename, delete. */
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

    @PostMapping("/users/{id}/display-name")
    String changeDisplayName(@PathVariable String id, @ModelAttribute DisplayNameForm form, Principal principal,
            Model model) {
        return attempt(model, "Display name changed.",
                () -> service.changeDisplayName(id, form.displayName(), principal.getName()));
    }

    /** Confirmed in the page; refused with 409 for yourself or the last administrator, 404 if unknown. */
    @PostMapping("/users/{id}/delete")
    String delete(@PathVariable String id, @ModelAttribute DeleteForm form, Principal principal, Model model,
            ServerHttpResponse response) {
        try {
            if (!Boolean.TRUE.equals(form.confirmed())) {
                throw new UserException("Tick the box to confirm the deletion.");
            }
            service.delete(id, principal.getName());
            model.addAttribute("message", "User deleted; their calls stay under their name.");
        }
        catch (UserConflictException e) {
            response.setStatusCode(HttpStatus.CONFLICT);
            model.addAttribute("error", e.getMessage());
        }
        catch (UserException e) {
            response.setStatusCode(HttpStatus.BAD_REQUEST);
            model.addAttribute("error", e.getMessage());
        }
        return list(model);
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

    record DisplayNameForm(String displayName) {
    }

    record DeleteForm(Boolean confirmed) {
    }
}
