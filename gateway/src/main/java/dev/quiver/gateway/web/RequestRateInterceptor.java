package dev.quiver.gateway.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.billing.api.QuotaRefusals;
import dev.quiver.billing.api.RequestKind;
import dev.quiver.billing.api.RequestRates;
import dev.quiver.common.RateLimitExceededException;
import dev.quiver.gateway.security.CallerFilter;
import dev.quiver.tenant.api.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Holds Chroma's record routes to the caller's tenant's request rates: add, upsert, update and delete count as
 * writes; get, query, count and search as reads. It runs after the security chain (an unauthenticated caller has
 * had its 401) and after the route is matched, before the controller, so a refused request reads and writes
 * nothing. A refusal is thrown as the controllers' are, and so answered by the same error mapping: 429,
 * {@code Retry-After}, Chroma's body on {@code /api/v2}.
 *
 * <p>Requests without a tenant to charge pass: authentication off (every caller anonymous, as local Chroma), or an
 * operator who belongs to no tenant. So does a suspended tenant's request, which the controller refuses with 403:
 * the suspension is what the caller must learn, and it is not load on the data. Stateless and thread-safe.
 */
public final class RequestRateInterceptor implements HandlerInterceptor {

    /** The record routes, as registered with the interceptor; the last segment names the operation. */
    public static final String RECORD_ROUTES = "/api/v2/tenants/*/databases/*/collections/*/*";

    private final RequestRates rates;
    private final QuotaRefusals refusals;

    public RequestRateInterceptor(RequestRates rates, QuotaRefusals refusals) {
        this.rates = requireNonNull(rates, "rates is null");
        this.refusals = requireNonNull(refusals, "refusals is null");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        RequestKind kind = kind(request.getRequestURI());
        if (kind == null
                || !(request.getAttribute(CallerFilter.ATTRIBUTE) instanceof Principal caller)
                || caller.tenant() == null || caller.suspended()) {
            return true;
        }
        try {
            rates.admit(caller.tenant(), kind);
        } catch (RateLimitExceededException refusal) {
            refusals.refused(refusal);
            throw refusal;
        }
        return true;
    }

    /** The kind of a record route's operation, or null for one no rate limits (fork: not implemented). */
    static @Nullable RequestKind kind(String path) {
        String operation = path.substring(path.lastIndexOf('/') + 1);
        return switch (operation) {
            case "add", "upsert", "update", "delete" -> RequestKind.WRITE;
            case "get", "query", "count", "search" -> RequestKind.READ;
            default -> null;
        };
    }
}
