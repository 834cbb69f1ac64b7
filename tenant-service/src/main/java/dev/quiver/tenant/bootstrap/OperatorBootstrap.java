package dev.quiver.tenant.bootstrap;

import dev.quiver.common.AuditEvent;
import dev.quiver.common.UserId;
import dev.quiver.tenant.access.BuiltInRole;
import dev.quiver.tenant.access.Secrets;
import dev.quiver.tenant.account.JdbcAccounts;
import dev.quiver.tenant.api.ApiKeyView;
import dev.quiver.tenant.audit.JdbcAuditLog;
import dev.quiver.tenant.api.TenantCatalog;
import dev.quiver.tenant.api.TenantView;
import dev.quiver.tenant.key.JdbcApiKeys;
import dev.quiver.tenant.key.KeySecrets;
import java.time.Clock;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes a fresh Quiver usable with one command: on a start where no platform operator exists, creates one (owner
 * of the default tenant) and an owner API key named {@code bootstrap} for the default tenant, and prints their
 * credentials once. A configured key ({@code quiver.tenant.bootstrap.api-key}) is added whenever it is missing,
 * so tests and benchmarks start with a key they know. Configured secrets are never logged.
 *
 * <p>Runs after the default tenant exists, in one transaction holding an advisory lock, so gateways starting
 * together against one PostgreSQL create one operator between them. It writes its audit entries itself: it runs
 * while beans are still being created, before event listeners are registered.
 */
public final class OperatorBootstrap {

    private static final Logger log = LoggerFactory.getLogger(OperatorBootstrap.class);
    static final String KEY_NAME = "bootstrap";
    private static final long LOCK = 0x717569766572L; // "quiver"

    private final JdbcAccounts accounts;
    private final JdbcApiKeys keys;
    private final TenantCatalog catalog;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final JdbcAuditLog audit;
    private final Clock clock;
    private final String operatorEmail;
    private final @Nullable String operatorPassword;
    private final @Nullable String apiKey;

    public OperatorBootstrap(JdbcAccounts accounts, JdbcApiKeys keys, TenantCatalog catalog, JdbcClient jdbc,
            TransactionTemplate transaction, JdbcAuditLog audit, Clock clock, String operatorEmail,
            @Nullable String operatorPassword, @Nullable String apiKey) {
        if (apiKey != null && !KeySecrets.wellFormed(apiKey)) {
            throw new IllegalArgumentException("The bootstrap API key does not have the form qk_ and 32 base64url"
                    + " characters");
        }
        this.accounts = accounts;
        this.keys = keys;
        this.catalog = catalog;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.clock = clock;
        this.operatorEmail = operatorEmail;
        this.operatorPassword = operatorPassword;
        this.apiKey = apiKey;
    }

    /** Creates what is missing; does nothing on a start that finds everything in place. */
    public void run() {
        transaction.executeWithoutResult(status -> {
            jdbc.sql("select pg_advisory_xact_lock(:lock)").param("lock", LOCK).query().listOfRows();
            TenantView tenant = catalog.findTenant(TenantCatalog.DEFAULT_TENANT)
                    .orElseThrow(() -> new IllegalStateException("the default tenant is provisioned first"));

            // 1. The operator, owner of the default tenant, with the configured or a random password.
            Optional<UserId> existing = accounts.firstOperator();
            String generatedPassword = null;
            UserId operator;
            if (existing.isPresent()) {
                operator = existing.get();
            } else {
                String password = operatorPassword;
                if (password == null) {
                    password = generatedPassword = Secrets.random(18);
                }
                operator = accounts.createUser(operatorEmail, password, true).id();
                accounts.addMember(tenant, operator, BuiltInRole.OWNER.roleName());
                audit.record(new AuditEvent(tenant.id(), "operator:" + operator, "member.joined",
                        "user:" + operator));
            }

            // 2. The key: the configured one whenever it is missing, or a random one for a new operator.
            String generatedKey = null;
            String secret = apiKey;
            if (secret == null && existing.isEmpty()) {
                secret = generatedKey = KeySecrets.generate();
            }
            boolean keyAdded = secret != null && !keys.exists(secret);
            if (keyAdded) {
                ApiKeyView key = keys.insert(tenant, operator, KEY_NAME, BuiltInRole.OWNER.roleName(), secret, null,
                        clock.instant(), null);
                audit.record(new AuditEvent(tenant.id(), "operator:" + operator, "key.minted",
                        "key:" + key.id()));
            }

            // 3. Tell the person starting Quiver, once: only secrets generated here, never configured ones.
            if (existing.isEmpty()) {
                log.warn("""

                        ================================================================
                        Quiver created its platform operator and a first API key.
                          operator e-mail: {}
                          operator password: {}
                          API key for tenant {} (owner): {}
                        Store them now: they are not shown again.
                        ================================================================""",
                        operatorEmail,
                        generatedPassword != null ? generatedPassword : "(as configured)",
                        TenantCatalog.DEFAULT_TENANT,
                        generatedKey != null ? generatedKey : "(as configured)");
            } else if (keyAdded) {
                log.info("Added the configured bootstrap API key to tenant {}", TenantCatalog.DEFAULT_TENANT);
            }
        });
    }
}
