package org.callvault.security;

import org.callvault.user.User;
import org.callvault.user.UserException;
import org.callvault.user.UserRepository;
import org.callvault.user.UserService;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A signed-in user changes their own password; also the forced change after first sign-in. */
@Controller
class AccountController {

    private final UserService service;
    private final UserRepository users;
    private final ServerSecurityContextRepository contextRepository;

    AccountController(UserService service, UserRepository users, ServerSecurityContextRepository contextRepository) {
        this.service = service;
        this.users = users;
        this.contextRepository = contextRepository;
    }

    @GetMapping(PasswordChangeRequiredFilter.PASSWORD_PAGE)
    String form(Authentication auth, Model model) {
        model.addAttribute("forced", PasswordChangeRequiredFilter.mustChangePassword(auth));
        model.addAttribute("displayName", users.findByUsername(auth.getName()).map(User::displayName).orElse(""));
        return "account/password";
    }

    /** The user names themselves (the same rules as an ADMIN on the Users page). */
    @PostMapping("/account/display-name")
    String changeDisplayName(@ModelAttribute DisplayNameForm form, Authentication auth, Model model) {
        try {
            User me = users.findByUsername(auth.getName()).orElseThrow(() -> new UserException("Unknown user."));
            service.changeDisplayName(me.id(), form.displayName(), auth.getName());
            model.addAttribute("message", "Display name changed.");
        }
        catch (UserException e) {
            model.addAttribute("error", e.getMessage());
        }
        return form(auth, model);
    }

    @PostMapping(PasswordChangeRequiredFilter.PASSWORD_PAGE)
    Mono<String> change(@ModelAttribute PasswordChangeForm form, Authentication auth, ServerWebExchange exchange,
            Model model) {
        return Mono.fromCallable(() -> {
            if (form.newPassword() == null || !form.newPassword().equals(form.confirmPassword())) {
                throw new UserException("The two new passwords differ.");
            }
            service.changeOwnPassword(auth.getName(), form.currentPassword(), form.newPassword());
            return new CallVaultUserDetails(users.findByUsername(auth.getName()).orElseThrow());
        }).subscribeOn(Schedulers.boundedElastic()).flatMap(details -> {
            // Replace the principal in the session so the "must change" flag is lifted at once.
            var refreshed = UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities());
            return contextRepository.save(exchange, new SecurityContextImpl(refreshed))
                    .thenReturn("redirect:/?passwordChanged");
        }).onErrorResume(UserException.class, e -> {
            model.addAttribute("error", e.getMessage());
            return Mono.fromCallable(() -> form(auth, model)).subscribeOn(Schedulers.boundedElastic());
        });
    }

    record DisplayNameForm(String displayName) {
    }

    record PasswordChangeForm(String currentPassword, String newPassword, String confirmPassword) {
    }
}
