package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Sign-up, log-in, log-out, redeeming an invitation, and who the caller is. A session is started afresh on every
 * log-in (a new id, so a planted cookie gains nothing) and stores only the user's and the tenant's ids; the answer
 * names the CSRF header and token that JSON clients send with every cookie-authenticated write.
 */
@RestController
@RequestMapping("/api/control/v1")
class ControlSessionController {

    private final ConsoleSessions sessions;
    private final Accounts accounts;

    ControlSessionController(ConsoleSessions sessions, Accounts accounts) {
        this.sessions = sessions;
        this.accounts = accounts;
    }

    @PostMapping("/signup")
    ResponseEntity<Map<String, @Nullable Object>> signUp(JsonNode body, HttpServletRequest request) {
        String email = ControlJson.requiredString(body, "email");
        String password = ControlJson.requiredString(body, "password");
        String organization = ControlJson.requiredString(body, "organization");
        ConsoleUser user = sessions.signUp(request, new SignUp(email, password, organization));
        return ResponseEntity.status(HttpStatus.CREATED).body(started(user, request));
    }

    /**
     * Logs in. A wrong password and an unknown e-mail get the same answer; repeated failures for one e-mail from
     * one address are refused with 429 and {@code Retry-After} for a while, before the password is even checked.
     */
    @PostMapping("/login")
    Map<String, @Nullable Object> logIn(JsonNode body, HttpServletRequest request) {
        String email = ControlJson.requiredString(body, "email");
        String password = ControlJson.requiredString(body, "password");
        String tenant = ControlJson.optionalString(body, "tenant");
        return started(sessions.logIn(request, email, password, tenant), request);
    }

    @PostMapping("/logout")
    ResponseEntity<Void> logOut(HttpServletRequest request) {
        sessions.logOut(request);
        return ResponseEntity.noContent().build();
    }

    /**
     * The caller as the server sees it now: the session's user or the key's creator, its tenant and role, and
     * whether an operator suspended the tenant, with the reason, so its members learn why data is refused.
     */
    @GetMapping("/session")
    Map<String, @Nullable Object> session(Principal caller, HttpServletRequest request) {
        String suspendedReason = caller.suspended()
                ? accounts.tenantStatus(caller).map(status -> status.suspendedReason()).orElse(null) : null;
        return object(
                "kind", caller.kind().name().toLowerCase(Locale.ROOT),
                "user", object("id", caller.user() == null ? null : caller.user().toString()),
                "tenant", ControlJson.tenant(caller.tenant()),
                "role", caller.role(),
                "privileges", ControlJson.privilegeKeys(caller.privileges()),
                "operator", caller.operator(),
                "suspended", caller.suspended(),
                "suspended_reason", suspendedReason,
                "csrf", caller.kind() == Principal.Kind.SESSION ? csrf(request) : null);
    }

    /** Redeems an invitation with the invitee's password and logs the invitee in. */
    @PostMapping("/invitations/redeem")
    Map<String, @Nullable Object> redeem(JsonNode body, HttpServletRequest request) {
        String token = ControlJson.requiredString(body, "token");
        String password = ControlJson.requiredString(body, "password");
        return started(sessions.redeem(request, token, password), request);
    }

    /** The answer to a request that started a session: who, where, and the CSRF header for the session's writes. */
    private static Map<String, @Nullable Object> started(ConsoleUser user, HttpServletRequest request) {
        Principal principal = user.principal();
        return object(
                "tenant", ControlJson.tenant(principal.tenant()),
                "user", object("id", String.valueOf(principal.user()), "email", user.email()),
                "role", principal.role(),
                "csrf", csrf(request));
    }

    private static Map<String, @Nullable Object> csrf(HttpServletRequest request) {
        if (!(request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token)) {
            throw new IllegalStateException("no CSRF token on " + request.getRequestURI());
        }
        return object("header", token.getHeaderName(), "token", token.getToken());
    }
}
