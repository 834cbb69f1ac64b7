package dev.quiver.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.common.RetryLaterException;
import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import dev.quiver.tenant.api.UserView;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Console sessions over the servlet session (kept in PostgreSQL by Spring Session, so every gateway sees them). A
 * session holds the user's id, the tenant's id (none for an operator outside any tenant) and the e-mail for display;
 * the principal is derived from the ids on every request. Thread-safe.
 */
public final class SessionLogins implements ConsoleSessions {

    private final Accounts accounts;
    private final TenantCatalog tenants;
    private final LoginThrottle throttle;

    public SessionLogins(Accounts accounts, TenantCatalog tenants, LoginThrottle throttle) {
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.tenants = requireNonNull(tenants, "tenants is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
    }

    @Override
    public Optional<ConsoleUser> current(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(SessionAttributes.USER_ID) instanceof String user)) {
            return Optional.empty();
        }
        UserId userId = new UserId(UUID.fromString(user));
        Optional<Principal> principal;
        if (session.getAttribute(SessionAttributes.TENANT_ID) instanceof String tenantId) {
            // A deleted tenant ends its sessions.
            principal = tenants.findTenant(new TenantId(UUID.fromString(tenantId)))
                    .flatMap(tenant -> accounts.sessionPrincipal(userId, tenant));
        } else {
            principal = accounts.sessionPrincipal(userId, null);
        }
        if (principal.isEmpty()) {
            session.invalidate();
            return Optional.empty();
        }
        // Sessions started before the e-mail was kept in them look it up once and keep it.
        // (Setting an attribute makes Spring Session write the session row, so only when it is missing.)
        String email;
        if (session.getAttribute(SessionAttributes.EMAIL) instanceof String stored) {
            email = stored;
        } else {
            email = accounts.findUser(userId).map(UserView::email).orElse("");
            session.setAttribute(SessionAttributes.EMAIL, email);
        }
        return Optional.of(new ConsoleUser(principal.get(), email));
    }

    @Override
    public ConsoleUser signUp(HttpServletRequest request, SignUp signUp) {
        SignedUp signedUp = accounts.signUp(signUp);
        return start(request, signedUp.principal(), signedUp.user().email());
    }

    /**
     * Logs in. The throttle is asked before the password is checked, so a guesser who is throttled learns nothing
     * and costs no hash; a wrong e-mail and a wrong password count alike.
     */
    @Override
    public ConsoleUser logIn(HttpServletRequest request, String email, String password, @Nullable String tenant) {
        String address = request.getRemoteAddr();
        Optional<Duration> wait = throttle.retryAfter(email, address);
        if (wait.isPresent()) {
            throw new RetryLaterException(ErrorCode.TOO_MANY_REQUESTS, "Too many failed log-ins; try again in "
                    + RetryLaterException.seconds(wait.get()) + " seconds", wait.get());
        }
        Principal principal = accounts.logIn(email, password, tenant).orElse(null);
        if (principal == null) {
            throttle.failed(email, address);
            throw new QuiverException(ErrorCode.UNAUTHENTICATED, "Wrong e-mail or password");
        }
        throttle.succeeded(email, address);
        return start(request, principal, email.trim());
    }

    @Override
    public ConsoleUser redeem(HttpServletRequest request, String token, String password) {
        Principal principal = accounts.redeem(token, password);
        UserId user = requireNonNull(principal.user(), "a redeemed invitation has a user");
        return start(request, principal, accounts.findUser(user).map(UserView::email).orElse(""));
    }

    @Override
    public void logOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    /**
     * Starts a new session for the principal: the old one, if any, is dropped so that its id (which someone else
     * may have planted) never becomes authenticated.
     */
    private static ConsoleUser start(HttpServletRequest request, Principal principal, String email) {
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
        session.setAttribute(SessionAttributes.EMAIL, email);
        return new ConsoleUser(principal, email);
    }
}
