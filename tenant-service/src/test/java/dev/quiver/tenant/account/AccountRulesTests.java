package dev.quiver.tenant.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.quiver.common.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AccountRulesTests {

    /** Chroma's rule for tenant and database names. */
    private static final Pattern CHROMA_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]");

    @Test
    void acceptableSignUpHasNoErrors() {
        assertThat(AccountRules.checkSignUp("Ada@Example.com", "correct horse battery", "Analytical Engines"))
                .isEmpty();
    }

    @Test
    void everyBadFieldIsReportedWithItsRule() {
        assertThat(AccountRules.checkSignUp("", "", " "))
                .extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("email", "required"), tuple("password", "required"),
                        tuple("organization", "required"));
        assertThat(AccountRules.checkSignUp("ada@", "short", "x".repeat(101)))
                .extracting(FieldError::field, FieldError::rule)
                .containsExactly(tuple("email", "format"), tuple("password", "min-length"),
                        tuple("organization", "max-length"));
    }

    @Test
    void emailHasAtMost254Characters() {
        String local = "a".repeat(64);
        String domain = "b".repeat(254 - 64 - 1 - 4) + ".com";
        assertThat(errors(local + "@" + domain)).isEmpty();
        assertThat(errors(local + "@x" + domain)).extracting(FieldError::rule).containsExactly("max-length");
    }

    @Test
    void emailNeedsOneAtAndADottedDomainWithoutSpaces() {
        assertThat(errors("ada@example")).extracting(FieldError::rule).containsExactly("format");
        assertThat(errors("ada@@example.com")).extracting(FieldError::rule).containsExactly("format");
        assertThat(errors("a da@example.com")).extracting(FieldError::rule).containsExactly("format");
        assertThat(errors("ada.lovelace+quiver@mail.example.co.uk")).isEmpty();
    }

    @Test
    void passwordHasTenTo128Characters() {
        assertThat(passwordErrors("123456789", "ada@example.com")).extracting(FieldError::rule)
                .containsExactly("min-length");
        assertThat(passwordErrors("1234567890", "ada@example.com")).isEmpty();
        assertThat(passwordErrors("x".repeat(128), "ada@example.com")).isEmpty();
        assertThat(passwordErrors("x".repeat(129), "ada@example.com")).extracting(FieldError::rule)
                .containsExactly("max-length");
    }

    @Test
    void passwordContainingTheEmailsLocalPartIsWeakWhateverTheCase() {
        assertThat(passwordErrors("my-LOVELACE-1815", "lovelace@example.com")).extracting(FieldError::rule)
                .containsExactly("weak");
        assertThat(passwordErrors("zz-ab-zzzzzzz", "ab@example.com")).isEmpty();
    }

    @Test
    void emailIsStoredStrippedAndLowerCased() {
        assertThat(AccountRules.normalizeEmail("  Ada@Example.COM ")).isEqualTo("ada@example.com");
    }

    @Test
    void organizationBecomesALowerCaseChromaName() {
        assertThat(AccountRules.slug("Acme Corp")).isEqualTo("acme-corp");
        assertThat(AccountRules.slug("  Café Crème, Ltd.  ")).isEqualTo("cafe-creme-ltd");
        assertThat(AccountRules.slug("my_org.v2")).isEqualTo("my_org.v2");
        assertThat(AccountRules.slug("--Acme--")).isEqualTo("acme");
        assertThat(AccountRules.slug("X")).isEqualTo("org-x");
        assertThat(AccountRules.slug("株式会社")).isEqualTo("org");
        for (String organization : List.of("Acme Corp", "X", "株式会社", "a".repeat(100), "!a!", "Ünïcødé GmbH")) {
            assertThat(AccountRules.slug(organization)).matches(CHROMA_NAME).isLowerCase();
            assertThat(AccountRules.withRandomSuffix(AccountRules.slug(organization))).matches(CHROMA_NAME);
        }
    }

    @Test
    void randomSuffixIsADashAndSixHexDigits() {
        assertThat(AccountRules.withRandomSuffix("acme")).matches("acme-[0-9a-f]{6}");
    }

    private static List<FieldError> errors(String email) {
        List<FieldError> errors = new ArrayList<>();
        AccountRules.checkEmail(email, errors);
        return errors;
    }

    private static List<FieldError> passwordErrors(String password, String email) {
        List<FieldError> errors = new ArrayList<>();
        AccountRules.checkPassword(password, email, errors);
        return errors;
    }
}
