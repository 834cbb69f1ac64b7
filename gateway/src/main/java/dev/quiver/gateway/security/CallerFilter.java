package dev.quiver.gateway.security;

import static java.util.Objects.requireNonNull;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Principal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
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
 * {@code Accounts.sessionPrincipal} ({@link ConsoleSessions#current}). Thread-safe.
 */
public final class CallerFilter extends OncePerRequestFilter {

    /** The request attribute holding the resolved {@link Principal}. */
    public static final String ATTRIBUTE = Principal.class.getName();

    public static final String CHROMA_TOKEN_HEADER = "x-chroma-token";

    private static final String BEARER = "Bearer ";

    /** Immutable, so one instance serves every request when authentication is off. */
    private static final Principal ANONYMOUS = Principal.anonymous();

    private final ApiKeys keys;
    private final @Nullable ConsoleSessions sessions;
    private final boolean anonymousWithoutKey;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    /** A filter for a surface with API keys only (the Chroma data plane). */
    public static CallerFilter keysOnly(ApiKeys keys, boolean anonymousWithoutKey) {
        return new CallerFilter(keys, null, anonymousWithoutKey);
    }

    /** A filter for a surface with API keys and console sessions (the control plane). */
    public static CallerFilter keysAndSessions(ApiKeys keys, ConsoleSessions sessions) {
        return new CallerFilter(keys, requireNonNull(sessions, "sessions is null"), false);
    }

    private CallerFilter(ApiKeys keys, @Nullable ConsoleSessions sessions, boolean anonymousWithoutKey) {
        this.keys = requireNonNull(keys, "keys is null");
        this.sessions = sessions;
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
        return sessions == null ? null
                : sessions.current(request).map(ConsoleSessions.ConsoleUser::principal).orElse(null);
    }
}
