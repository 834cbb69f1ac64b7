package dev.quiver.gateway.web;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import tools.jackson.databind.JsonNode;

/**
 * Gives a Chroma controller method its request body as a {@link JsonNode}, read by {@link JsonBody#parse} so that
 * every route refuses bad bodies with Chroma's statuses and messages. Stateless and thread-safe.
 */
public final class JsonBodyArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == JsonNode.class;
    }

    @Override
    public JsonNode resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer container,
            NativeWebRequest webRequest, @Nullable WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        if (request == null) {
            throw new IllegalStateException("not a servlet request: " + webRequest);
        }
        try {
            return JsonBody.parse(request.getContentType(), request.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the request body of " + request.getRequestURI(), e);
        }
    }
}
