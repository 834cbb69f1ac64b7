package dev.quiver.search.objectstore;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where checkpoints are kept.
 *
 * @param type      {@code filesystem} (standalone: a directory on this machine) or {@code s3} (distributed: a bucket
 *                  every node shares)
 * @param directory the directory of the filesystem store
 */
@Validated
@ConfigurationProperties("quiver.object-store")
public record ObjectStoreProperties(
        @NotNull @DefaultValue("filesystem") Type type,
        @NotNull @DefaultValue("data/objects") Path directory) {

    /** The kinds of object store. */
    public enum Type {
        FILESYSTEM,
        S3
    }
}
