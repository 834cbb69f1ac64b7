package dev.quiver.tenant.key;

import dev.quiver.tenant.access.Secrets;
import java.util.regex.Pattern;

/**
 * The form of an API key's secret: {@code qk_} and 32 base64url characters encoding 24 random bytes (192 bits).
 * Only its SHA-256 is stored. A fast hash is right here: with 192 random bits nothing can be guessed, and a slow
 * hash would sit on the path of every request. Thread-safe.
 */
public final class KeySecrets {

    /** What every secret starts with, so scanners and people recognise a Quiver key. */
    public static final String SCHEME = "qk_";

    /** A well-formed secret. */
    public static final Pattern FORMAT = Pattern.compile("qk_[A-Za-z0-9_-]{32}");

    /** How many leading characters listings show: the scheme and 8 random characters. */
    static final int PREFIX_LENGTH = 11;

    private KeySecrets() {
    }

    /** A new random secret. */
    public static String generate() {
        return SCHEME + Secrets.random(24);
    }

    public static boolean wellFormed(String secret) {
        return secret.length() == SCHEME.length() + 32 && FORMAT.matcher(secret).matches();
    }

    /** The part of a secret that listings show. */
    public static String prefix(String secret) {
        return secret.substring(0, PREFIX_LENGTH);
    }

    /** The SHA-256 of the secret's UTF-8 bytes, as stored. */
    public static byte[] hash(String secret) {
        return Secrets.sha256(secret);
    }
}
