package dev.quiver.common;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every error into an RFC 9457 problem detail. On Chroma routes ({@code /api/v1}, {@code /api/v2}) the body
 * also carries Chroma's {@code error} and {@code message} members and is sent as {@code application/json}, so
 * Chroma clients read it as they read the real server's errors.
 */
@RestControllerAdvice
class ProblemDetailsAdvice {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    @ExceptionHandler(QuiverException.class)
    ResponseEntity<ProblemDetail> quiver(QuiverException exception, HttpServletRequest request) {
        return respond(exception.code(), exception.getMessage(), exception.errors(), request);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpServletRequest request) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Expected request with `Content-Type: application/json`",
                List.of(), request);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noRoute() {
        // The real Chroma server answers an unknown route with 404 and an empty body.
        return ResponseEntity.notFound().build();
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException exception,
            HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED,
                "Method " + exception.getMethod() + " is not allowed here");
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).contentType(contentType(request)).body(problem);
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<ProblemDetail> parameter(Exception exception, HttpServletRequest request) {
        String name = exception instanceof MissingServletRequestParameterException missing
                ? missing.getParameterName()
                : ((MethodArgumentTypeMismatchException) exception).getName();
        String message = "Failed to deserialize query string: invalid value for parameter " + name;
        return respond(ErrorCode.UNPROCESSABLE, message, List.of(new FieldError(name, "type", message)), request);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception exception, HttpServletRequest request) {
        String requestId = UUID.randomUUID().toString();
        log.error("Unexpected error on {} {} (request {})", request.getMethod(), request.getRequestURI(), requestId,
                exception);
        return respond(ErrorCode.INTERNAL, "Internal error (request " + requestId + ")", List.of(), request);
    }

    static ResponseEntity<ProblemDetail> respond(ErrorCode code, String detail, List<FieldError> errors,
            HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(code.status()), detail);
        problem.setType(java.net.URI.create(code.typeUri()));
        problem.setTitle(HttpStatus.valueOf(code.status()).getReasonPhrase());
        problem.setProperty("code", code.name());
        problem.setProperty("errors", errors.stream()
                .map(error -> Map.of("field", error.field(), "rule", error.rule(), "message", error.message()))
                .toList());
        problem.setProperty("error", code.chromaName());
        problem.setProperty("message", detail);
        return ResponseEntity.status(code.status()).contentType(contentType(request)).body(problem);
    }

    private static MediaType contentType(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/api/v") ? MediaType.APPLICATION_JSON
                : MediaType.APPLICATION_PROBLEM_JSON;
    }
}
