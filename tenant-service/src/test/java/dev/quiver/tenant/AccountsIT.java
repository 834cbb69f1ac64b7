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
import dev.quiver.tenant.api.Invitation;
import dev.quiver.tenant.api.Members;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantCatalog;
import java.time.Duration;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(classes = TenantTestApplication.class)
class AccountsIT {

    @Autowired
    Accounts accounts;

    @Autowired
    Members members;

    @Autowired
    TenantCatalog catalog;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MutableClock clock;

    @Test
    void signUpCreatesTenantOwnerDefaultDatabaseAndTenantSchema() {
        String email = SignUps.uniqueEmail();
        SignedUp signedUp = accounts.signUp(new SignUp(email.toUpperCase(), SignUps.PASSWORD, "Café Society!"));

        assertThat(signedUp.tenant().name()).startsWith("cafe-society");
        assertThat(catalog.findTenant(signedUp.tenant().name())).contains(signedUp.tenant());
        assertThat(signedUp.user().email()).isEqualTo(email);
        assertThat(signedUp.database().name()).isEqualTo(TenantCatalog.DEFAULT_DATABASE);
        assertThat(catalog.findDatabase(signedUp.tenant(), TenantCatalog.DEFAULT_DATABASE))
                .contains(signedUp.database());
        assertThat(signedUp.principal().role()).isEqualTo("owner");
        assertThat(signedUp.principal().privileges()).containsExactlyInAnyOrder(Privilege.values());
        assertThat(members.list(signedUp.principal())).singleElement()
                .satisfies(member -> assertThat(member.role()).isEqualTo("owner"));
        assertThat(jdbc.sql("select count(*) from information_schema.tables where table_schema = :schema"
                        + " and table_name = 'audit_log'")
                .param("schema", signedUp.tenant().id().schemaName()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void takenOrganizationNameGetsARandomSuffixInsteadOfARefusal() {
        String organization = "Same Name " + UUID.randomUUID();
        SignedUp first = accounts.signUp(new SignUp(SignUps.uniqueEmail(), SignUps.PASSWORD, organization));
        SignedUp second = accounts.signUp(new SignUp(SignUps.uniqueEmail(), SignUps.PASSWORD, organization));

        assertThat(second.tenant().name()).matches(first.tenant().name() + "-[0-9a-f]{6}");
    }

    @Test
    void duplicateEmailIsRefusedAndNothingIsWritten() {
        String email = SignUps.uniqueEmail();
        accounts.signUp(new SignUp(email, SignUps.PASSWORD, "First " + UUID.randomUUID()));
        long tenants = count("quiver.tenants");
        long users = count("quiver.users");
        long memberships = count("quiver.memberships");

        assertThatThrownBy(() -> accounts.signUp(new SignUp(" " + email.toUpperCase(), SignUps.PASSWORD,
                "Second " + UUID.randomUUID())))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
                    assertThat(e.errors()).extracting(FieldError::field).containsExactly("email");
                });
        assertThat(count("quiver.tenants")).isEqualTo(tenants);
        assertThat(count("quiver.users")).isEqualTo(users);
        assertThat(count("quiver.memberships")).isEqualTo(memberships);
    }

    @Test
    void weakPasswordIsRefusedNamingTheFieldAndRule() {
        String email = SignUps.uniqueEmail();
        long tenants = count("quiver.tenants");

        assertThatThrownBy(() -> accounts.signUp(new SignUp(email, "xx" + email.substring(0, email.indexOf('@')) + "yy", "Org")))
                .isInstanceOfSatisfying(QuiverException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.errors()).extracting(FieldError::field, FieldError::rule)
                            .containsExactly(Tuple.tuple("password", "weak"));
                });
        assertThatThrownBy(() -> accounts.signUp(new SignUp("not-an-email", "short", "")))
                .isInstanceOfSatisfying(QuiverException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::rule)
                        .containsExactly(Tuple.tuple("email", "format"),
                                Tuple.tuple("password", "min-length"),
                                Tuple.tuple("organization", "required")));
        assertThat(count("quiver.tenants")).isEqualTo(tenants);
    }

    @Test
    void logInWithTheRightPasswordGivesTheSessionAndAWrongOneNothing() {
        SignedUp signedUp = SignUps.signUp(accounts);

        assertThat(accounts.logIn(signedUp.user().email().toUpperCase(), SignUps.PASSWORD, null))
                .hasValueSatisfying(principal -> {
                    assertThat(principal.kind()).isEqualTo(Principal.Kind.SESSION);
                    assertThat(principal.tenant()).isEqualTo(signedUp.tenant());
                    assertThat(principal.user()).isEqualTo(signedUp.user().id());
                    assertThat(principal.role()).isEqualTo("owner");
                });
        assertThat(accounts.logIn(signedUp.user().email(), SignUps.PASSWORD, signedUp.tenant().name())).isPresent();
        assertThat(accounts.logIn(signedUp.user().email(), SignUps.PASSWORD + "!", null)).isEmpty();
        assertThat(accounts.logIn(SignUps.uniqueEmail(), SignUps.PASSWORD, null)).isEmpty();
        assertThat(accounts.logIn(signedUp.user().email(), SignUps.PASSWORD, TenantCatalog.DEFAULT_TENANT)).isEmpty();
    }

    @Test
    void invitationRedeemedByANewAccountMakesAMemberAndCannotBeUsedAgain() {
        SignedUp owner = SignUps.signUp(accounts);
        String email = SignUps.uniqueEmail();
        Invitation invitation = accounts.invite(owner.principal(), email, "editor");

        Principal joined = accounts.redeem(invitation.token(), "a fine new password");

        assertThat(joined.tenant()).isEqualTo(owner.tenant());
        assertThat(joined.role()).isEqualTo("editor");
        assertThat(accounts.logIn(email, "a fine new password", owner.tenant().name())).isPresent();
        assertThatThrownBy(() -> accounts.redeem(invitation.token(), "a fine new password"))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void invitationRedeemedByAnExistingAccountChecksItsPassword() {
        SignedUp inviter = SignUps.signUp(accounts);
        SignedUp invitee = SignUps.signUp(accounts);
        clock.advance(Duration.ofSeconds(1));
        Invitation invitation = accounts.invite(inviter.principal(), invitee.user().email(), "viewer");

        assertThatThrownBy(() -> accounts.redeem(invitation.token(), "not the password"))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
        Principal joined = accounts.redeem(invitation.token(), SignUps.PASSWORD);

        assertThat(joined.user()).isEqualTo(invitee.user().id());
        assertThat(joined.tenant()).isEqualTo(inviter.tenant());
        assertThat(joined.privileges()).containsExactly(Privilege.RECORDS_READ);
        // The tenant joined first stays the one a log-in without a tenant lands in.
        assertThat(accounts.logIn(invitee.user().email(), SignUps.PASSWORD, null).orElseThrow().tenant())
                .isEqualTo(invitee.tenant());
    }

    @Test
    void expiredOrUnknownInvitationIsNotFound() {
        SignedUp owner = SignUps.signUp(accounts);
        Invitation invitation = accounts.invite(owner.principal(), SignUps.uniqueEmail(), "viewer");
        clock.advance(Duration.ofDays(8));
        try {
            assertThatThrownBy(() -> accounts.redeem(invitation.token(), "a fine new password"))
                    .isInstanceOfSatisfying(QuiverException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        } finally {
            clock.advance(Duration.ofDays(-8));
        }
        assertThatThrownBy(() -> accounts.redeem("no-such-token", "a fine new password"))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void inviterCannotGrantARoleAboveItsOwn() {
        SignedUp owner = SignUps.signUp(accounts);
        Invitation invitation = accounts.invite(owner.principal(), SignUps.uniqueEmail(), "admin");
        Principal admin = accounts.redeem(invitation.token(), "a fine new password");

        assertThatThrownBy(() -> accounts.invite(admin, SignUps.uniqueEmail(), "owner"))
                .isInstanceOfSatisfying(QuiverException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
