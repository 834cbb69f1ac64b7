package dev.quiver.tenant.config;

import dev.quiver.tenant.catalog.JdbcTenantCatalog;
import dev.quiver.tenant.schema.TenantSchemas;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Wires the tenant catalogue and provisions the default tenant at start-up. */
@Configuration(proxyBeanMethods = false)
class TenantConfiguration {

    @Bean
    TenantSchemas tenantSchemas(DataSource dataSource) {
        return new TenantSchemas(dataSource);
    }

    @Bean(initMethod = "initialize")
    JdbcTenantCatalog tenantCatalog(JdbcClient jdbc, TenantSchemas schemas, Clock clock) {
        return new JdbcTenantCatalog(jdbc, schemas, clock);
    }
}
