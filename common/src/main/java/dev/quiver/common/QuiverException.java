package dev.quiver.common;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An error with a code from the catalogue. Its message is the detail shown to the caller, so it never holds
 * internals; on Chroma routes it is also Chroma's {@code message}.
 */
public class QuiverException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldError> errors;

    public QuiverException(ErrorCode code, String detail) {
        this(code, detail, List.of());
    }

    public QuiverException(ErrorCode code, String detail, List<FieldError> errors) {
        super(requireNonNull(detail, "detail is null"));
        this.code = requireNonNull(code, "code is null");
        this.errors = List.copyOf(errors);
    }

    /** A refusal of one field, naming the field and the rule. */
    public static QuiverException invalidField(ErrorCode code, String field, String rule, String message) {
        return new QuiverException(code, message, List.of(new FieldError(field, rule, message)));
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
