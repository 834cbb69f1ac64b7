package dev.quiver.tenant.config;

import dev.quiver.tenant.access.AccessChanges;
import dev.quiver.tenant.access.JdbcRoles;
import dev.quiver.tenant.account.JdbcAccounts;
import dev.quiver.tenant.account.Passwords;
import dev.quiver.tenant.admin.JdbcTenantAdministration;
import dev.quiver.tenant.audit.JdbcAuditLog;
import dev.quiver.tenant.bootstrap.OperatorBootstrap;
import dev.quiver.tenant.catalog.JdbcTenantCatalog;
import dev.quiver.tenant.key.JdbcApiKeys;
import dev.quiver.tenant.member.JdbcMembers;
import dev.quiver.tenant.schema.TenantSchemas;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the tenant service: the catalogue (which provisions the default tenant at start-up), accounts, API keys,
 * members and roles, the audit log, operators' administration, and the first start's bootstrap.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TenantProperties.class)
class TenantConfiguration {

    @Bean
    AccessChanges accessChanges() {
        return new AccessChanges();
    }

    @Bean
    TenantSchemas tenantSchemas(DataSource dataSource) {
        return new TenantSchemas(dataSource);
    }

    @Bean(initMethod = "initialize")
    JdbcTenantCatalog tenantCatalog(JdbcClient jdbc, TenantSchemas schemas, Clock clock, AccessChanges changes) {
        return new JdbcTenantCatalog(jdbc, schemas, clock, changes);
    }

    @Bean
    JdbcRoles jdbcRoles(JdbcClient jdbc) {
        return new JdbcRoles(jdbc);
    }

    @Bean
    Passwords passwords() {
        return new Passwords();
    }

    @Bean
    JdbcApiKeys apiKeys(JdbcClient jdbc, JdbcTenantCatalog catalog, JdbcRoles roles,
            ApplicationEventPublisher events, AccessChanges changes, Clock clock, TenantProperties properties) {
        return new JdbcApiKeys(jdbc, catalog, roles, events, changes, clock, properties.soleWriter());
    }

    @Bean
    JdbcAccounts accounts(JdbcClient jdbc, JdbcTenantCatalog catalog, JdbcRoles roles, Passwords passwords,
            ApplicationEventPublisher events, AccessChanges changes, Clock clock, TenantProperties properties) {
        return new JdbcAccounts(jdbc, catalog, roles, passwords, events, changes, clock,
                properties.invitationTtl());
    }

    @Bean
    JdbcMembers members(JdbcClient jdbc, JdbcRoles roles, ApplicationEventPublisher events, AccessChanges changes,
            Clock clock) {
        return new JdbcMembers(jdbc, roles, events, changes, clock);
    }

    @Bean
    JdbcAuditLog auditLog(JdbcClient jdbc, Clock clock) {
        return new JdbcAuditLog(jdbc, clock);
    }

    @Bean
    JdbcTenantAdministration tenantAdministration(JdbcClient jdbc, AccessChanges changes,
            ApplicationEventPublisher events, Clock clock) {
        return new JdbcTenantAdministration(jdbc, changes, events, clock);
    }

    /** Runs once the catalogue (a parameter, so initialised first) has provisioned the default tenant. */
    @Bean(initMethod = "run")
    @ConditionalOnBooleanProperty(name = "quiver.tenant.bootstrap.enabled", matchIfMissing = true)
    OperatorBootstrap operatorBootstrap(JdbcAccounts accounts, JdbcApiKeys keys, JdbcTenantCatalog catalog,
            JdbcClient jdbc, TransactionTemplate transaction, JdbcAuditLog audit, Clock clock,
            TenantProperties properties) {
        TenantProperties.Bootstrap bootstrap = properties.bootstrap();
        return new OperatorBootstrap(accounts, keys, catalog, jdbc, transaction, audit, clock,
                bootstrap.operatorEmail(), bootstrap.operatorPassword(), bootstrap.apiKey());
    }
}
