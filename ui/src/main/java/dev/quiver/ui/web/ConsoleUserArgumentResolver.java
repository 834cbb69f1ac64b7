package dev.quiver.ui.web;

import static java.util.Objects.requireNonNull;

import dev.quiver.gateway.api.ConsoleSessions;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Gives a console controller parameter of type {@link ConsoleUser} the logged-in user, resolved afresh on every
 * request; without one it throws {@link LogInRequired}, which {@link ConsoleAdvice} turns into a redirect to the
 * log-in page. Thread-safe.
 */
public final class ConsoleUserArgumentResolver implements HandlerMethodArgumentResolver {

    private final ConsoleSessions sessions;

    public ConsoleUserArgumentResolver(ConsoleSessions sessions) {
        this.sessions = requireNonNull(sessions, "sessions is null");
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ConsoleUser.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
            NativeWebRequest request, WebDataBinderFactory binders) {
        HttpServletRequest servlet = requireNonNull(request.getNativeRequest(HttpServletRequest.class),
                "not a servlet request");
        ConsoleUser user = sessions.current(servlet).orElseThrow(LogInRequired::new);
        // The layout shows who is logged in on every page.
        servlet.setAttribute(ConsoleAdvice.USER_ATTRIBUTE, user);
        return user;
    }

    /** Thrown when a page needs a logged-in user and the request has none. */
    static final class LogInRequired extends RuntimeException {

        LogInRequired() {
            super("log-in required", null, false, false);
        }
    }
}
