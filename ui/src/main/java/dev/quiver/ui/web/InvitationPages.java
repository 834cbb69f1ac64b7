package dev.quiver.ui.web;

import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Where an invitation link leads: the invitee chooses a password (or types the one of an account they already
 * have) and lands in the tenant logged in. No log-in is needed to see the page. The page does not say which tenant
 * or e-mail the token is for: nothing looks a token up without redeeming it, and a page that did would tell anyone
 * holding a guessed token whether it is live. An unknown, used or expired token is the 404 page.
 */
@Controller
@RequestMapping("/console/invitations/{token}")
class InvitationPages {

    private final ConsoleSessions sessions;

    InvitationPages(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping
    String page(@PathVariable String token, Model model) {
        model.addAttribute("token", token);
        return "console/invitation";
    }

    @PostMapping
    String redeem(@PathVariable String token, @RequestParam(defaultValue = "") String password, Model model,
            HttpServletRequest request, HttpServletResponse response) {
        try {
            sessions.redeem(request, token, password);
            return "redirect:/console/dashboard?joined";
        } catch (QuiverException refused) {
            if (refused.code().status() == 404) {
                throw refused;
            }
            response.setStatus(refused.code().status());
            Forms.refusal(model, refused);
            model.addAttribute("token", token);
            return "console/invitation";
        }
    }
}
