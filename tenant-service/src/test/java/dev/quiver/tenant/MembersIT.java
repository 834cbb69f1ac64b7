package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.TenantTestApplication;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.RoleView;
import dev.quiver.tenant.api.SignedUp;
import java.util.EnumSet;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

@SpringBootTest(classes = TenantTestApplication.class)
class MembersIT {

    @Autowired
    Accounts accounts;

    @Autowired
    Members members;

    @Autowired
    ApiKeys keys;

    @Test
    void lastOwnerCannotBeRemovedNorDemoted() {
        SignedUp owner = SignUps.signUp(accounts);

        assertRefused(() -> members.remove(owner.principal(), owner.user().id()), ErrorCode.CONFLICT);
        assertRefused(() -> members.changeRole(owner.principal(), owner.user().id(), "admin"), ErrorCode.CONFLICT);
        assertThat(members.list(owner.principal())).singleElement()
                .satisfies(member -> assertThat(member.role()).isEqualTo("owner"));
    }

    @Test
    void anOwnerMayStepDownOnceAnotherOwnerExists() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal second = join(owner, "owner");

        members.changeRole(owner.principal(), owner.user().id(), "viewer");

        assertThat(accounts.sessionPrincipal(owner.user().id(), owner.tenant()).orElseThrow().role())
                .isEqualTo("viewer");
        assertRefused(() -> members.remove(second, second.user()), ErrorCode.CONFLICT);
    }

    @Test
    void roleChangeAppliesToTheMembersLiveSessionAndRemovalEndsIt() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal editor = join(owner, "editor");

        members.changeRole(owner.principal(), editor.user(), "viewer");
        assertThat(accounts.sessionPrincipal(editor.user(), owner.tenant()).orElseThrow().privileges())
                .containsExactly(Privilege.RECORDS_READ);

        members.remove(owner.principal(), editor.user());
        assertThat(accounts.sessionPrincipal(editor.user(), owner.tenant())).isEmpty();
    }

    @Test
    void adminCannotGrantOwnerNorTouchAnOwner() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal admin = join(owner, "admin");
        Principal viewer = join(owner, "viewer");

        assertRefused(() -> members.changeRole(admin, viewer.user(), "owner"), ErrorCode.PERMISSION_DENIED);
        assertRefused(() -> members.changeRole(admin, owner.user().id(), "viewer"), ErrorCode.PERMISSION_DENIED);
        assertRefused(() -> members.remove(admin, owner.user().id()), ErrorCode.PERMISSION_DENIED);
        members.changeRole(admin, viewer.user(), "editor");
    }

    @Test
    void anotherTenantsMemberIsNotFound() {
        SignedUp tenantA = SignUps.signUp(accounts);
        SignedUp tenantB = SignUps.signUp(accounts);
        Principal viewerOfB = join(tenantB, "viewer");

        assertRefused(() -> members.remove(tenantA.principal(), viewerOfB.user()), ErrorCode.NOT_FOUND);
        assertRefused(() -> members.changeRole(tenantA.principal(), viewerOfB.user(), "editor"),
                ErrorCode.NOT_FOUND);
        assertThat(members.list(tenantB.principal())).hasSize(2);
    }

    @Test
    void editorCannotCreateARoleWithKeysManage() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal editor = join(owner, "editor");
        members.createRole(owner.principal(), "role-keeper", EnumSet.of(Privilege.ROLES_MANAGE));
        Principal roleKeeper = join(owner, "role-keeper");

        assertRefused(() -> members.createRole(editor, "key-maker", EnumSet.of(Privilege.KEYS_MANAGE)),
                ErrorCode.PERMISSION_DENIED);
        assertThatThrownBy(() -> members.createRole(roleKeeper, "key-maker", EnumSet.of(Privilege.KEYS_MANAGE)))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("keys.manage");
                });
        assertThat(members.roles(owner.principal())).extracting(RoleView::name)
                .containsExactly("owner", "admin", "editor", "viewer", "role-keeper");
    }

    @Test
    void customRolesAreValidated() {
        SignedUp owner = SignUps.signUp(accounts);

        assertRefused(() -> members.createRole(owner.principal(), "Bad Name", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.INVALID_ARGUMENT);
        assertRefused(() -> members.createRole(owner.principal(), "empty", Set.of()), ErrorCode.INVALID_ARGUMENT);
        assertRefused(() -> members.createRole(owner.principal(), "viewer", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.ALREADY_EXISTS);
        members.createRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ));
        assertRefused(() -> members.createRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.ALREADY_EXISTS);
        assertRefused(() -> members.updateRole(owner.principal(), "editor", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.INVALID_ARGUMENT);
        assertRefused(() -> members.updateRole(owner.principal(), "missing", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.NOT_FOUND);
    }

    @Test
    void roleHeldByAMemberOrALiveKeyCannotBeDeleted() {
        SignedUp owner = SignUps.signUp(accounts);
        members.createRole(owner.principal(), "reader", EnumSet.of(Privilege.RECORDS_READ));
        Principal reader = join(owner, "reader");
        MintedKey key = keys.mint(owner.principal(), new MintKey("reader-key", "reader", null, null));

        assertThatThrownBy(() -> members.deleteRole(owner.principal(), "reader"))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("1 member(s)").contains("1 live API key(s)");
                });

        members.changeRole(owner.principal(), reader.user(), "viewer");
        keys.revoke(owner.principal(), key.key().id());
        members.deleteRole(owner.principal(), "reader");

        assertThat(members.roles(owner.principal())).extracting(RoleView::name).doesNotContain("reader");
    }

    @Test
    void viewerCannotListMembersOrManageRoles() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal viewer = join(owner, "viewer");

        assertRefused(() -> members.list(viewer), ErrorCode.PERMISSION_DENIED);
        assertRefused(() -> members.roles(viewer), ErrorCode.PERMISSION_DENIED);
        assertRefused(() -> members.createRole(viewer, "reader", EnumSet.of(Privilege.RECORDS_READ)),
                ErrorCode.PERMISSION_DENIED);
    }

    /** A new member of the owner's tenant with the role, as its session sees it. */
    private Principal join(SignedUp owner, String role) {
        return accounts.redeem(accounts.invite(owner.principal(), SignUps.uniqueEmail(), role).token(),
                "a fine new password");
    }

    private static void assertRefused(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QuiverException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
