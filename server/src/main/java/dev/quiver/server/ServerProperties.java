package dev.quiver.server;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import dev.quiver.common.Role;
import java.nio.file.Path;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the server process.
 *
 * @param dataDir          where standalone Quiver keeps everything: PostgreSQL's files and the shard indexes
 * @param embeddedPostgres the PostgreSQL that standalone mode starts itself
 * @param roles            what this process runs: {@code gateway} (the public API and the write path),
 *                         {@code search} (shards, answering gateways under {@code /internal}), or both, the default
 *                         (standalone, no HTTP hop and no leases)
 */
@Validated
@ConfigurationProperties("quiver")
public record ServerProperties(
        @NotNull @DefaultValue("data") Path dataDir,
        @Valid @NotNull @DefaultValue EmbeddedPostgres embeddedPostgres,
        @NotNull @DefaultValue({"gateway", "search"}) Set<Role> roles) {

    public ServerProperties {
        roles = roles == null ? null : Set.copyOf(roles);
        if (roles != null && roles.isEmpty()) {
            throw new IllegalArgumentException("quiver.roles must name gateway, search or both");
        }
    }

    /**
     * The embedded PostgreSQL.
     *
     * @param enabled whether to start it; turn it off and set {@code spring.datasource.url} to use a PostgreSQL of
     *                your own
     */
    public record EmbeddedPostgres(@DefaultValue("true") boolean enabled) {
    }
}
