package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.TenantTestApplication;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantAdministration;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantStatus;
import dev.quiver.tenant.api.TenantView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(classes = TenantTestApplication.class, properties = {
        "quiver.tenant.bootstrap.operator-email=root@quiver.test",
        "quiver.tenant.bootstrap.operator-password=operator password"})
class TenantAdministrationIT {

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @Autowired
    TenantAdministration administration;

    @Autowired
    TenantCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Test
    void operatorFindsTenantsByPartOfTheirName() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal operator = operator();
        String part = owner.tenant().name().substring(5, 20);

        assertThat(administration.search(operator, part, 10, 0)).extracting(TenantStatus::tenant)
                .containsExactly(owner.tenant());
        assertThat(administration.search(operator, "", 1000, 0)).extracting(TenantStatus::tenant)
                .contains(owner.tenant())
                .extracting(TenantView::name).contains(TenantCatalog.DEFAULT_TENANT);
    }

    @Test
    void operatorDeletesATenantWithItsSchemaKeysAndMembers() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey key = keys.mint(owner.principal(), new MintKey("app", "viewer", null, null));
        assertThat(catalog.findTenant(owner.tenant().name())).isPresent();
        assertThat(keys.authenticate(key.secret())).isPresent();

        assertThat(catalog.findTenant(owner.tenant().id())).contains(owner.tenant());

        administration.delete(operator(), owner.tenant());

        assertThat(catalog.findTenant(owner.tenant().name())).isEmpty();
        assertThat(catalog.findTenant(owner.tenant().id())).isEmpty();
        assertThat(keys.authenticate(key.secret())).isEmpty();
        assertThat(accounts.sessionPrincipal(owner.user().id(), owner.tenant())).isEmpty();
        assertThat(accounts.logIn(owner.user().email(), SignUps.PASSWORD, null)).isEmpty();
        assertThat(jdbc.sql("select count(*) from information_schema.schemata where schema_name = :schema")
                .param("schema", owner.tenant().id().schemaName()).query(Long.class).single()).isZero();
        assertThatThrownBy(() -> administration.delete(operator(), owner.tenant()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void onlyOperatorsAdministerTenants() {
        SignedUp owner = SignUps.signUp(accounts);

        assertThatThrownBy(() -> administration.search(owner.principal(), "", 10, 0))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThatThrownBy(() -> administration.delete(owner.principal(), owner.tenant()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThat(catalog.findTenant(owner.tenant().name())).isPresent();
    }

    @Test
    void operatorHasASessionOutsideAnyTenantAndOthersDoNot() {
        SignedUp owner = SignUps.signUp(accounts);

        assertThat(accounts.sessionPrincipal(operator().user(), null)).hasValueSatisfying(principal -> {
            assertThat(principal.operator()).isTrue();
            assertThat(principal.tenant()).isNull();
            assertThat(principal.privileges()).isEmpty();
            assertThat(principal.actor()).startsWith("operator:");
        });
        assertThat(accounts.sessionPrincipal(owner.user().id(), null)).isEmpty();
    }

    @Test
    void suspensionRefusesDataPrivilegesOfKeysAndSessionsFromTheNextCallUntilResumed() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey key = keys.mint(owner.principal(), new MintKey("app", "owner", null, null));
        // With a sole writer this answer is cached and the suspension clears it; TenantSuspensionIT runs that mode.
        assertThat(keys.authenticate(key.secret()).orElseThrow().suspended()).isFalse();

        administration.suspend(operator(), owner.tenant(), "  Unpaid invoice  ");

        Principal suspendedKey = keys.authenticate(key.secret()).orElseThrow();
        Principal suspendedSession = accounts.sessionPrincipal(owner.user().id(), owner.tenant()).orElseThrow();
        Principal loggedIn = accounts.logIn(owner.user().email(), SignUps.PASSWORD, null).orElseThrow();
        for (Principal principal : List.of(suspendedKey, suspendedSession, loggedIn)) {
            assertThat(principal.suspended()).isTrue();
            assertThatThrownBy(() -> principal.require(Privilege.RECORDS_READ))
                    .isInstanceOfSatisfying(QuiverException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_SUSPENDED));
            principal.require(Privilege.KEYS_MANAGE);
            principal.require(Privilege.AUDIT_READ);
        }
        TenantStatus status = administration.find(operator(), owner.tenant().id().toString()).orElseThrow();
        assertThat(status.suspended()).isTrue();
        assertThat(status.suspendedReason()).isEqualTo("Unpaid invoice");
        assertThat(accounts.tenantStatus(suspendedSession)).contains(status);
        assertThat(administration.find(operator(), owner.tenant().name())).contains(status);

        // A second suspension keeps the first one's time and replaces the reason.
        administration.suspend(operator(), owner.tenant(), "Still unpaid");
        TenantStatus again = administration.find(operator(), owner.tenant().name()).orElseThrow();
        assertThat(again.suspendedAt()).isEqualTo(status.suspendedAt());
        assertThat(again.suspendedReason()).isEqualTo("Still unpaid");

        administration.resume(operator(), owner.tenant());

        assertThat(keys.authenticate(key.secret()).orElseThrow().suspended()).isFalse();
        assertThat(accounts.sessionPrincipal(owner.user().id(), owner.tenant()).orElseThrow().suspended()).isFalse();
        assertThat(administration.find(operator(), owner.tenant().name()).orElseThrow().suspendedReason()).isNull();
        administration.resume(operator(), owner.tenant());
        assertThat(administration.search(operator(), owner.tenant().name(), 10, 0)).singleElement()
                .satisfies(listed -> assertThat(listed.suspended()).isFalse());
    }

    @Test
    void suspensionNeedsAnOperatorAndAReasonOfOneToFiveHundredCharacters() {
        SignedUp owner = SignUps.signUp(accounts);

        assertThatThrownBy(() -> administration.suspend(owner.principal(), owner.tenant(), "why"))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThatThrownBy(() -> administration.resume(owner.principal(), owner.tenant()))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        for (String reason : List.of("", "   ", "x".repeat(501))) {
            assertThatThrownBy(() -> administration.suspend(operator(), owner.tenant(), reason))
                    .isInstanceOfSatisfying(QuiverException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                        assertThat(e.errors()).extracting(FieldError::field).containsExactly("reason");
                    });
        }
        assertThat(administration.find(operator(), owner.tenant().name()).orElseThrow().suspended()).isFalse();
        assertThat(administration.find(operator(), "no such tenant")).isEmpty();
    }

    /** The bootstrap operator, logged in; it owns the default tenant, so its session lands there. */
    private Principal operator() {
        Principal principal = accounts.logIn("root@quiver.test", "operator password", null).orElseThrow();
        assertThat(principal.operator()).isTrue();
        return principal;
    }
}
