package dev.quiver.tenant.key;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySecretsTests {

    /** {@code printf qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | sha256sum} */
    private static final String SHA256_OF_SAMPLE = "bcae5224f571a37c51dac0591e776dfe0a9e854cfca5603ede8a75547ddd80b8";

    @Test
    void generatedSecretIsTheSchemeAnd32Base64UrlCharacters() {
        String secret = KeySecrets.generate();

        assertThat(secret).matches("qk_[A-Za-z0-9_-]{32}");
        assertThat(KeySecrets.wellFormed(secret)).isTrue();
    }

    @Test
    void generatedSecretsDiffer() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            secrets.add(KeySecrets.generate());
        }
        assertThat(secrets).hasSize(1000);
    }

    @Test
    void prefixIsTheSchemeAndEightCharacters() {
        assertThat(KeySecrets.prefix("qk_abcdefghABCDEFGHabcdefgh01234567")).isEqualTo("qk_abcdefgh");
    }

    @Test
    void hashIsTheSha256OfTheSecret() {
        assertThat(HexFormat.of().formatHex(KeySecrets.hash("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
                .isEqualTo(SHA256_OF_SAMPLE);
        assertThat(KeySecrets.hash("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).hasSize(32);
    }

    @Test
    void malformedSecretsAreRecognised() {
        assertThat(KeySecrets.wellFormed("")).isFalse();
        assertThat(KeySecrets.wellFormed("qk_")).isFalse();
        assertThat(KeySecrets.wellFormed("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(KeySecrets.wellFormed("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(KeySecrets.wellFormed("xk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(KeySecrets.wellFormed("qk_AAAAAAAAAAAAAAAA+AAAAAAAAAAAAAAA")).isFalse();
        assertThat(KeySecrets.wellFormed("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n")).isFalse();
    }
}
