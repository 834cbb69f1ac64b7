package dev.quiver.tenant;

import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import java.util.UUID;

/** Sign-ups of fresh tenants, so that tests sharing a context never meet each other's data. */
final class SignUps {

    static final String PASSWORD = "correct horse battery staple";

    private SignUps() {
    }

    static String uniqueEmail() {
        return "person-" + UUID.randomUUID() + "@example.com";
    }

    static SignedUp signUp(Accounts accounts) {
        return accounts.signUp(new SignUp(uniqueEmail(), PASSWORD, "Acme " + UUID.randomUUID()));
    }
}
