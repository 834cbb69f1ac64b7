package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.MutableClock;
import dev.quiver.TenantTestApplication;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** API keys where this process is the control plane's only writer, so principals are cached. */
@SpringBootTest(classes = TenantTestApplication.class)
class ApiKeysIT {

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @Autowired
    Members members;

    @Autowired
    TenantCatalog catalog;

    @Autowired
    TenantAdministration administration;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @Test
    void mintedKeyAuthenticatesUntilRevoked() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(), new MintKey("app", "editor", null, null));

        assertThat(minted.secret()).matches("qk_[A-Za-z0-9_-]{32}");
        assertThat(minted.key().prefix()).isEqualTo(minted.secret().substring(0, 11));
        assertThat(keys.authenticate(minted.secret())).hasValueSatisfying(principal -> {
            assertThat(principal.kind()).isEqualTo(Principal.Kind.API_KEY);
            assertThat(principal.tenant()).isEqualTo(owner.tenant());
            assertThat(principal.user()).isEqualTo(owner.user().id());
            assertThat(principal.key()).isEqualTo(minted.key().id());
            assertThat(principal.role()).isEqualTo("editor");
            assertThat(principal.databases()).isNull();
            assertThat(principal.operator()).isFalse();
            assertThat(principal.can(Privilege.RECORDS_WRITE)).isTrue();
            assertThat(principal.can(Privilege.KEYS_MANAGE)).isFalse();
        });
        assertThat(keys.list(owner.principal())).extracting(ApiKeyView::name).containsExactly("app");

        keys.revoke(owner.principal(), minted.key().id());

        assertThat(keys.authenticate(minted.secret())).isEmpty();
        assertThat(keys.list(owner.principal())).singleElement()
                .satisfies(key -> assertThat(key.revokedAt()).isNotNull());
        keys.revoke(owner.principal(), minted.key().id());
    }

    @Test
    void whenSoleWriterThenAKnownKeyIsServedFromMemory() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(), new MintKey("app", "viewer", null, null));
        keys.authenticate(minted.secret()).orElseThrow();
        // Behind the service's back, as only another process could: the cached principal stays in use.
        jdbc.sql("update quiver.api_keys set revoked_at = now() where id = :id")
                .param("id", minted.key().id().value()).update();

        assertThat(keys.authenticate(minted.secret())).isPresent();
    }

    @Test
    void malformedAndUnknownSecretsAuthenticateNobody() {
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate("qk_short")).isEmpty();
        assertThat(keys.authenticate("Bearer qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
        assertThat(keys.authenticate("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")).isEmpty();
        assertThat(keys.authenticate("qk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    }

    @Test
    void expiredKeyIsRejectedEvenWhenCached() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(),
                new MintKey("short-lived", "viewer", null, clock.instant().plus(Duration.ofHours(1))));
        assertThat(keys.authenticate(minted.secret())).isPresent();

        clock.advance(Duration.ofHours(1));
        try {
            assertThat(keys.authenticate(minted.secret())).isEmpty();
        } finally {
            clock.advance(Duration.ofHours(-1));
        }
    }

    @Test
    void keyLimitedToADatabaseSeesOnlyItAndNothingOnceItIsDeleted() {
        SignedUp owner = SignUps.signUp(accounts);
        DatabaseView first = catalog.createDatabase(owner.tenant(), "first");
        DatabaseView second = catalog.createDatabase(owner.tenant(), "second");
        MintedKey minted = keys.mint(owner.principal(), new MintKey("limited", "editor", List.of("first"), null));

        Principal principal = keys.authenticate(minted.secret()).orElseThrow();
        assertThat(principal.sees(first)).isTrue();
        assertThat(principal.sees(second)).isFalse();
        assertThat(principal.sees(owner.database())).isFalse();

        catalog.deleteDatabase(first);

        Principal after = keys.authenticate(minted.secret()).orElseThrow();
        assertThat(after.databases()).isEmpty();
        assertThat(after.sees(second)).isFalse();
        assertThat(after.sees(owner.database())).isFalse();
        assertThat(keys.list(owner.principal())).singleElement()
                .satisfies(key -> assertThat(key.databases()).isEmpty());
    }

    @Test
    void mintRefusesEveryBadFieldBeforeWritingAnything() {
        SignedUp owner = SignUps.signUp(accounts);

        assertThatThrownBy(() -> keys.mint(owner.principal(), new MintKey(" ", "nobody",
                List.of(TenantCatalog.DEFAULT_DATABASE, "missing"), clock.instant().minusSeconds(1))))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.errors()).extracting(FieldError::field)
                            .containsExactly("name", "role", "databases[1]", "expires_at");
                });
        assertThat(keys.list(owner.principal())).isEmpty();
    }

    @Test
    void viewerCannotMintKeys() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal viewer = keyPrincipal(owner, "viewer");

        assertThatThrownBy(() -> keys.mint(viewer, new MintKey("mine", "viewer", null, null)))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    }

    @Test
    void adminCannotMintAnOwnerKeyNorAKeyWithAPrivilegeItLacks() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal admin = keyPrincipal(owner, "admin");
        members.createRole(owner.principal(), "biller", EnumSet.of(Privilege.BILLING_MANAGE));

        assertThatThrownBy(() -> keys.mint(admin, new MintKey("escalated", "owner", null, null)))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThatThrownBy(() -> keys.mint(admin, new MintKey("escalated", "biller", null, null)))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("billing.manage");
                });
        assertThat(keys.mint(admin, new MintKey("fine", "editor", null, null)).key().role()).isEqualTo("editor");
    }

    @Test
    void keyLimitedToADatabaseMintsOnlyKeysLimitedToItsDatabases() {
        SignedUp owner = SignUps.signUp(accounts);
        catalog.createDatabase(owner.tenant(), "other");
        MintedKey limitedAdmin = keys.mint(owner.principal(),
                new MintKey("limited", "admin", List.of(TenantCatalog.DEFAULT_DATABASE), null));
        Principal actor = keys.authenticate(limitedAdmin.secret()).orElseThrow();

        assertThatThrownBy(() -> keys.mint(actor, new MintKey("all", "viewer", null, null)))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThatThrownBy(() -> keys.mint(actor, new MintKey("other", "viewer", List.of("other"), null)))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        MintedKey same = keys.mint(actor, new MintKey("same", "viewer", List.of(TenantCatalog.DEFAULT_DATABASE),
                null));
        assertThat(same.key().databases()).containsExactly(TenantCatalog.DEFAULT_DATABASE);
    }

    @Test
    void keyLimitedToADatabaseListsAndRevokesOnlyKeysWithinItsDatabases() {
        SignedUp owner = SignUps.signUp(accounts);
        catalog.createDatabase(owner.tenant(), "other");
        MintedKey everywhere = keys.mint(owner.principal(), new MintKey("everywhere", "viewer", null, null));
        MintedKey other = keys.mint(owner.principal(), new MintKey("other", "viewer", List.of("other"), null));
        MintedKey limitedAdmin = keys.mint(owner.principal(),
                new MintKey("limited", "admin", List.of(TenantCatalog.DEFAULT_DATABASE), null));
        Principal actor = keys.authenticate(limitedAdmin.secret()).orElseThrow();

        assertThat(keys.list(actor)).extracting(ApiKeyView::name).containsExactly("limited");
        assertThatThrownBy(() -> keys.revoke(actor, everywhere.key().id()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> keys.revoke(actor, other.key().id()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(keys.authenticate(everywhere.secret())).isPresent();
        assertThat(keys.list(owner.principal())).hasSize(3);

        keys.revoke(actor, limitedAdmin.key().id());
        assertThat(keys.authenticate(limitedAdmin.secret())).isEmpty();
    }

    @Test
    void anotherTenantsKeyIsNotFoundAndKeepsWorking() {
        SignedUp tenantA = SignUps.signUp(accounts);
        SignedUp tenantB = SignUps.signUp(accounts);
        MintedKey keyOfB = keys.mint(tenantB.principal(), new MintKey("b", "viewer", null, null));

        assertThatThrownBy(() -> keys.revoke(tenantA.principal(), keyOfB.key().id()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(keys.authenticate(keyOfB.secret())).isPresent();
        assertThat(keys.list(tenantA.principal())).isEmpty();
    }

    @Test
    void editingACustomRoleChangesAnExistingKeysPrivilegesOnTheNextAuthenticate() {
        SignedUp owner = SignUps.signUp(accounts);
        members.createRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ));
        MintedKey minted = keys.mint(owner.principal(), new MintKey("custom", "reader", null, null));
        assertThat(keys.authenticate(minted.secret()).orElseThrow().privileges())
                .containsExactly(Privilege.RECORDS_READ);

        members.updateRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ, Privilege.AUDIT_READ));

        assertThat(keys.authenticate(minted.secret()).orElseThrow().privileges())
                .containsExactlyInAnyOrder(Privilege.RECORDS_READ, Privilege.AUDIT_READ);
    }

    @Test
    void deletedTenantsKeysAuthenticateNobody() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(), new MintKey("app", "viewer", null, null));
        assertThat(keys.authenticate(minted.secret())).isPresent();

        Principal operator = new Principal(Principal.Kind.SESSION, null, null, null, "operator", Set.of(), null,
                true);
        administration.delete(operator, owner.tenant());

        assertThat(keys.authenticate(minted.secret())).isEmpty();
    }

    private Principal keyPrincipal(SignedUp owner, String role) {
        return keys.authenticate(keys.mint(owner.principal(), new MintKey(role, role, null, null)).secret())
                .orElseThrow();
    }
}
