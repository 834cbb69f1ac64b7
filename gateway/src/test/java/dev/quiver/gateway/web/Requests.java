package dev.quiver.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.quiver.common.QuiverException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Helpers for the parser tests: JSON request bodies, and the refusal a call throws. */
final class Requests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Requests() {
    }

    /** Parses JSON written with single quotes for readability. */
    static JsonNode json(String text) {
        return MAPPER.readTree(text.replace('\'', '"'));
    }

    static QuiverException refusal(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(QuiverException.class);
        return (QuiverException) thrown;
    }
}
