package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.json;
import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ControlJsonTests {

    @Test
    void refusesMissingNullBlankAndWronglyTypedStringsNamingFieldAndRule() {
        assertRefused(refusal(() -> ControlJson.requiredString(json("{}"), "email")), "email", "required");
        assertRefused(refusal(() -> ControlJson.requiredString(json("{'email':null}"), "email")), "email",
                "required");
        assertRefused(refusal(() -> ControlJson.requiredString(json("{'email':' '}"), "email")), "email",
                "not-blank");
        assertRefused(refusal(() -> ControlJson.requiredString(json("{'email':[1]}"), "email")), "email", "type");
    }

    @Test
    void readsListsOfStringsAndNamesTheWrongElement() {
        assertThat(ControlJson.optionalStrings(json("{'databases':['a','b']}"), "databases"))
                .containsExactly("a", "b");
        assertThat(ControlJson.optionalStrings(json("{'databases':null}"), "databases")).isNull();
        assertRefused(refusal(() -> ControlJson.optionalStrings(json("{'databases':['a',2]}"), "databases")),
                "databases[1]", "type");
        assertRefused(refusal(() -> ControlJson.optionalStrings(json("{'databases':'a'}"), "databases")),
                "databases", "type");
    }

    @Test
    void readsInstantsInIsoFormOnly() {
        assertThat(ControlJson.optionalInstant(json("{'expires_at':'2030-01-31T00:00:00Z'}"), "expires_at"))
                .isEqualTo(Instant.parse("2030-01-31T00:00:00Z"));
        assertRefused(refusal(() -> ControlJson.optionalInstant(json("{'expires_at':'next week'}"), "expires_at")),
                "expires_at", "date-time");
    }

    @Test
    void readsPrivilegeKeysAndRefusesAnUnknownOneByPosition() {
        assertThat(ControlJson.privileges(json("{'privileges':['records.read','audit.read']}"), "privileges"))
                .containsExactlyInAnyOrder(Privilege.RECORDS_READ, Privilege.AUDIT_READ);
        assertRefused(refusal(() -> ControlJson.privileges(json("{'privileges':['records.read','root']}"),
                "privileges")), "privileges[1]", "privilege");
    }

    @Test
    void anIdThatIsNotAUuidIsNotFoundLikeAnUnknownOne() {
        QuiverException error = refusal(() -> ControlJson.pathId("42", "API key"));

        assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(error).hasMessage("API key [42] not found");
    }

    private static void assertRefused(QuiverException error, String field, String rule) {
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule).containsExactly(tuple(field, rule));
    }
}
