package dev.quiver.tenant.api;

import dev.quiver.common.UserId;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * People: sign-up, log-in, invitations, and the principal a session stands for. Passwords are kept only as a slow
 * hash. Refusals of bad input are {@code INVALID_ARGUMENT} naming the field and the rule ({@code email},
 * {@code password} with rule {@code min-length}, ...); a taken e-mail is {@code ALREADY_EXISTS}. A taken
 * organisation name is not refused: the tenant's name gets a random suffix, so sign-up never tells which exist.
 * Thread-safe.
 */
public interface Accounts {

    /** Creates the tenant (named from the organisation), its owner and its {@code default_database}. */
    SignedUp signUp(SignUp request);

    /**
     * The principal for a correct e-mail and password, in the named tenant or, when null, the tenant the user
     * joined first; empty for a wrong password, an unknown e-mail or a tenant the user is not a member of, so a
     * caller cannot tell which.
     */
    Optional<Principal> logIn(String email, String password, @Nullable String tenant);

    /**
     * What a session of this user in this tenant may do now; empty once the user was removed from the tenant or
     * the tenant deleted. A null tenant is an operator's session outside any tenant.
     */
    Optional<Principal> sessionPrincipal(UserId user, @Nullable TenantView tenant);

    /** A user's id and e-mail, for display; empty when the account is gone. */
    Optional<UserView> findUser(UserId user);

    /**
     * The caller's own tenant as it stands now, so that its members learn whether and why an operator suspended
     * it; empty for a caller in no tenant or once the tenant is deleted. Needs no privilege.
     */
    Optional<TenantStatus> tenantStatus(Principal caller);

    /** Invites an e-mail address into the actor's tenant with a role; needs {@code members.manage}. */
    Invitation invite(Principal actor, String email, String role);

    /**
     * Redeems an invitation: creates the account when the e-mail has none (with this password), or checks the
     * password of the existing one, and adds the membership. An unknown, used or expired token is
     * {@code NOT_FOUND}.
     */
    Principal redeem(String token, String password);
}
