package dev.quiver.gateway.web;

import static dev.quiver.gateway.web.Requests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.QuiverException;
import dev.quiver.search.api.CollectionId;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChromaResourcesTests {

    @Test
    void acceptsNamesOfChromaCharacterSet() {
        ChromaResources.checkName("abc", "name");
        ChromaResources.checkName("my.collection_v2-final", "name");
        ChromaResources.checkName("A1b", "name");
        ChromaResources.checkName("a" + "-".repeat(510) + "z", "name");
    }

    @Test
    void refusesNameShorterThanThreeCharactersInChromaWords() {
        QuiverException error = refusal(() -> ChromaResources.checkName("a", "name"));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Validation error: name: Expected a name containing 3-512 characters from "
                + "[a-zA-Z0-9._-], starting and ending with a character in [a-zA-Z0-9]. Got: a");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("name", "name"));
        assertInvalidName("ab");
        assertInvalidName("");
    }

    @Test
    void refusesNameLongerThan512Characters() {
        assertInvalidName("a".repeat(513));
    }

    @Test
    void refusesNameStartingOrEndingWithPunctuation() {
        assertInvalidName("-abc");
        assertInvalidName("abc.");
        assertInvalidName("_abc");
    }

    @Test
    void refusesNameWithCharactersOutsideChromaSet() {
        assertInvalidName("ab c");
        assertInvalidName("ab/c");
        assertInvalidName("abé");
    }

    @Test
    void namesTheFieldInTheMessage() {
        QuiverException error = refusal(() -> ChromaResources.checkName("x", "new_name"));

        assertThat(error.getMessage()).startsWith("Validation error: new_name: ").endsWith("Got: x");
        assertThat(error.errors()).extracting(FieldError::field).containsExactly("new_name");
    }

    @Test
    void readsCollectionIdFromCanonicalUuid() {
        UUID uuid = UUID.randomUUID();

        assertThat(ChromaResources.collectionId(uuid.toString())).isEqualTo(new CollectionId(uuid));
        assertThat(ChromaResources.collectionId(uuid.toString().toUpperCase(Locale.ROOT)))
                .isEqualTo(new CollectionId(uuid));
    }

    @Test
    void refusesCollectionIdThatIsNotAUuid() {
        QuiverException error = refusal(() -> ChromaResources.collectionId("not-a-uuid"));

        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.code().status()).isEqualTo(400);
        assertThat(error).hasMessage("Collection ID is not a valid UUIDv4");
        assertThat(error.errors()).extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("collection_id", "uuid"));
    }

    @Test
    void refusesCollectionNameOrAbbreviatedUuidAsCollectionId() {
        assertInvalidCollectionId("probe1");
        assertInvalidCollectionId("");
        assertInvalidCollectionId("1-2-3-4-5");
        assertInvalidCollectionId("00000000-0000-0000-0000-0000000000011");
    }

    private static void assertInvalidName(String name) {
        QuiverException error = refusal(() -> ChromaResources.checkName(name, "name"));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).endsWith("Got: " + name);
    }

    private static void assertInvalidCollectionId(String id) {
        QuiverException error = refusal(() -> ChromaResources.collectionId(id));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error).hasMessage("Collection ID is not a valid UUIDv4");
    }
}
