package dev.quiver.server;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the server process.
 *
 * @param dataDir          where standalone Quiver keeps everything: PostgreSQL's files and the shard indexes
 * @param embeddedPostgres the PostgreSQL that standalone mode starts itself
 */
@Validated
@ConfigurationProperties("quiver")
public record ServerProperties(
        @NotNull @DefaultValue("data") Path dataDir,
        @Valid @NotNull @DefaultValue EmbeddedPostgres embeddedPostgres) {

    /**
     * The embedded PostgreSQL.
     *
     * @param enabled whether to start it; turn it off and set {@code spring.datasource.url} to use a PostgreSQL of
     *                your own
     */
    public record EmbeddedPostgres(@DefaultValue("true") boolean enabled) {
    }
}
