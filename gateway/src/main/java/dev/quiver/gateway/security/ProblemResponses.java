package dev.quiver.gateway.security;

import dev.quiver.common.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the refusals of the security filters, which run before MVC and so cannot reach the problem-details
 * advice: the same members the advice writes (RFC 9457, {@code code}, {@code errors}, and Chroma's {@code error}
 * and {@code message}), so a Chroma client reads a 401 as it reads any other error. Thread-safe.
 */
public final class ProblemResponses {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail)
            throws IOException {
        response.setStatus(code.status());
        response.setContentType(request.getRequestURI().startsWith("/api/v") ? MediaType.APPLICATION_JSON_VALUE
                : MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(MAPPER.writeValueAsBytes(body(code, detail, request.getRequestURI())));
    }

    static Map<String, Object> body(ErrorCode code, String detail, String instance) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", code.typeUri());
        body.put("title", HttpStatus.valueOf(code.status()).getReasonPhrase());
        body.put("status", code.status());
        body.put("detail", detail);
        body.put("instance", instance);
        body.put("code", code.name());
        body.put("errors", List.of());
        body.put("error", code.chromaName());
        body.put("message", detail);
        return body;
    }
}
