package dev.quiver.tenant.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.Privilege;
import dev.quiver.common.TenantId;
import dev.quiver.tenant.api.ApiKeyId;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PrincipalCacheTests {

    private static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");

    private final PrincipalCache cache = new PrincipalCache();
    private final byte[] hash = KeySecrets.hash(KeySecrets.generate());
    private final Principal principal = new Principal(Principal.Kind.API_KEY,
            new TenantView(new TenantId(UUID.randomUUID()), "acme"), null, new ApiKeyId(UUID.randomUUID()),
            "viewer", Set.of(Privilege.RECORDS_READ), null, false);

    @Test
    void cachedPrincipalIsFoundByTheHash() {
        cache.put(hash, principal, null, cache.generation());

        assertThat(cache.find(hash.clone(), NOW)).contains(principal);
        assertThat(cache.find(KeySecrets.hash(KeySecrets.generate()), NOW)).isEmpty();
    }

    @Test
    void cachedPrincipalIsNotFoundFromItsExpiryOn() {
        cache.put(hash, principal, NOW.plusSeconds(60), cache.generation());

        assertThat(cache.find(hash, NOW.plusSeconds(59))).isPresent();
        assertThat(cache.find(hash, NOW.plusSeconds(60))).isEmpty();
    }

    @Test
    void clearForgetsEverything() {
        cache.put(hash, principal, null, cache.generation());
        cache.clear();

        assertThat(cache.find(hash, NOW)).isEmpty();
    }

    @Test
    void whenAClearHappensDuringALookupThenItsAnswerIsNotCached() {
        long started = cache.generation();
        cache.clear();
        cache.put(hash, principal, null, started);

        assertThat(cache.find(hash, NOW)).isEmpty();
    }
}
