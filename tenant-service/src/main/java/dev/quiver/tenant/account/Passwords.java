package dev.quiver.tenant.account;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password hashing with Argon2id (Spring Security's current defaults: 16 MiB, 2 iterations). Slow on purpose, so a
 * stolen table of hashes is expensive to guess; never used for API keys, which are checked on every request.
 * Thread-safe.
 */
public final class Passwords {

    private final PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    /** A hash no password matches in practice, checked for unknown accounts so that they take as long as known ones. */
    private final String decoy = encoder.encode("decoy password that nobody has");

    public String hash(String password) {
        return encoder.encode(password);
    }

    public boolean matches(String password, String hash) {
        return encoder.matches(password, hash);
    }

    /** Spends the time of one check, for an e-mail with no account: timing must not tell which e-mails exist. */
    public void spendOneCheck(String password) {
        encoder.matches(password, decoy);
    }
}
