package dev.quiver.common;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every error into an RFC 9457 problem detail with the members {@code code} and {@code errors}, and for a
 * quota refusal ({@link QuotaRefusal}) {@code quota}, {@code limit} and {@code current}. On Chroma routes
 * ({@code /api/v1}, {@code /api/v2}) the body also carries Chroma's {@code error} and {@code message} members and is
 * sent as {@code application/json}, so Chroma clients read it as they read the real server's errors.
 * Spring MVC's own exceptions (wrong method, unreadable parameters, ...) keep the status Spring gives them.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(QuiverException.class)
    ResponseEntity<Object> quiver(QuiverException exception, HttpServletRequest request) {
        ResponseEntity<Object> response = respond(exception.code(), exception.getMessage(), exception.errors(),
                request);
        if (exception instanceof QuotaRefusal refusal && response.getBody() instanceof ProblemDetail problem) {
            problem.setProperty("quota", refusal.quota());
            problem.setProperty("limit", refusal.limit());
            problem.setProperty("current", refusal.current());
        }
        if (exception instanceof RetryLaterException retry) {
            return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(retry.retryAfterSeconds()))
                    .body(response.getBody());
        }
        return response;
    }

    /**
     * The database is overloaded or unreachable for a moment (no pooled connection within the timeout, a
     * serialization failure): the request may be retried, so it is 503 with {@code Retry-After}, not a 500.
     */
    @ExceptionHandler({TransientDataAccessException.class, DataAccessResourceFailureException.class})
    ResponseEntity<Object> transientDatabase(DataAccessException exception, HttpServletRequest request) {
        log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                exception.getMessage());
        ResponseEntity<Object> response = respond(ErrorCode.UNAVAILABLE,
                "The service is busy; retry the request shortly", List.of(), request);
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "1").body(response.getBody());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception exception, HttpServletRequest request) {
        String requestId = UUID.randomUUID().toString();
        log.error("Unexpected error on {} {} (request {})", request.getMethod(), request.getRequestURI(), requestId,
                exception);
        return respond(ErrorCode.INTERNAL, "Internal error (request " + requestId + ")", List.of(), request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException exception, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Expected request with `Content-Type: application/json`",
                List.of(), servletRequest(request));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException exception,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // The real Chroma server answers an unknown route with 404 and an empty body.
        return ResponseEntity.notFound().build();
    }

    /** Adds Quiver's and Chroma's members to the problem Spring built for one of its own exceptions. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception exception, @Nullable Object body,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail detail ? detail
                : ProblemDetail.forStatusAndDetail(status, exception.getMessage());
        String detail = problem.getDetail() == null ? HttpStatus.valueOf(status.value()).getReasonPhrase()
                : problem.getDetail();
        problem.setProperty("code", status.is4xxClientError() ? "BAD_REQUEST" : ErrorCode.INTERNAL.name());
        problem.setProperty("errors", List.of());
        problem.setProperty("error", status.value() >= 500 ? "InternalError" : "ChromaError");
        problem.setProperty("message", detail);
        return ResponseEntity.status(status).headers(headers)
                .contentType(contentType(servletRequest(request))).body(problem);
    }

    static ResponseEntity<Object> respond(ErrorCode code, String detail, List<FieldError> errors,
            @Nullable HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
        problem.setType(URI.create(code.typeUri()));
        problem.setTitle(HttpStatus.valueOf(code.status()).getReasonPhrase());
        problem.setProperty("code", code.name());
        problem.setProperty("errors", errors.stream()
                .map(error -> Map.of("field", error.field(), "rule", error.rule(), "message", error.message()))
                .toList());
        problem.setProperty("error", code.chromaName());
        problem.setProperty("message", detail);
        return ResponseEntity.status(code.status()).contentType(contentType(request)).body(problem);
    }

    private static @Nullable HttpServletRequest servletRequest(WebRequest request) {
        return request instanceof NativeWebRequest nativeRequest
                ? nativeRequest.getNativeRequest(HttpServletRequest.class) : null;
    }

    private static MediaType contentType(@Nullable HttpServletRequest request) {
        return request != null && request.getRequestURI().startsWith("/api/v") ? MediaType.APPLICATION_JSON
                : MediaType.APPLICATION_PROBLEM_JSON;
    }
}
