package dev.quiver.ui.web;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import dev.quiver.gateway.api.ConsoleSessions.ConsoleUser;
import dev.quiver.ui.web.ConsoleUserArgumentResolver.LogInRequired;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.util.UriUtils;

/**
 * How console pages fail: a stranger is sent to the log-in page (and back afterwards); a refusal from the APIs
 * becomes the error page with the refusal's status and message, so another tenant's object is the same 404 page as
 * one that does not exist; anything unexpected is logged once and shown as a 500 page with a request id and no
 * internals. Ahead of the JSON error mapping, for console controllers only.
 */
@ControllerAdvice(basePackageClasses = ConsoleAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsoleAdvice {

    /** The request attribute that holds the logged-in {@link ConsoleUser}, once a controller asked for it. */
    static final String USER_ATTRIBUTE = ConsoleUser.class.getName();

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);

    @ExceptionHandler(LogInRequired.class)
    String logInRequired(HttpServletRequest request) {
        String next = request.getRequestURI();
        if ("GET".equals(request.getMethod()) && next.startsWith("/console/") && !next.startsWith("/console/login")) {
            return "redirect:/console/login?next=" + UriUtils.encodeQueryParam(next, "UTF-8");
        }
        return "redirect:/console/login";
    }

    @ExceptionHandler(QuiverException.class)
    String refused(QuiverException exception, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        ErrorCode code = exception.code();
        response.setStatus(code.status());
        return errorPage(model, request, code.status(), title(code), exception.getMessage());
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception exception, Model model, HttpServletRequest request, HttpServletResponse response) {
        String requestId = UUID.randomUUID().toString();
        log.error("Console request {} {} failed (request {})", request.getMethod(), request.getRequestURI(),
                requestId, exception);
        response.setStatus(500);
        return errorPage(model, request, 500, "Something went wrong",
                "The page could not be shown. If this keeps happening, quote request " + requestId + ".");
    }

    private static String errorPage(Model model, HttpServletRequest request, int status, String title,
            String detail) {
        model.addAttribute("status", status);
        model.addAttribute("title", title);
        model.addAttribute("detail", detail);
        model.addAttribute("me", request.getAttribute(USER_ATTRIBUTE));
        return "console/error";
    }

    private static String title(ErrorCode code) {
        return switch (code.status()) {
            case 400, 422 -> "That did not work";
            case 401 -> "Please log in";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Conflict";
            case 429 -> "Slow down";
            default -> "Something went wrong";
        };
    }

    /**
     * Puts the logged-in user (when the controller asked for one) into every rendered page's model as {@code me},
     * for the layout's header and navigation.
     */
    public static final class CurrentUserInterceptor implements HandlerInterceptor {

        @Override
        public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
                @Nullable ModelAndView modelAndView) {
            if (modelAndView != null && !modelAndView.getModel().containsKey("me")) {
                modelAndView.addObject("me", request.getAttribute(USER_ATTRIBUTE));
            }
        }
    }
}
