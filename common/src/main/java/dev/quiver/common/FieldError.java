package dev.quiver.common;

import static java.util.Objects.requireNonNull;

/**
 * What was wrong with one part of a request.
 *
 * @param field   a JSON path into the request body, for example {@code embeddings[3]}
 * @param rule    the name of the rule broken, for example {@code dimension}
 * @param message a sentence for people
 */
public record FieldError(String field, String rule, String message) {

    public FieldError {
        requireNonNull(field, "field is null");
        requireNonNull(rule, "rule is null");
        requireNonNull(message, "message is null");
    }
}
