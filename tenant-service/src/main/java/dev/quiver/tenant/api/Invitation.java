package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** An invitation just made: {@code token} exists only here (only its hash is stored) and is sent to the invitee. */
public record Invitation(String email, String role, String token, Instant expiresAt) {

    public Invitation {
        requireNonNull(email, "email is null");
        requireNonNull(role, "role is null");
        requireNonNull(token, "token is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    @Override
    public String toString() {
        return "Invitation[email=" + email + ", role=" + role + ", expiresAt=" + expiresAt + "]";
    }
}
