package dev.quiver.tenant.api;

import static java.util.Objects.requireNonNull;

/** A stranger signing up: the organisation becomes a new tenant and the person its owner. */
public record SignUp(String email, String password, String organization) {

    public SignUp {
        requireNonNull(email, "email is null");
        requireNonNull(password, "password is null");
        requireNonNull(organization, "organization is null");
    }

    @Override
    public String toString() {
        return "SignUp[email=" + email + ", organization=" + organization + "]";
    }
}
