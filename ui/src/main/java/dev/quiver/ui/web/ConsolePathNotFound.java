package dev.quiver.ui.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * A mistyped console address: no console controller handled it, so {@link ConsoleAdvice} never sees it, and the API
 * answer for an unknown route (404 with an empty body, as Chroma gives) would show a blank page. Under
 * {@code /console} it is the console's 404 page instead. Anywhere else the answer stays the API's empty 404: this
 * advice runs first for every unrouted request, and an exception rethrown from it would skip the API's mapping and
 * reach Boot's error page.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsolePathNotFound {

    @ExceptionHandler(NoResourceFoundException.class)
    ModelAndView notFound(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        String path = request.getRequestURI();
        if (!path.equals("/console") && !path.startsWith("/console/")) {
            // An empty ModelAndView: handled, nothing rendered.
            return new ModelAndView();
        }
        ModelAndView page = new ModelAndView("console/error");
        page.addObject("status", 404);
        page.addObject("title", "Not found");
        page.addObject("detail", "There is no console page at " + path + ".");
        return page;
    }
}
