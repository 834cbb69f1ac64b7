package dev.quiver.gateway.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.security.CallerFilter;
import dev.quiver.tenant.api.Principal;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives a controller method the caller's {@link Principal}, which the security filter resolved once per request:
 * reading it costs a request attribute, no query. A route that reaches a controller without a principal was left
 * open by the security rules by mistake, so it is refused rather than served to nobody. Stateless and thread-safe.
 */
public final class PrincipalArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Principal.class;
    }

    @Override
    public Principal resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer container,
            NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
        if (webRequest.getAttribute(CallerFilter.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST)
                instanceof Principal principal) {
            return principal;
        }
        throw new QuiverException(ErrorCode.UNAUTHENTICATED, "Authentication required");
    }
}
