package dev.quiver.tenant.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.tenant.api.DatabaseId;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.TenantView;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class GrantsTests {

    @Test
    void actorGrantsWhatItHolds() {
        Principal admin = session(BuiltInRole.ADMIN, null);

        assertThatCode(() -> Grants.requireGrantable(admin, "admin", BuiltInRole.ADMIN.privileges()))
                .doesNotThrowAnyException();
        assertThatCode(() -> Grants.requireGrantable(admin, "reader", EnumSet.of(Privilege.RECORDS_READ)))
                .doesNotThrowAnyException();
    }

    @Test
    void actorCannotGrantAPrivilegeItLacksAndTheRefusalNamesIt() {
        Principal editor = session(BuiltInRole.EDITOR, null);

        assertThatThrownBy(() -> Grants.requireGrantable(editor, "custom",
                EnumSet.of(Privilege.RECORDS_READ, Privilege.KEYS_MANAGE)))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                .hasMessageContaining("keys.manage");
    }

    @Test
    void onlyAnOwnerGrantsOwner() {
        assertThatThrownBy(() -> Grants.requireGrantable(session(BuiltInRole.ADMIN, null), "owner", Set.of()))
                .isInstanceOf(QuiverException.class).hasMessageContaining("owner");
        assertThatCode(() -> Grants.requireGrantable(session(BuiltInRole.OWNER, null), "owner",
                BuiltInRole.OWNER.privileges())).doesNotThrowAnyException();
    }

    @Test
    void keyLimitedToDatabasesCannotShapeMembersOrRoles() {
        assertThatThrownBy(() -> Grants.requireAllDatabases(session(BuiltInRole.OWNER,
                Set.of(new DatabaseId(UUID.randomUUID())))))
                .isInstanceOf(QuiverException.class);
        assertThatCode(() -> Grants.requireAllDatabases(session(BuiltInRole.OWNER, null)))
                .doesNotThrowAnyException();
    }

    private static Principal session(BuiltInRole role, @Nullable Set<DatabaseId> databases) {
        return new Principal(Principal.Kind.SESSION, new TenantView(new TenantId(UUID.randomUUID()), "acme"),
                new UserId(UUID.randomUUID()), null, role.roleName(), role.privileges(), databases, false);
    }
}
