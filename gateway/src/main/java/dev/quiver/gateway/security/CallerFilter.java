package dev.quiver.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantCatalog;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Resolves who is calling and puts the {@link Principal} into the security context and into a request attribute
 * ({@link #ATTRIBUTE}) that controllers read. It never refuses by itself: a request it cannot resolve stays
 * unauthenticated, and the chain's authorization rules answer 401 where a caller is required.
 *
 * <ol>
 *   <li>An API key in {@code x-chroma-token} or {@code Authorization: Bearer} wins: a key that is sent but does not
 *       authenticate leaves the request unauthenticated, even with a session cookie, so a client never acts with
 *       other credentials than the ones it sent.</li>
 *   <li>With authentication off, a data-plane caller is {@link Principal#anonymous()}.</li>
 *   <li>On the control plane, a session's user and tenant are turned into a principal again on every request, so
 *       removals and role changes apply at once; a session whose principal is gone is invalidated.</li>
 * </ol>
 *
 * Costs one {@code ApiKeys.authenticate} per keyed request and nothing else; a session costs a tenant lookup and
 * {@code Accounts.sessionPrincipal}. Thread-safe.
 */
public final class CallerFilter extends OncePerRequestFilter {

    /** The request attribute holding the resolved {@link Principal}. */
    public static final String ATTRIBUTE = Principal.class.getName();

    public static final String CHROMA_TOKEN_HEADER = "x-chroma-token";

    private static final String BEARER = "Bearer ";

    /** Immutable, so one instance serves every request when authentication is off. */
    private static final Principal ANONYMOUS = Principal.anonymous();

    private final ApiKeys keys;
    private final @Nullable Accounts accounts;
    private final @Nullable TenantCatalog tenants;
    private final boolean anonymousWithoutKey;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    /** A filter for a surface with API keys only (the Chroma data plane). */
    public static CallerFilter keysOnly(ApiKeys keys, boolean anonymousWithoutKey) {
        return new CallerFilter(keys, null, null, anonymousWithoutKey);
    }

    /** A filter for a surface with API keys and console sessions (the control plane). */
    public static CallerFilter keysAndSessions(ApiKeys keys, Accounts accounts, TenantCatalog tenants) {
        return new CallerFilter(keys, requireNonNull(accounts, "accounts is null"),
                requireNonNull(tenants, "tenants is null"), false);
    }

    private CallerFilter(ApiKeys keys, @Nullable Accounts accounts, @Nullable TenantCatalog tenants,
            boolean anonymousWithoutKey) {
        this.keys = requireNonNull(keys, "keys is null");
        this.accounts = accounts;
        this.tenants = tenants;
        this.anonymousWithoutKey = anonymousWithoutKey;
    }

    /** The secret the request carries in either of Chroma's token headers, or null when it carries none. */
    public static @Nullable String secret(HttpServletRequest request) {
        String token = request.getHeader(CHROMA_TOKEN_HEADER);
        if (token != null) {
            return token.trim();
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return null;
        }
        // Any other scheme is a malformed credential: an empty secret, which authenticates nobody.
        return authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim() : "";
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Principal principal = resolve(request);
        if (principal != null) {
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(new PrincipalAuthentication(principal));
            contexts.setContext(context);
            request.setAttribute(ATTRIBUTE, principal);
        }
        chain.doFilter(request, response);
    }

    private @Nullable Principal resolve(HttpServletRequest request) {
        if (anonymousWithoutKey) {
            return ANONYMOUS;
        }
        String secret = secret(request);
        if (secret != null) {
            return secret.isEmpty() ? null : keys.authenticate(secret).orElse(null);
        }
        return accounts == null || tenants == null ? null : fromSession(request, accounts, tenants).orElse(null);
    }

    private static Optional<Principal> fromSession(HttpServletRequest request, Accounts accounts,
            TenantCatalog tenants) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(SessionAttributes.USER_ID) instanceof String user)) {
            return Optional.empty();
        }
        Optional<Principal> principal;
        if (session.getAttribute(SessionAttributes.TENANT_ID) instanceof String tenantId) {
            // A deleted tenant ends its sessions.
            principal = tenants.findTenant(new TenantId(UUID.fromString(tenantId)))
                    .flatMap(tenant -> accounts.sessionPrincipal(new UserId(UUID.fromString(user)), tenant));
        } else {
            principal = accounts.sessionPrincipal(new UserId(UUID.fromString(user)), null);
        }
        if (principal.isEmpty()) {
            session.invalidate();
        }
        return principal;
    }
}
