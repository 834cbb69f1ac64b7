package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.TenantTestApplication;
import dev.quiver.common.Privilege;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.SignedUp;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * API keys where other processes share the PostgreSQL: nothing is cached, so what another gateway does to a key
 * takes effect on the next request here.
 */
@SpringBootTest(classes = TenantTestApplication.class, properties = "quiver.tenant.sole-writer=false")
class ApiKeysSharedWriterIT {

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @Autowired
    Members members;

    @Autowired
    JdbcClient jdbc;

    @Test
    void mintedKeyAuthenticatesUntilRevoked() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(), new MintKey("app", "editor", null, null));
        assertThat(keys.authenticate(minted.secret())).isPresent();

        keys.revoke(owner.principal(), minted.key().id());

        assertThat(keys.authenticate(minted.secret())).isEmpty();
    }

    @Test
    void keyRevokedByAnotherProcessStopsWorkingOnTheNextRequest() {
        SignedUp owner = SignUps.signUp(accounts);
        MintedKey minted = keys.mint(owner.principal(), new MintKey("app", "editor", null, null));
        assertThat(keys.authenticate(minted.secret())).isPresent();

        jdbc.sql("update quiver.api_keys set revoked_at = now() where id = :id")
                .param("id", minted.key().id().value()).update();

        assertThat(keys.authenticate(minted.secret())).isEmpty();
    }

    @Test
    void editingACustomRoleChangesAnExistingKeysPrivilegesOnTheNextAuthenticate() {
        SignedUp owner = SignUps.signUp(accounts);
        members.createRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ));
        MintedKey minted = keys.mint(owner.principal(), new MintKey("custom", "reader", null, null));
        assertThat(keys.authenticate(minted.secret()).orElseThrow().privileges())
                .containsExactly(Privilege.RECORDS_READ);

        members.updateRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_WRITE));

        assertThat(keys.authenticate(minted.secret()).orElseThrow().privileges())
                .containsExactly(Privilege.RECORDS_WRITE);
    }
}
