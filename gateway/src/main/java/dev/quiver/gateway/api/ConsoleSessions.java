package dev.quiver.gateway.api;

import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Console sessions, shared by the control-plane API and the console's pages so both follow one set of rules: every
 * log-in starts a new session (a new id, so a planted cookie gains nothing) that stores only ids and the e-mail, the
 * principal is derived again on every request (role changes and removals apply at once), and repeated failed
 * log-ins for one e-mail from one address are refused for a while before the password is checked. Thread-safe.
 */
public interface ConsoleSessions {

    /**
     * The request's logged-in user, resolved afresh; empty when there is no session or when its user, membership
     * or tenant is gone (that session is then invalidated).
     */
    Optional<ConsoleUser> current(HttpServletRequest request);

    /**
     * Signs up (a new tenant, its owner and its default database) and starts a session. Bad input is
     * {@code INVALID_ARGUMENT} naming the field ({@code email}, {@code password}, {@code organization}) and the rule.
     */
    ConsoleUser signUp(HttpServletRequest request, SignUp signUp);

    /**
     * Logs in and starts a session. Wrong e-mail or password: {@code UNAUTHENTICATED}, the same for both. Throttled:
     * {@code RetryLaterException} with {@code TOO_MANY_REQUESTS}, before the password is checked.
     *
     * @param tenant the tenant's name for a user who belongs to several, or null for the only (or first) one
     */
    ConsoleUser logIn(HttpServletRequest request, String email, String password, @Nullable String tenant);

    /** Redeems an invitation with the invitee's chosen password and starts a session as the new member. */
    ConsoleUser redeem(HttpServletRequest request, String token, String password);

    /** Ends the request's session, if any. */
    void logOut(HttpServletRequest request);

    /**
     * A logged-in console user.
     *
     * @param email the address the user logged in with, for display
     */
    record ConsoleUser(Principal principal, String email) {

        public ConsoleUser {
            java.util.Objects.requireNonNull(principal, "principal is null");
            java.util.Objects.requireNonNull(email, "email is null");
        }
    }
}
