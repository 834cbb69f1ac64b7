package dev.quiver.tenant.api;

import java.util.List;
import java.util.Optional;

/**
 * API keys: minted in the actor's tenant, stored as a hash and a display prefix, revoked with effect on the next
 * request. Methods that take an actor check its privilege ({@code keys.manage}, {@code PERMISSION_DENIED}) and its
 * tenant: another tenant's key is {@code NOT_FOUND}, as if it did not exist. An actor that is itself a key limited
 * to some databases sees (lists, revokes) only keys limited to databases within its own. Thread-safe.
 */
public interface ApiKeys {

    /**
     * The caller a secret stands for, or empty when the secret is malformed, unknown, revoked or expired, or its
     * tenant or creator is gone. On the path of every data request, so it answers from memory where it can.
     */
    Optional<Principal> authenticate(String secret);

    /**
     * Mints a key. Refuses with {@code INVALID_ARGUMENT} naming every bad field ({@code name}, {@code role},
     * {@code databases[i]}, {@code expires_at}): a blank or over-long name, an unknown role, an unknown database, an
     * expiry not in the future. Refuses with {@code PERMISSION_DENIED} naming the privilege a role with a privilege
     * the actor lacks, {@code owner} minted by a non-owner, and a key for every database minted by a key limited to
     * some.
     */
    MintedKey mint(Principal actor, MintKey request);

    /** The tenant's keys, newest first, revoked ones included. */
    List<ApiKeyView> list(Principal actor);

    /** Revokes a key of the actor's tenant; revoking a revoked key is a no-op. */
    void revoke(Principal actor, ApiKeyId key);
}
