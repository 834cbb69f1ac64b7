package dev.quiver.tenant.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quiver.common.Privilege;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class BuiltInRoleTests {

    @Test
    void ownerHoldsEveryPrivilege() {
        assertThat(BuiltInRole.OWNER.privileges()).containsExactlyInAnyOrder(Privilege.values());
    }

    @Test
    void adminHoldsAllButTheTenantAndItsBilling() {
        assertThat(BuiltInRole.ADMIN.privileges()).isEqualTo(
                EnumSet.complementOf(EnumSet.of(Privilege.TENANT_MANAGE, Privilege.BILLING_MANAGE)))
                .contains(Privilege.KEYS_MANAGE, Privilege.MEMBERS_MANAGE, Privilege.BILLING_READ);
    }

    @Test
    void editorReadsAndWritesDataAndManagesCollections() {
        assertThat(BuiltInRole.EDITOR.privileges()).containsExactlyInAnyOrder(Privilege.RECORDS_READ,
                Privilege.RECORDS_WRITE, Privilege.COLLECTION_CREATE, Privilege.COLLECTION_UPDATE,
                Privilege.COLLECTION_DELETE);
    }

    @Test
    void viewerOnlyReads() {
        assertThat(BuiltInRole.VIEWER.privileges()).containsExactly(Privilege.RECORDS_READ);
    }

    @Test
    void rolesAreFoundByTheirLowerCaseName() {
        assertThat(BuiltInRole.fromName("owner")).contains(BuiltInRole.OWNER);
        assertThat(BuiltInRole.fromName("viewer")).contains(BuiltInRole.VIEWER);
        assertThat(BuiltInRole.fromName("Viewer")).isEmpty();
        assertThat(BuiltInRole.fromName("reader")).isEmpty();
    }

    @Test
    void builtInNamesFitTheCustomNameRuleSoCreatingOneIsRefusedAsTaken() {
        for (BuiltInRole role : BuiltInRole.values()) {
            assertThat(JdbcRoles.NAME.matcher(role.roleName()).matches()).isTrue();
        }
    }
}
