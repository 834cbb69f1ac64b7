package dev.quiver.tenant.account;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.ErrorCode;
import dev.quiver.common.FieldError;
import dev.quiver.common.Privilege;
import dev.quiver.common.QuiverException;
import dev.quiver.common.TenantId;
import dev.quiver.common.UserId;
import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.access.BuiltInRole;
import dev.quiver.tenant.access.Grants;
import dev.quiver.tenant.access.JdbcRoles;
import dev.quiver.tenant.access.Secrets;
import dev.quiver.tenant.admin.JdbcTenantAdministration;
import dev.quiver.tenant.api.Accounts;
import dev.quiver.tenant.api.DatabaseView;
import dev.quiver.tenant.api.Invitation;
import dev.quiver.tenant.api.Principal;
import dev.quiver.tenant.api.SignUp;
import dev.quiver.tenant.api.SignedUp;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantStatus;
import dev.quiver.tenant.api.TenantView;
import dev.quiver.tenant.api.UserView;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts in {@code quiver.users} and {@code quiver.memberships}, and invitations in {@code quiver.invitations},
 * over {@link JdbcClient}. Passwords are kept as Argon2id hashes, invitation tokens as SHA-256. Thread-safe.
 */
public class JdbcAccounts implements Accounts {

    /** Tries at a random suffix before giving up on a taken tenant name; one is enough unless the world ends. */
    private static final int NAME_ATTEMPTS = 5;

    private static final String FIND_USER = """
            select id, email, password_hash, operator from quiver.users where email = :email
            """;
    private static final String FIND_USER_BY_ID = """
            select id, email from quiver.users where id = :id
            """;
    private static final String INSERT_USER = """
            insert into quiver.users (id, email, password_hash, operator, created_at)
            values (:id, :email, :passwordHash, :operator, :createdAt)
            """;
    private static final String INSERT_MEMBERSHIP = """
            insert into quiver.memberships (tenant_id, user_id, role, created_at)
            values (:tenantId, :userId, :role, :createdAt)
            on conflict (tenant_id, user_id) do nothing
            """;
    private static final String FIRST_MEMBERSHIP = """
            select t.id, t.name from quiver.memberships m join quiver.tenants t on t.id = m.tenant_id
            where m.user_id = :userId order by m.created_at, t.name limit 1
            """;
    private static final String SESSION = """
            select u.operator, m.role,
                   (select t.suspended_at is not null from quiver.tenants t where t.id = :tenantId) as suspended
            from quiver.users u
            left join quiver.memberships m on m.user_id = u.id and m.tenant_id = :tenantId
            where u.id = :userId
            """;
    private static final String TENANT_STATUS = """
            select id, name, created_at, suspended_at, suspended_reason from quiver.tenants where id = :id
            """;
    private static final String IS_MEMBER_BY_EMAIL = """
            select exists (select 1 from quiver.memberships m join quiver.users u on u.id = m.user_id
                           where m.tenant_id = :tenantId and u.email = :email)
            """;
    private static final String INSERT_INVITATION = """
            insert into quiver.invitations (id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
            values (:id, :tenantId, :email, :role, :tokenHash, :invitedBy, :createdAt, :expiresAt)
            """;
    private static final String FIND_INVITATION = """
            select i.id, i.email, i.role, t.id as tenant_id, t.name as tenant_name
            from quiver.invitations i join quiver.tenants t on t.id = i.tenant_id
            where i.token_hash = :tokenHash and i.redeemed_at is null and i.expires_at > :now
            for update of i
            """;
    private static final String REDEEM_INVITATION = """
            update quiver.invitations set redeemed_at = :now where id = :id
            """;

    private static final String FIRST_OPERATOR = """
            select id from quiver.users where operator order by created_at, id limit 1
            """;


    private final JdbcClient jdbc;
    private final TenantCatalog catalog;
    private final JdbcRoles roles;
    private final Passwords passwords;
    private final ApplicationEventPublisher events;
    private final AccessChanges changes;
    private final Clock clock;
    private final Duration invitationTtl;

    private record StoredUser(UserId id, String email, String passwordHash, boolean operator) {
    }

    public JdbcAccounts(JdbcClient jdbc, TenantCatalog catalog, JdbcRoles roles, Passwords passwords,
            ApplicationEventPublisher events, AccessChanges changes, Clock clock, Duration invitationTtl) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.roles = roles;
        this.passwords = passwords;
        this.events = events;
        this.changes = changes;
        this.clock = clock;
        this.invitationTtl = invitationTtl;
    }

    @Override
    @Transactional
    public SignedUp signUp(SignUp request) {
        // 1. Validate everything before writing anything.
        List<FieldError> errors = AccountRules.checkSignUp(request.email(), request.password(),
                request.organization());
        if (!errors.isEmpty()) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
        }
        String email = AccountRules.normalizeEmail(request.email());
        if (findUser(email).isPresent()) {
            throw emailTaken(email);
        }

        // 2. The account; the unique e-mail still refuses a sign-up that raced this one.
        UserView user = createUser(email, request.password(), false);

        // 3. The tenant, named from the organisation. A taken name gets a random suffix rather than a refusal, so
        //    sign-up never tells which names exist.
        String slug = AccountRules.slug(request.organization());
        String name = slug;
        for (int attempt = 0; catalog.findTenant(name).isPresent(); attempt++) {
            if (attempt == NAME_ATTEMPTS) {
                throw new IllegalStateException("No free tenant name for [" + slug + "]");
            }
            name = AccountRules.withRandomSuffix(slug);
        }
        TenantView tenant = catalog.createTenant(name);

        // 4. Its owner and its first database.
        addMember(tenant, user.id(), BuiltInRole.OWNER.roleName());
        DatabaseView database = catalog.createDatabase(tenant, TenantCatalog.DEFAULT_DATABASE);
        changes.changed();
        events.publishEvent(new AuditEvent(tenant.id(), "user:" + user.id(), "tenant.signed_up",
                "tenant:" + tenant.id()));
        Principal principal = new Principal(Principal.Kind.SESSION, tenant, user.id(), null,
                BuiltInRole.OWNER.roleName(), BuiltInRole.OWNER.privileges(), null, false);
        return new SignedUp(tenant, user, database, principal);
    }

    /**
     * Stores an account, with no checks of the e-mail or password: the callers have checked them (or, for the
     * bootstrap operator, configured them). {@code ALREADY_EXISTS} on field {@code email} when it is taken.
     */
    public UserView createUser(String email, String password, boolean operator) {
        String normalized = AccountRules.normalizeEmail(email);
        UserId id = new UserId(UUID.randomUUID());
        try {
            jdbc.sql(INSERT_USER)
                    .param("id", id.value())
                    .param("email", normalized)
                    .param("passwordHash", passwords.hash(password))
                    .param("operator", operator)
                    .param("createdAt", Timestamp.from(clock.instant()))
                    .update();
        } catch (DuplicateKeyException e) {
            throw emailTaken(normalized);
        }
        return new UserView(id, normalized);
    }

    /** Makes a user a member of the tenant with the role, unless it is one already; no privilege checks. */
    public void addMember(TenantView tenant, UserId user, String role) {
        jdbc.sql(INSERT_MEMBERSHIP)
                .param("tenantId", tenant.id().value())
                .param("userId", user.value())
                .param("role", role)
                .param("createdAt", Timestamp.from(clock.instant()))
                .update();
        changes.changed();
    }

    @Override
    public Optional<Principal> logIn(String email, String password, @Nullable String tenant) {
        Optional<StoredUser> user = findUser(AccountRules.normalizeEmail(email));
        if (user.isEmpty()) {
            passwords.spendOneCheck(password);
            return Optional.empty();
        }
        if (!passwords.matches(password, user.get().passwordHash())) {
            return Optional.empty();
        }
        Optional<TenantView> chosen = tenant == null
                ? jdbc.sql(FIRST_MEMBERSHIP).param("userId", user.get().id().value())
                        .query((rs, row) -> new TenantView(new TenantId(rs.getObject("id", UUID.class)),
                                rs.getString("name")))
                        .optional()
                : catalog.findTenant(tenant);
        if (chosen.isEmpty()) {
            // A named tenant that does not exist is refused like one the user is not a member of.
            return tenant == null ? sessionPrincipal(user.get().id(), null) : Optional.empty();
        }
        return sessionPrincipal(user.get().id(), chosen.get());
    }

    @Override
    public Optional<Principal> sessionPrincipal(UserId user, @Nullable TenantView tenant) {
        record Session(boolean operator, @Nullable String role, boolean suspended) {
        }
        Optional<Session> session = jdbc.sql(SESSION)
                .param("userId", user.value())
                .param("tenantId", tenant == null ? null : tenant.id().value())
                .query((rs, row) -> new Session(rs.getBoolean("operator"), rs.getString("role"),
                        rs.getBoolean("suspended")))
                .optional();
        if (session.isEmpty()) {
            return Optional.empty();
        }
        if (tenant == null) {
            return session.get().operator()
                    ? Optional.of(new Principal(Principal.Kind.SESSION, null, user, null, "operator", Set.of(), null,
                            true))
                    : Optional.empty();
        }
        String role = session.get().role();
        if (role == null) {
            return Optional.empty();
        }
        Set<Privilege> privileges = roles.privileges(tenant.id(), role).orElse(Set.of());
        return Optional.of(new Principal(Principal.Kind.SESSION, tenant, user, null, role, privileges, null,
                session.get().operator(), session.get().suspended()));
    }

    @Override
    public Optional<TenantStatus> tenantStatus(Principal caller) {
        TenantView tenant = caller.tenant();
        if (tenant == null) {
            return Optional.empty();
        }
        return jdbc.sql(TENANT_STATUS).param("id", tenant.id().value()).query(JdbcTenantAdministration::status)
                .optional();
    }

    @Override
    @Transactional
    public Invitation invite(Principal actor, String email, String role) {
        TenantView tenant = tenantOf(actor);
        actor.require(Privilege.MEMBERS_MANAGE);
        Grants.requireAllDatabases(actor);
        List<FieldError> errors = new ArrayList<>();
        AccountRules.checkEmail(email, errors);
        Optional<Set<Privilege>> privileges = roles.privileges(tenant.id(), role);
        if (privileges.isEmpty()) {
            errors.add(new FieldError("role", "unknown", "Role [" + role + "] does not exist"));
        }
        if (!errors.isEmpty()) {
            throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
        }
        Grants.requireGrantable(actor, role, privileges.orElseThrow());
        String normalized = AccountRules.normalizeEmail(email);
        if (jdbc.sql(IS_MEMBER_BY_EMAIL).param("tenantId", tenant.id().value()).param("email", normalized)
                .query(Boolean.class).single()) {
            throw QuiverException.invalidField(ErrorCode.ALREADY_EXISTS, "email", "unique",
                    "[" + normalized + "] is a member already");
        }

        String token = Secrets.random(32);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(invitationTtl);
        jdbc.sql(INSERT_INVITATION)
                .param("id", id)
                .param("tenantId", tenant.id().value())
                .param("email", normalized)
                .param("role", role)
                .param("tokenHash", Secrets.sha256(token))
                .param("invitedBy", actor.user() == null ? null : actor.user().value())
                .param("createdAt", Timestamp.from(now))
                .param("expiresAt", Timestamp.from(expiresAt))
                .update();
        events.publishEvent(new AuditEvent(tenant.id(), actor.actor(), "member.invited", "invitation:" + id));
        return new Invitation(normalized, role, token, expiresAt);
    }

    @Override
    @Transactional
    public Principal redeem(String token, String password) {
        record Pending(UUID id, String email, String role, TenantView tenant) {
        }
        Instant now = clock.instant();
        // The row lock makes a token redeemable once even when two redeem it at the same time.
        Pending invitation = jdbc.sql(FIND_INVITATION)
                .param("tokenHash", Secrets.sha256(token))
                .param("now", Timestamp.from(now))
                .query((rs, row) -> new Pending(rs.getObject("id", UUID.class), rs.getString("email"),
                        rs.getString("role"), new TenantView(new TenantId(rs.getObject("tenant_id", UUID.class)),
                                rs.getString("tenant_name"))))
                .optional()
                .filter(pending -> roles.privileges(pending.tenant().id(), pending.role()).isPresent())
                .orElseThrow(() -> new QuiverException(ErrorCode.NOT_FOUND,
                        "The invitation does not exist, was used or has expired"));

        Optional<StoredUser> existing = findUser(invitation.email());
        UserId user;
        if (existing.isPresent()) {
            if (!passwords.matches(password, existing.get().passwordHash())) {
                throw QuiverException.invalidField(ErrorCode.UNAUTHENTICATED, "password", "mismatch",
                        "Wrong password for the invited account");
            }
            user = existing.get().id();
        } else {
            List<FieldError> errors = new ArrayList<>();
            AccountRules.checkPassword(password, invitation.email(), errors);
            if (!errors.isEmpty()) {
                throw new QuiverException(ErrorCode.INVALID_ARGUMENT, errors.getFirst().message(), errors);
            }
            user = createUser(invitation.email(), password, false).id();
        }
        // A member already (invited twice, say) keeps the role it has.
        addMember(invitation.tenant(), user, invitation.role());
        jdbc.sql(REDEEM_INVITATION).param("id", invitation.id()).param("now", Timestamp.from(now)).update();
        events.publishEvent(new AuditEvent(invitation.tenant().id(), "user:" + user, "member.joined",
                "user:" + user));
        return sessionPrincipal(user, invitation.tenant()).orElseThrow(
                () -> new IllegalStateException("member just added is missing: " + user));
    }

    @Override
    public Optional<UserView> findUser(UserId user) {
        return jdbc.sql(FIND_USER_BY_ID).param("id", user.value())
                .query((rs, row) -> new UserView(new UserId(rs.getObject("id", UUID.class)), rs.getString("email")))
                .optional();
    }

    /** The first platform operator's account, if there is one. */
    public Optional<UserId> firstOperator() {
        return jdbc.sql(FIRST_OPERATOR).query((rs, row) -> new UserId(rs.getObject("id", UUID.class))).optional();
    }

    private Optional<StoredUser> findUser(String normalizedEmail) {
        return jdbc.sql(FIND_USER).param("email", normalizedEmail)
                .query((rs, row) -> new StoredUser(new UserId(rs.getObject("id", UUID.class)), rs.getString("email"),
                        rs.getString("password_hash"), rs.getBoolean("operator")))
                .optional();
    }

    private static QuiverException emailTaken(String email) {
        return QuiverException.invalidField(ErrorCode.ALREADY_EXISTS, "email", "unique",
                "An account with e-mail [" + email + "] already exists");
    }

    private static TenantView tenantOf(Principal actor) {
        if (actor.tenant() == null) {
            throw new QuiverException(ErrorCode.PERMISSION_DENIED, "Invitations belong to a tenant; act in one");
        }
        return actor.tenant();
    }
}
