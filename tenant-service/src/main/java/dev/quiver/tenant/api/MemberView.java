package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A member of a tenant and the role it holds there. */
public record MemberView(UserView user, String role, Instant joinedAt) {

    public MemberView {
        requireNonNull(user, "user is null");
        requireNonNull(role, "role is null");
        requireNonNull(joinedAt, "joinedAt is null");
    }
}
