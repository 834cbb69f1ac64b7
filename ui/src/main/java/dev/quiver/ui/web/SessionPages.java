package dev.quiver.ui.web;

import dev.quiver.common.QuiverException;
import dev.quiver.common.RetryLaterException;
import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.tenant.api.SignUp;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Sign-up, log-in and log-out pages. They use the same {@link ConsoleSessions} as the control-plane API, so the
 * rules (validation, throttling, a fresh session on every log-in) are the same; a refusal re-renders the form with
 * the message next to the field it names and the status the API would answer.
 */
@Controller
@RequestMapping("/console")
class SessionPages {

    private final ConsoleSessions sessions;

    SessionPages(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping
    String home(HttpServletRequest request) {
        return sessions.current(request).isPresent() ? "redirect:/console/dashboard" : "redirect:/console/login";
    }

    @GetMapping("/login")
    String logInPage(@RequestParam(required = false) @Nullable String next, Model model) {
        model.addAttribute("next", safeNext(next));
        return "console/login";
    }

    @PostMapping("/login")
    String logIn(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
            @RequestParam(required = false) @Nullable String tenant,
            @RequestParam(required = false) @Nullable String next, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        try {
            sessions.logIn(request, email, password, tenant == null || tenant.isBlank() ? null : tenant.trim());
            return "redirect:" + safeNext(next);
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            if (refused instanceof RetryLaterException retry) {
                response.setHeader("Retry-After", Long.toString(retry.retryAfterSeconds()));
            }
            Forms.refusal(model, refused);
            model.addAttribute("email", email);
            model.addAttribute("tenant", tenant);
            model.addAttribute("next", safeNext(next));
            return "console/login";
        }
    }

    @GetMapping("/signup")
    String signUpPage() {
        return "console/signup";
    }

    @PostMapping("/signup")
    String signUp(@RequestParam(defaultValue = "") String email, @RequestParam(defaultValue = "") String password,
            @RequestParam(defaultValue = "") String organization, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        try {
            sessions.signUp(request, new SignUp(email, password, organization));
            return "redirect:/console/dashboard?welcome";
        } catch (QuiverException refused) {
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("email", email);
            model.addAttribute("organization", organization);
            return "console/signup";
        }
    }

    @PostMapping("/logout")
    String logOut(HttpServletRequest request) {
        sessions.logOut(request);
        return "redirect:/console/login?loggedOut";
    }

    /** Only a console path may follow a log-in, so the page cannot be used to send users elsewhere. */
    private static String safeNext(@Nullable String next) {
        return next != null && next.startsWith("/console/") && !next.startsWith("//") && !next.contains("\\")
                ? next : "/console/dashboard";
    }
}
