package dev.quiver.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quiver.TenantTestApplication;
import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.ApiKeys;
import dev.quiver.tenant.api.AuditEntry;
import dev.quiver.tenant.api.AuditLog;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.MintKey;
import dev.quiver.tenant.api.MintedKey;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignedUp;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

@SpringBootTest(classes = TenantTestApplication.class)
class AuditLogIT {

    @Autowired
    Accounts accounts;

    @Autowired
    ApiKeys keys;

    @Autowired
    Members members;

    @Autowired
    AuditLog audit;

    @Autowired
    ApplicationEventPublisher events;

    @Autowired
    TransactionTemplate transaction;

    @Test
    void everyChangeIsRecordedAndListedNewestFirst() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal actor = owner.principal();
        MintedKey key = keys.mint(actor, new MintKey("app", "viewer", null, null));
        keys.revoke(actor, key.key().id());
        var invitation = accounts.invite(actor, SignUps.uniqueEmail(), "editor");
        Principal member = accounts.redeem(invitation.token(), "a fine new password");
        members.changeRole(actor, member.user(), "viewer");
        members.remove(actor, member.user());
        members.createRole(actor, "reader", EnumSet.of(Privilege.RECORDS_READ));
        members.updateRole(actor, "reader", EnumSet.of(Privilege.RECORDS_READ, Privilege.AUDIT_READ));
        members.deleteRole(actor, "reader");

        List<AuditEntry> entries = audit.list(actor, null, 100);

        assertThat(entries).extracting(AuditEntry::action).containsExactly(
                "role.deleted", "role.updated", "role.created", "member.removed", "member.role_changed",
                "member.joined", "member.invited", "key.revoked", "key.minted", "tenant.signed_up");
        assertThat(entries.getLast().actor()).isEqualTo("user:" + owner.user().id());
        assertThat(entries.get(entries.size() - 2).target()).isEqualTo("key:" + key.key().id());
        assertThat(entries.get(entries.size() - 2).actor()).isEqualTo(actor.actor());
        assertThat(entries.get(3).target()).isEqualTo("user:" + member.user());

        List<AuditEntry> page = audit.list(actor, entries.get(2).sequence(), 2);
        assertThat(page).extracting(AuditEntry::action).containsExactly("member.removed", "member.role_changed");
    }

    @Test
    void anEventPublishedByAnotherModuleIsRecordedWithItsTransaction() {
        SignedUp owner = SignUps.signUp(accounts);
        AuditEvent created = new AuditEvent(owner.tenant().id(), owner.principal().actor(), "collection.created",
                "collection:docs");

        transaction.executeWithoutResult(status -> events.publishEvent(created));
        transaction.executeWithoutResult(status -> {
            events.publishEvent(new AuditEvent(owner.tenant().id(), "anonymous", "collection.deleted", "x"));
            status.setRollbackOnly();
        });

        assertThat(audit.list(owner.principal(), null, 1)).singleElement()
                .satisfies(entry -> assertThat(entry.action()).isEqualTo("collection.created"));
    }

    @Test
    void readingTheLogNeedsAuditRead() {
        SignedUp owner = SignUps.signUp(accounts);
        Principal editor = keys.authenticate(keys.mint(owner.principal(), new MintKey("e", "editor", null, null))
                .secret()).orElseThrow();

        assertThatThrownBy(() -> audit.list(editor, null, 10)).isInstanceOfSatisfying(QuiverException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    }
}
