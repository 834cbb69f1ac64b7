package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

import dev.quiver.common.UserId;

/** A person's account as other modules see it: never the password hash. */
public record UserView(UserId id, String email) {

    public UserView {
        requireNonNull(id, "id is null");
        requireNonNull(email, "email is null");
    }
}
