package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonBodyTests {

    @Test
    void readsBodyWithoutContentTypeAsJson() {
        JsonNode body = JsonBody.parse(null, JsonBody.utf8("{\"name\":\"noctype\"}"));

        assertThat(body.get("name").stringValue()).isEqualTo("noctype");
    }

    @Test
    void acceptsApplicationJsonWithCharset() {
        JsonNode body = JsonBody.parse("application/json; charset=utf-8", JsonBody.utf8("{\"a\":1}"));

        assertThat(body.get("a").intValue()).isEqualTo(1);
    }

    @Test
    void acceptsJsonMediaTypeInAnyCase() {
        JsonNode body = JsonBody.parse("Application/JSON", JsonBody.utf8("{}"));

        assertThat(body.isObject()).isTrue();
    }

    @Test
    void acceptsStructuredSyntaxJsonSuffix() {
        JsonNode body = JsonBody.parse("application/x+json", JsonBody.utf8("{\"a\":true}"));

        assertThat(body.get("a").booleanValue()).isTrue();
    }

    @Test
    void refusesTextPlainWithUnsupportedMediaType() {
        QuiverException error = refusal(() -> JsonBody.parse("text/plain", JsonBody.utf8("{}")));

        assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        assertThat(error.code().status()).isEqualTo(415);
        assertThat(error).hasMessage("Expected request with `Content-Type: application/json`");
    }

    @Test
    void refusesMediaTypeThatOnlyStartsLikeJson() {
        QuiverException error = refusal(() -> JsonBody.parse("application/jsonp", JsonBody.utf8("{}")));

        assertThat(error.code()).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }

    @Test
    void refusesTruncatedObjectAsMalformedJsonInSerdeWords() {
        QuiverException error = refusal(() -> JsonBody.parse("application/json",
                JsonBody.utf8("{\"name\": \"bad json\"")));

        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error.getMessage())
                .isEqualTo("Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 19");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("$", "json"));
    }

    @Test
    void refusesTruncatedListAsEofWhileParsingAList() {
        QuiverException error = refusal(() -> JsonBody.parse(null, JsonBody.utf8("[1, 2")));

        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(error.getMessage()).startsWith("Failed to parse the request body as JSON: EOF while parsing a list");
    }

    @Test
    void refusesEmptyBodyAsEofWhileParsingAValue() {
        QuiverException error = refusal(() -> JsonBody.parse("application/json", new byte[0]));

        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(error.getMessage())
                .startsWith("Failed to parse the request body as JSON: EOF while parsing a value");
    }

    @Test
    void refusesMissingBodyAsMalformedJson() {
        QuiverException error = refusal(() -> JsonBody.parse(null, null));

        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }

    @Test
    void refusesSyntaxErrorAsMalformedJsonWithItsLocation() {
        QuiverException error = refusal(() -> JsonBody.parse(null, JsonBody.utf8("{\"a\": nope}")));

        assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_JSON);
        assertThat(error.getMessage()).startsWith("Failed to parse the request body as JSON: ")
                .contains(" at line 1 column ");
    }

    @Test
    void refusesJsonArrayWithUnprocessable() {
        QuiverException error = refusal(() -> JsonBody.parse("application/json", JsonBody.utf8("[1]")));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.code().status()).isEqualTo(422);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: "
                + "invalid type: sequence, expected a JSON object");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("$", "type"));
    }

    @Test
    void refusesJsonScalarWithUnprocessable() {
        QuiverException error = refusal(() -> JsonBody.parse(null, JsonBody.utf8("\"text\"")));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("invalid type: string \"text\", expected a JSON object");
    }

    @Test
    void namesMissingRequiredField() {
        QuiverException error = refusal(() -> JsonBody.required(json("{}"), "name"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: missing field `name`");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("name", "required"));
    }

    @Test
    void refusesNullForRequiredField() {
        QuiverException error = refusal(() -> JsonBody.required(json("{\"name\":null}"), "name"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("name");
    }

    @Test
    void treatsNullOptionalFieldAsAbsent() {
        assertThat(JsonBody.optional(json("{\"a\":null}"), "a")).isNull();
        assertThat(JsonBody.optional(json("{}"), "a")).isNull();
        assertThat(JsonBody.optionalString(json("{\"a\":\"x\"}"), "a")).isEqualTo("x");
    }

    @Test
    void refusesIntegerWhereStringExpectedInSerdeWords() {
        QuiverException error = refusal(() -> JsonBody.optionalString(json("{\"name\":123}"), "name"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: "
                + "name: invalid type: integer `123`, expected a string");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("name", "type"));
    }

    @Test
    void readsOptionalBooleanWithFallback() {
        assertThat(JsonBody.optionalBoolean(json("{}"), "get_or_create", false)).isFalse();
        assertThat(JsonBody.optionalBoolean(json("{\"get_or_create\":true}"), "get_or_create", false)).isTrue();
    }

    @Test
    void refusesStringWhereBooleanExpected() {
        QuiverException error = refusal(() -> JsonBody.optionalBoolean(json("{\"g\":\"yes\"}"), "g", false));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessageEndingWith("g: invalid type: string \"yes\", expected a boolean");
    }

    @Test
    void refusesNegativeUnsignedInSerdeWords() {
        QuiverException error = refusal(() -> JsonBody.unsigned(json("{\"n\":-1}").get("n"), "n_results"));

        assertThat(error.code()).isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(error).hasMessage("Failed to deserialize the JSON body into the target type: "
                + "n_results: invalid value: integer `-1`, expected u32");
    }

    @Test
    void refusesUnsignedBeyondU32AndFractions() {
        assertThat(refusal(() -> JsonBody.unsigned(json("{\"n\":4294967296}").get("n"), "n")).code())
                .isEqualTo(ErrorCode.UNPROCESSABLE);
        assertThat(refusal(() -> JsonBody.unsigned(json("{\"n\":1.5}").get("n"), "n")).getMessage())
                .endsWith("n: invalid value: floating point `1.5`, expected u32");
    }

    @Test
    void readsUnsignedUpToU32Maximum() {
        assertThat(JsonBody.unsigned(json("{\"n\":0}").get("n"), "n")).isZero();
        assertThat(JsonBody.unsigned(json("{\"n\":4294967295}").get("n"), "n")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void refusesObjectWhereSequenceExpected() {
        QuiverException error = refusal(() -> JsonBody.array(json("{\"ids\":{}}").get("ids"), "ids"));

        assertThat(error).hasMessageEndingWith("ids: invalid type: map, expected a sequence");
    }

    @Test
    void describesValuesAsSerdeDoes() {
        JsonNode values = json("{\"n\":null,\"s\":\"x\",\"b\":false,\"i\":7,\"f\":2.5,\"a\":[],\"m\":{}}");

        assertThat(JsonBody.describe(values.get("n"))).isEqualTo("null");
        assertThat(JsonBody.describe(values.get("s"))).isEqualTo("string \"x\"");
        assertThat(JsonBody.describe(values.get("b"))).isEqualTo("boolean `false`");
        assertThat(JsonBody.describe(values.get("i"))).isEqualTo("integer `7`");
        assertThat(JsonBody.describe(values.get("f"))).isEqualTo("floating point `2.5`");
        assertThat(JsonBody.describe(values.get("a"))).isEqualTo("sequence");
        assertThat(JsonBody.describe(values.get("m"))).isEqualTo("map");
    }
}
