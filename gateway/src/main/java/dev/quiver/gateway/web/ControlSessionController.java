package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.ControlJson.object;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.security.LoginThrottle;
import dev.quiver.gateway.security.SessionAttributes;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

    private final Accounts accounts;
    private final LoginThrottle throttle;

    ControlSessionController(Accounts accounts, LoginThrottle throttle) {
        this.accounts = accounts;
        this.throttle = throttle;
    }

    @PostMapping("/signup")
    ResponseEntity<Map<String, @Nullable Object>> signUp(JsonNode body, HttpServletRequest request) {
        String email = ControlJson.requiredString(body, "email");
        String password = ControlJson.requiredString(body, "password");
        String organization = ControlJson.requiredString(body, "organization");
        SignedUp signedUp = accounts.signUp(new SignUp(email, password, organization));
        Map<String, @Nullable Object> csrf = start(request, signedUp.principal());
        return ResponseEntity.status(HttpStatus.CREATED).body(object(
                "tenant", ControlJson.tenant(signedUp.tenant()),
                "user", object("id", signedUp.user().id().toString(), "email", signedUp.user().email()),
                "csrf", csrf));
    }

    /**
     * Logs in. A wrong password and an unknown e-mail get the same answer; repeated failures for one e-mail from
     * one address are refused with 429 for a while, before the password is even checked.
     */
    @PostMapping("/login")
    ResponseEntity<?> logIn(JsonNode body, HttpServletRequest request) {
        String email = ControlJson.requiredString(body, "email");
        String password = ControlJson.requiredString(body, "password");
        String tenant = ControlJson.optionalString(body, "tenant");
        String address = request.getRemoteAddr();
        Optional<Duration> wait = throttle.retryAfter(email, address);
        if (wait.isPresent()) {
            return tooManyAttempts(wait.get(), request);
        }
        Principal principal = accounts.logIn(email, password, tenant).orElse(null);
        if (principal == null) {
            throttle.failed(email, address);
            throw new QuiverException(ErrorCode.UNAUTHENTICATED, "Wrong e-mail or password");
        }
        throttle.succeeded(email, address);
        Map<String, @Nullable Object> csrf = start(request, principal);
        return ResponseEntity.ok(object(
                "tenant", ControlJson.tenant(principal.tenant()),
                "user", object("id", String.valueOf(principal.user()), "email", email),
                "role", principal.role(),
                "csrf", csrf));
    }

    @PostMapping("/logout")
    ResponseEntity<Void> logOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
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
        Principal principal = accounts.redeem(token, password);
        Map<String, @Nullable Object> csrf = start(request, principal);
        return object(
                "tenant", ControlJson.tenant(principal.tenant()),
                "user", object("id", String.valueOf(principal.user())),
                "role", principal.role(),
                "csrf", csrf);
    }

    /**
     * Starts a new session for the principal: the old one, if any, is dropped so that its id (which someone else
     * may have planted) never becomes authenticated. Then a CSRF token is made for the new session.
     */
    private static Map<String, @Nullable Object> start(HttpServletRequest request, Principal principal) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(SessionAttributes.USER_ID, String.valueOf(principal.user()));
        TenantView tenant = principal.tenant();
        if (tenant != null) {
            session.setAttribute(SessionAttributes.TENANT_ID, tenant.id().toString());
        }
        return csrf(request);
    }

    private static Map<String, @Nullable Object> csrf(HttpServletRequest request) {
        if (!(request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token)) {
            throw new IllegalStateException("no CSRF token on " + request.getRequestURI());
        }
        return object("header", token.getHeaderName(), "token", token.getToken());
    }

    private static ResponseEntity<Map<String, @Nullable Object>> tooManyAttempts(Duration wait,
            HttpServletRequest request) {
        long seconds = Math.max(1, wait.toSeconds());
        String detail = "Too many failed log-ins; try again in " + seconds + " seconds";
        // No ErrorCode exists for 429 yet, so the problem is written here with the same members the advice writes.
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(object("type", "urn:quiver:problem:too-many-requests", "title", "Too Many Requests",
                        "status", 429, "detail", detail, "instance", request.getRequestURI(),
                        "code", "TOO_MANY_REQUESTS", "errors", List.of()));
    }
}
