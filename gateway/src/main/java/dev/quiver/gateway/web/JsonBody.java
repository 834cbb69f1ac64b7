package dev.quiver.gateway.web;

import static dev.quiver.common.QuiverException.invalidField;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.QuiverException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies the way Chroma does, with Chroma's statuses: a body that is not JSON is 400, a JSON body
 * without {@code Content-Type: application/json} is 415, and JSON of the wrong shape (a missing field, a wrong type)
 * is 422 whose message names the field. Every refusal names the field and the rule broken. Thread-safe.
 */
final class JsonBody {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonBody() {
    }

    /**
     * Parses a request body into a JSON object. Like Chroma, a body without a content type is read as JSON, and
     * any JSON media type ({@code application/json}, {@code application/*+json}, with parameters) is accepted.
     */
    static JsonNode parse(@Nullable String contentType, byte @Nullable [] body) {
        if (contentType != null && !isJson(contentType)) {
            throw new QuiverException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Expected request with `Content-Type: application/json`");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body == null ? new byte[0] : body);
        } catch (JacksonException e) {
            throw invalidField(ErrorCode.MALFORMED_JSON, "$", "json",
                    "Failed to parse the request body as JSON: " + reason(e));
        }
        if (node == null || node.isMissingNode()) {
            throw invalidField(ErrorCode.MALFORMED_JSON, "$", "json",
                    "Failed to parse the request body as JSON: EOF while parsing a value");
        }
        if (!node.isObject()) {
            throw shape("$", "invalid type: " + describe(node) + ", expected a JSON object");
        }
        return node;
    }

    /**
     * Parses a JSON value typed into a form field (the console's filter, metadata or vector), which names
     * {@code field} when it is not JSON: 400 {@code INVALID_ARGUMENT} with rule {@code json}.
     */
    static JsonNode parseField(String text, String field) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "json",
                    "Validation error: " + field + ": not valid JSON: " + reason(e));
        }
        if (node == null || node.isMissingNode()) {
            throw invalidField(ErrorCode.INVALID_ARGUMENT, field, "json",
                    "Validation error: " + field + ": not valid JSON: EOF while parsing a value");
        }
        return node;
    }

    /** Jackson's reason in the words of serde, which Chroma's clients and users see. */
    private static String reason(JacksonException exception) {
        String original = exception.getOriginalMessage();
        String reason = original;
        int column = 0;
        if (original.startsWith("Unexpected end-of-input")) {
            reason = "EOF while parsing " + (original.contains("Object") ? "an object"
                    : original.contains("Array") ? "a list" : "a value");
            // Jackson points one past the end of the input; serde points at its last character.
            column = -1;
        }
        var location = exception.getLocation();
        return location == null ? reason
                : reason + " at line " + location.getLineNr() + " column " + (location.getColumnNr() + column);
    }

    private static boolean isJson(String contentType) {
        String type = contentType.toLowerCase(java.util.Locale.ROOT);
        int parameters = type.indexOf(';');
        if (parameters >= 0) {
            type = type.substring(0, parameters);
        }
        type = type.trim();
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** A 422 naming the field, in Chroma's words for a body that does not fit the request's type. */
    static QuiverException shape(String field, String problem) {
        String message = "Failed to deserialize the JSON body into the target type: "
                + (field.equals("$") ? "" : field + ": ") + problem;
        return invalidField(ErrorCode.UNPROCESSABLE, field, "type", message);
    }

    static QuiverException missing(String field) {
        String message = "Failed to deserialize the JSON body into the target type: missing field `" + field + "`";
        return invalidField(ErrorCode.UNPROCESSABLE, field, "required", message);
    }

    /** The member, or null when it is absent or JSON null. */
    static @Nullable JsonNode optional(JsonNode object, String name) {
        JsonNode value = object.get(name);
        return value == null || value.isNull() ? null : value;
    }

    static JsonNode required(JsonNode object, String name) {
        JsonNode value = object.get(name);
        if (value == null) {
            throw missing(name);
        }
        if (value.isNull()) {
            throw shape(name, "invalid type: null, expected a value");
        }
        return value;
    }

    static String string(JsonNode value, String field) {
        if (!value.isString()) {
            throw shape(field, "invalid type: " + describe(value) + ", expected a string");
        }
        return value.stringValue();
    }

    static @Nullable String optionalString(JsonNode object, String name) {
        JsonNode value = optional(object, name);
        return value == null ? null : string(value, name);
    }

    static boolean optionalBoolean(JsonNode object, String name, boolean fallback) {
        JsonNode value = optional(object, name);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw shape(name, "invalid type: " + describe(value) + ", expected a boolean");
        }
        return value.booleanValue();
    }

    /** An unsigned 32-bit integer, as Chroma's {@code u32} fields. */
    static int unsigned(JsonNode value, String field) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0
                || value.longValue() > 0xFFFF_FFFFL) {
            throw shape(field, "invalid value: " + describe(value) + ", expected u32");
        }
        return (int) Math.min(Integer.MAX_VALUE, value.longValue());
    }

    static JsonNode array(JsonNode value, String field) {
        if (!value.isArray()) {
            throw shape(field, "invalid type: " + describe(value) + ", expected a sequence");
        }
        return value;
    }

    /** How serde describes a JSON value in its error messages. */
    static String describe(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isString()) {
            return "string \"" + value.stringValue() + "\"";
        }
        if (value.isBoolean()) {
            return "boolean `" + value.booleanValue() + "`";
        }
        if (value.isIntegralNumber()) {
            return "integer `" + value.asString() + "`";
        }
        if (value.isNumber()) {
            return "floating point `" + value.asString() + "`";
        }
        return value.isArray() ? "sequence" : "map";
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
