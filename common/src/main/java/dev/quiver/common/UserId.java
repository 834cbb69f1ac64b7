package dev.quiver.common;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** A person's account id, the same in every tenant the person belongs to. */
public record UserId(UUID value) {

    public UserId {
        requireNonNull(value, "value is null");
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
