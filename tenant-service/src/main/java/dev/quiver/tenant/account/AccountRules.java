package dev.quiver.tenant.account;

import dev.quiver.common.FieldError;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What sign-up and invitations accept: e-mail addresses, passwords and organisation names, and how an
 * organisation's name becomes a tenant name. Field names are those of the JSON requests. Stateless.
 */
final class AccountRules {

    static final int MAX_EMAIL_LENGTH = 254;
    static final int MIN_PASSWORD_LENGTH = 10;
    static final int MAX_PASSWORD_LENGTH = 128;
    static final int MAX_ORGANIZATION_LENGTH = 100;
    /** A local part shorter than this is too common a string to forbid inside passwords. */
    private static final int MIN_LOCAL_PART_IN_PASSWORD = 3;

    /** One {@code @}, no spaces, a dot in the domain: a check of form only; the invitation or log-in proves the rest. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");
    private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9._-]+");
    private static final Pattern EDGES = Pattern.compile("^[^a-z0-9]+|[^a-z0-9]+$");
    private static final Pattern DIACRITICS = Pattern.compile("\\p{M}+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AccountRules() {
    }

    /** How an e-mail is stored and compared: stripped and lower-cased. */
    static String normalizeEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    static void checkEmail(String email, List<FieldError> errors) {
        String normalized = normalizeEmail(email);
        if (normalized.isEmpty()) {
            errors.add(new FieldError("email", "required", "An e-mail address is required"));
        } else if (normalized.length() > MAX_EMAIL_LENGTH) {
            errors.add(new FieldError("email", "max-length",
                    "An e-mail address has at most " + MAX_EMAIL_LENGTH + " characters"));
        } else if (!EMAIL.matcher(normalized).matches()) {
            errors.add(new FieldError("email", "format", "Not an e-mail address"));
        }
    }

    static void checkPassword(String password, String email, List<FieldError> errors) {
        if (password.isEmpty()) {
            errors.add(new FieldError("password", "required", "A password is required"));
        } else if (password.length() < MIN_PASSWORD_LENGTH) {
            errors.add(new FieldError("password", "min-length",
                    "A password has at least " + MIN_PASSWORD_LENGTH + " characters"));
        } else if (password.length() > MAX_PASSWORD_LENGTH) {
            errors.add(new FieldError("password", "max-length",
                    "A password has at most " + MAX_PASSWORD_LENGTH + " characters"));
        } else {
            String normalized = normalizeEmail(email);
            int at = normalized.indexOf('@');
            String localPart = at < 0 ? normalized : normalized.substring(0, at);
            if (localPart.length() >= MIN_LOCAL_PART_IN_PASSWORD
                    && password.toLowerCase(Locale.ROOT).contains(localPart)) {
                errors.add(new FieldError("password", "weak", "A password must not contain the e-mail address"));
            }
        }
    }

    static void checkOrganization(String organization, List<FieldError> errors) {
        String stripped = organization.strip();
        if (stripped.isEmpty()) {
            errors.add(new FieldError("organization", "required", "An organization name is required"));
        } else if (stripped.length() > MAX_ORGANIZATION_LENGTH) {
            errors.add(new FieldError("organization", "max-length",
                    "An organization name has at most " + MAX_ORGANIZATION_LENGTH + " characters"));
        }
    }

    /** Every refusal of a sign-up, empty when it is acceptable. */
    static List<FieldError> checkSignUp(String email, String password, String organization) {
        List<FieldError> errors = new ArrayList<>();
        checkEmail(email, errors);
        checkPassword(password, email, errors);
        checkOrganization(organization, errors);
        return errors;
    }

    /**
     * A tenant name for an organisation that fits Chroma's rule for names ({@code [a-zA-Z0-9][a-zA-Z0-9._-]{1,510}
     * [a-zA-Z0-9]}), in lower case: accents dropped, other characters turned into {@code -}.
     */
    static String slug(String organization) {
        String ascii = DIACRITICS.matcher(Normalizer.normalize(organization, Normalizer.Form.NFD)).replaceAll("");
        String slug = NOT_SLUG.matcher(ascii.toLowerCase(Locale.ROOT)).replaceAll("-");
        slug = EDGES.matcher(slug).replaceAll("");
        if (slug.isEmpty()) {
            return "org";
        }
        return slug.length() < 3 ? "org-" + slug : slug;
    }

    /** The slug with {@code -} and 6 random hex digits, for when the slug is taken. */
    static String withRandomSuffix(String slug) {
        byte[] bytes = new byte[3];
        RANDOM.nextBytes(bytes);
        return slug + "-" + HexFormat.of().formatHex(bytes);
    }
}
